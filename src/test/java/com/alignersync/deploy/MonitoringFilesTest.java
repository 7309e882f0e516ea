package com.alignersync.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alignersync.app.Daemon;
import com.alignersync.config.DaemonConfig;
import com.alignersync.sink.support.H2ClinicTarget;
import com.alignersync.source.poll.support.FakePostgrest;
import com.alignersync.support.PortalPostgres;
import com.alignersync.support.TestDaemonConfig;
import com.alignersync.support.DaemonUrls;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped alert rules and Grafana dashboard against a running daemon (real Postgres for CDC,
 * the PostgREST stand-in for the poller, an H2 sink, as {@code DaemonTest} runs it): every
 * metric they read is one the daemon exports at {@code /metrics}, so the files cannot drift
 * from the code; the rules file is Prometheus rule YAML; the new gauges tell the truth.
 */
class MonitoringFilesTest {

    static final Path RULES = Path.of("connector-config/prometheus-alerts.yml");
    static final Path DASHBOARD = Path.of("connector-config/grafana-dashboard.json");

    /** Recorded by Prometheus itself for every scrape target; no exporter ever serves it. */
    static final Set<String> RECORDED_BY_PROMETHEUS = Set.of("up");

    /** The alerts issue 12 asks for. */
    static final Set<String> REQUIRED_ALERTS = Set.of("AlignerSyncDown", "AlignerSyncCdcNotStreaming",
            "AlignerSyncSlotWalStatusNotReserved", "AlignerSyncSlotLagHigh", "AlignerSyncDeadLettersGrowing",
            "AlignerSyncSinkUnavailable", "AlignerSyncPollStale", "AlignerSyncVerifyDrift");

    private static final String SECRET = "monitoring-test-secret-0123456789";
    private static final String REST_KEY = "sb_secret_monitoring_test";
    private static final Pattern DURATION = Pattern.compile("(\\d+(ms|[smhdwy]))+");
    private static final Set<String> RULE_FIELDS = Set.of("alert", "expr", "for", "keep_firing_for", "labels", "annotations");

    @TempDir
    static Path dataDir;

    static PortalPostgres portal;
    static FakePostgrest rest;
    static H2ClinicTarget target;
    static Daemon daemon;
    static final HttpClient http = HttpClient.newHttpClient();
    /** Sample name to its exposition lines, from one scrape of a settled daemon. */
    static Map<String, List<String>> scrape;

    @BeforeAll
    static void startDaemon() throws Exception {
        portal = PortalPostgres.startSetUp();
        rest = FakePostgrest.start(portal.dataSource(), REST_KEY);
        target = new H2ClinicTarget();
        DaemonConfig config = TestDaemonConfig.of(target.jdbcUrl(), dataDir, portal, rest, REST_KEY, SECRET, "monitoring_test", Map.of());
        daemon = Daemon.start(config, Daemon.lock(dataDir), Clock.systemUTC());
        // Settled: streaming, the slot read, the start-up poll done, the sink probed.
        await("the daemon settles", () -> {
            Map<String, List<String>> s = parse(metricsText());
            return value(s, "aligner_sync_cdc_streaming{") == 1
                    && value(s, "aligner_sync_cdc_slot_wal_status{wal_status=\"reserved\"") == 1
                    && value(s, "aligner_sync_poll_last_success_timestamp_seconds{") > 0
                    && value(s, "aligner_sync_sink_available{") == 1;
        });
        scrape = parse(metricsText());
    }

    @AfterAll
    static void stop() throws Exception {
        if (daemon != null) {
            daemon.close();
        }
        if (target != null) {
            target.close();
        }
        if (portal != null) {
            portal.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = 'monitoring_test'");
            rest.close();
            portal.close();
        }
    }

    static String metricsText() {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(DaemonUrls.of(daemon, "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            return response.body();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Exposition lines by sample name: {@code name{labels} value}. */
    static Map<String, List<String>> parse(String text) {
        Map<String, List<String>> samples = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int end = 0;
            while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
                end++;
            }
            samples.computeIfAbsent(line.substring(0, end), k -> new ArrayList<>()).add(line);
        }
        return samples;
    }

    /** The value of the first line starting with this prefix ({@code name{} or {@code name{label="v"}); NaN when none. */
    static double value(Map<String, List<String>> samples, String prefix) {
        String name = prefix.substring(0, prefix.indexOf('{'));
        for (String line : samples.getOrDefault(name, List.of())) {
            String normalized = line.contains("{") ? line : line.replaceFirst(" ", "{} ");
            if (normalized.startsWith(prefix)) {
                return Double.parseDouble(normalized.substring(normalized.lastIndexOf(' ') + 1));
            }
        }
        return Double.NaN;
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what + "; /metrics:\n" + metricsText());
            }
            Thread.sleep(100);
        }
    }

    static JsonNode rules() throws Exception {
        return new ObjectMapper(new YAMLFactory()).readTree(Files.readString(RULES));
    }

    static JsonNode dashboard() throws Exception {
        return new ObjectMapper().readTree(Files.readString(DASHBOARD));
    }

    private static List<JsonNode> allRules(JsonNode root) {
        List<JsonNode> all = new ArrayList<>();
        root.path("groups").forEach(group -> group.path("rules").forEach(all::add));
        return all;
    }

    /** Names an expression reads that neither this daemon, Prometheus, nor the one listed component exports. */
    private static Set<String> unknownNames(String expr) {
        Set<String> unknown = new TreeSet<>();
        for (String name : PromQl.metricNames(expr)) {
            if (!scrape.containsKey(name) && !RECORDED_BY_PROMETHEUS.contains(name)) {
                unknown.add(name);
            }
        }
        return unknown;
    }

    @Test
    void theRulesFileIsPrometheusRuleYaml() throws Exception {
        JsonNode root = rules();
        assertEquals(Set.of("groups"), fieldNames(root), "a rule file holds only groups");
        assertTrue(root.path("groups").isArray() && root.path("groups").size() > 0);
        Set<String> groupNames = new HashSet<>();
        Set<String> alertNames = new HashSet<>();
        for (JsonNode group : root.path("groups")) {
            assertTrue(group.path("name").isTextual() && groupNames.add(group.path("name").asText()), "group names are set and unique: " + group);
            assertTrue(group.path("rules").isArray() && group.path("rules").size() > 0, "a group has rules");
            for (JsonNode rule : group.path("rules")) {
                String alert = rule.path("alert").asText();
                assertTrue(alert.matches("[A-Z][A-Za-z0-9]+") && alertNames.add(alert), "alert names are set, CamelCase and unique: " + rule);
                assertTrue(RULE_FIELDS.containsAll(fieldNames(rule)), alert + " has only rule fields: " + fieldNames(rule));
                assertTrue(rule.path("expr").isTextual() && !rule.path("expr").asText().isBlank(), alert + " has an expr");
                assertTrue(DURATION.matcher(rule.path("for").asText()).matches(), alert + ": 'for' is a Prometheus duration");
                assertTrue(Set.of("critical", "warning", "info").contains(rule.path("labels").path("severity").asText()),
                        alert + " has a severity label");
                rule.path("labels").forEach(label -> assertTrue(label.isTextual(), alert + ": label values are strings"));
                assertTrue(rule.path("annotations").path("summary").isTextual(), alert + " has a summary");
                assertTrue(rule.path("annotations").path("description").isTextual(), alert + " has a description");
                PromQl.metricNames(rule.path("expr").asText()); // balanced, known functions, reads a metric
            }
        }
        assertTrue(alertNames.containsAll(REQUIRED_ALERTS), "missing alerts: " + difference(REQUIRED_ALERTS, alertNames));
    }

    @Test
    void everyMetricTheRulesReadIsExportedByTheRunningDaemon() throws Exception {
        Map<String, Set<String>> unknown = new LinkedHashMap<>();
        for (JsonNode rule : allRules(rules())) {
            Set<String> names = unknownNames(rule.path("expr").asText());
            if (!names.isEmpty()) {
                unknown.put(rule.path("alert").asText(), names);
            }
        }
        assertTrue(unknown.isEmpty(), "rules read metrics the daemon does not export: " + unknown + "\nexported: " + new TreeSet<>(scrape.keySet()));
    }

    @Test
    void everyMetricTheDashboardReadsIsExportedByTheRunningDaemon() throws Exception {
        List<String> exprs = new ArrayList<>();
        collectExprs(dashboard(), exprs);
        assertTrue(exprs.size() >= 10, "the dashboard's queries were found: " + exprs);
        Map<String, Set<String>> unknown = new LinkedHashMap<>();
        for (String expr : exprs) {
            Set<String> names = unknownNames(expr);
            if (!names.isEmpty()) {
                unknown.put(expr, names);
            }
        }
        // The instance variable lists the values of a label of one metric.
        for (JsonNode variable : dashboard().path("templating").path("list")) {
            Matcher labelValues = Pattern.compile("label_values\\(([A-Za-z_:][A-Za-z0-9_:]*),").matcher(variable.path("definition").asText());
            if (labelValues.find() && !scrape.containsKey(labelValues.group(1))) {
                unknown.put(variable.path("definition").asText(), Set.of(labelValues.group(1)));
            }
        }
        assertTrue(unknown.isEmpty(), "the dashboard reads metrics the daemon does not export: " + unknown
                + "\nexported: " + new TreeSet<>(scrape.keySet()));
    }

    @Test
    void theDashboardIsAGrafanaDashboard() throws Exception {
        JsonNode root = dashboard();
        assertEquals("aligner-sync", root.path("uid").asText());
        assertTrue(root.path("panels").isArray());
        Set<Integer> ids = new HashSet<>();
        for (JsonNode panel : root.path("panels")) {
            assertTrue(ids.add(panel.path("id").asInt()), "panel ids are unique");
            assertTrue(Set.of("stat", "timeseries", "state-timeline").contains(panel.path("type").asText()), panel.path("title").asText());
            for (String field : List.of("x", "y", "w", "h")) {
                assertTrue(panel.path("gridPos").path(field).isInt(), panel.path("title").asText() + " has gridPos." + field);
            }
            assertEquals("${datasource}", panel.path("datasource").path("uid").asText(), "panels use the datasource variable");
            assertTrue(panel.path("targets").size() > 0, panel.path("title").asText() + " has a query");
        }
    }

    @Test
    void theNewGaugesReportTheRunningDaemon() {
        assertEquals(1, value(scrape, "aligner_sync_cdc_streaming{"));
        assertEquals(1, value(scrape, "aligner_sync_cdc_state{state=\"streaming\""));
        assertEquals(0, value(scrape, "aligner_sync_cdc_state{state=\"failed\""));
        assertEquals(1, value(scrape, "aligner_sync_cdc_slot_wal_status{wal_status=\"reserved\""));
        assertEquals(0, value(scrape, "aligner_sync_cdc_slot_wal_status{wal_status=\"lost\""));
        assertEquals(0, value(scrape, "aligner_sync_cdc_slot_alarm{"));
        assertTrue(value(scrape, "aligner_sync_cdc_slot_lag_bytes{") >= 0, "the slot's retained WAL is a number");
        assertEquals(1, value(scrape, "aligner_sync_sink_available{"));
        assertEquals(0, value(scrape, "aligner_sync_dead_letters{"));
        assertEquals(3600, value(scrape, "aligner_sync_poll_interval_seconds{"));
        double lastPoll = value(scrape, "aligner_sync_poll_last_success_timestamp_seconds{");
        assertTrue(Math.abs(System.currentTimeMillis() / 1000.0 - lastPoll) < 300, "the start-up poll's time in epoch seconds: " + lastPoll);
        assertEquals(1, value(scrape, "aligner_sync_poll_runs_total{result=\"ok\""));
    }

    @Test
    void thePromQlCheckRejectsWhatPrometheusWould() {
        assertEquals(Set.of("aligner_sync_events_total"),
                PromQl.metricNames("sum by (input) (rate(aligner_sync_events_total{outcome=\"applied\",instance=~\"$instance\"}[$__rate_interval])) * 60"));
        assertEquals(Set.of("aligner_sync_poll_last_success_timestamp_seconds", "aligner_sync_poll_interval_seconds"),
                PromQl.metricNames("time() - aligner_sync_poll_last_success_timestamp_seconds > 2 * aligner_sync_poll_interval_seconds"));
        assertEquals(Set.of("aligner_sync_cdc_slot_lag_bytes"), PromQl.metricNames("aligner_sync_cdc_slot_lag_bytes > 1e9"));
        assertThrows(IllegalArgumentException.class, () -> PromQl.metricNames("rate(aligner_sync_events_total[5m]"));
        assertThrows(IllegalArgumentException.class, () -> PromQl.metricNames("aligner_sync_events_total{input=\"cdc\")"));
        assertThrows(IllegalArgumentException.class, () -> PromQl.metricNames("rates(aligner_sync_events_total[5m])"));
        assertFalse(PromQl.metricNames("up{job=\"aligner-sync\"} == 0").contains("job"));
    }

    private static void collectExprs(JsonNode node, List<String> out) {
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (field.getKey().equals("expr") && field.getValue().isTextual()) {
                    out.add(field.getValue().asText());
                } else {
                    collectExprs(field.getValue(), out);
                }
            }
        } else if (node.isArray()) {
            node.forEach(child -> collectExprs(child, out));
        }
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static Set<String> difference(Set<String> a, Set<String> b) {
        Set<String> out = new TreeSet<>(a);
        out.removeAll(b);
        return out;
    }
}

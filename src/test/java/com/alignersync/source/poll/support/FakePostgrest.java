package com.alignersync.source.poll.support;

import com.alignersync.source.poll.support.PostgrestGrammar.Condition;
import com.alignersync.source.poll.support.PostgrestGrammar.Logic;
import com.alignersync.source.poll.support.PostgrestGrammar.Node;
import com.alignersync.source.poll.support.PostgrestGrammar.OrderTerm;
import com.alignersync.source.poll.support.PostgrestGrammar.ParseError;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;

/**
 * A stand-in for Supabase's PostgREST over a real Postgres: answers
 * {@code GET /rest/v1/<table>} by translating the query grammar the poller uses ({@code select},
 * column filters {@code eq neq gt gte lt lte is in} with {@code not.}, {@code or=(...)} and
 * {@code and=(...)} with nesting and quoted values, multi-column {@code order}, {@code limit},
 * {@code offset}) into one parameterized SQL statement, the result built by Postgres'
 * {@code json_agg} as PostgREST does. Like Supabase it caps a response at {@code maxRows}
 * (1,000) whatever {@code limit} says, answers errors as JSON {@code {code, message, details,
 * hint}} (PGRST100 bad query, 42703 unknown column, PGRST205 unknown table, Postgres' own code
 * for a value of the wrong type) and 401 without the right {@code apikey}. With
 * {@code Prefer: count=exact} it counts every row the filters match, limit and offset aside, and
 * answers it in {@code Content-Range} ({@code 0-24/25}, <code>&#42;/0</code> for none; 206 when the
 * page holds only part of them). Faults (a status, a delay, a rewritten body) can be injected
 * for the next requests, and {@link #hideRows} blinds it as row-level security blinds a key.
 */
public final class FakePostgrest implements AutoCloseable {

    private final DataSource dataSource;
    private final String apiKey;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private volatile int maxRows = 1_000;
    private volatile boolean rowsHidden;
    private final Queue<Fault> faults = new ConcurrentLinkedQueue<>();
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();

    /** What the server received, for assertions: the raw (still encoded) query and the auth headers. */
    public record Request(String table, String rawQuery, String apikey, String authorization) {
    }

    /** One injected fault: answer {@code status} with {@code body}, or wait {@code delay} first, or rewrite the body. */
    private record Fault(int status, String body, Duration delay, UnaryOperator<String> rewrite) {
    }

    private FakePostgrest(DataSource dataSource, String apiKey) throws IOException {
        this.dataSource = dataSource;
        this.apiKey = apiKey;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/rest/v1/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    public static FakePostgrest start(DataSource dataSource, String apiKey) throws IOException {
        return new FakePostgrest(dataSource, apiKey);
    }

    /** The PostgREST base, as {@code <supabase.url>/rest/v1}. */
    public URI restUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/rest/v1");
    }

    /** The project URL, as {@code SUPABASE_URL}. */
    public String supabaseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public void maxRows(int rows) {
        this.maxRows = rows;
    }

    public void failNext(int status, String jsonBody) {
        faults.add(new Fault(status, jsonBody, null, null));
    }

    public void delayNext(Duration delay) {
        faults.add(new Fault(0, null, delay, null));
    }

    public void rewriteNext(UnaryOperator<String> rewrite) {
        faults.add(new Fault(0, null, null, rewrite));
    }

    /**
     * As row-level security answers a key that no policy lets read (an anon or a user's key instead of
     * the service role key): every table reads as empty, {@code 200 []}, and counts 0.
     */
    public void hideRows(boolean hidden) {
        this.rowsHidden = hidden;
    }

    public void clearFaults() {
        faults.clear();
    }

    public List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** Forgets what was received; first waits (up to 10 s) for requests still held by an injected delay to finish. */
    public void clearRequests() {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            sleep(Duration.ofMillis(20));
        }
        requests.clear();
        maxInFlight.set(inFlight.get());
    }

    public int maxConcurrentRequests() {
        return maxInFlight.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        try {
            String table = exchange.getRequestURI().getRawPath().substring("/rest/v1/".length());
            String rawQuery = exchange.getRequestURI().getRawQuery();
            String key = exchange.getRequestHeaders().getFirst("apikey");
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            requests.add(new Request(table, rawQuery, key, authorization));
            // The poller's one-time look for the origin stamps is no page: the faults a test
            // queues are meant for the pages (and the notes' updated_at probe, as before).
            boolean stampProbe = rawQuery != null && rawQuery.startsWith("select=") && rawQuery.contains("_changed_by&limit=1");
            Fault fault = stampProbe ? null : faults.poll();
            if (fault != null && fault.delay() != null) {
                sleep(fault.delay());
            }
            if (fault != null && fault.status() != 0) {
                send(exchange, fault.status(), fault.body(), null);
                return;
            }
            if (!"GET".equals(exchange.getRequestMethod())) {
                send(exchange, 405, error("PGRST117", "Unsupported HTTP method: " + exchange.getRequestMethod(), null), null);
                return;
            }
            if (key == null) {
                send(exchange, 401, "{\"message\":\"No API key found in request\",\"hint\":\"No `apikey` request header or url param was found.\"}", null);
                return;
            }
            if (!key.equals(apiKey)) {
                send(exchange, 401, "{\"message\":\"Invalid API key\",\"hint\":\"Double check your Supabase `anon` or `service_role` API key.\"}", null);
                return;
            }
            if (authorization != null && !(authorization.startsWith("Bearer ") && authorization.substring(7).split("\\.", -1).length == 3)) {
                send(exchange, 401, error("PGRST301", "Expected 3 parts in JWT; got " + authorization.replaceFirst("^Bearer ", "").split("\\.", -1).length, null), null);
                return;
            }
            String prefer = exchange.getRequestHeaders().getFirst("Prefer");
            boolean count = prefer != null && List.of(prefer.replace(" ", "").split(",")).contains("count=exact");
            Answer answer = answer(table, rawQuery == null ? "" : rawQuery, count);
            String body = answer.body();
            if (fault != null && fault.rewrite() != null && answer.status() == 200) {
                body = fault.rewrite().apply(body);
            }
            send(exchange, answer.status(), body, answer.contentRange());
        } catch (RuntimeException e) {
            send(exchange, 500, error("XX000", String.valueOf(e), null), null);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private record Answer(int status, String body, String contentRange) {
    }

    private Answer answer(String table, String rawQuery, boolean count) {
        try (Connection connection = dataSource.getConnection()) {
            Map<String, String> columns = columns(connection, table);
            if (columns.isEmpty()) {
                return new Answer(404, error("PGRST205", "Could not find the table 'public." + table + "' in the schema cache", null), null);
            }
            Sql sql;
            try {
                sql = translate(table, columns, rawQuery);
            } catch (ParseError e) {
                return new Answer(400, error("PGRST100", e.getMessage(), null), null);
            } catch (UnknownColumn e) {
                return new Answer(400, error("42703", "column " + table + "." + e.getMessage() + " does not exist", null), null);
            }
            try (Statement session = connection.createStatement()) {
                session.execute("SET TIME ZONE 'UTC'");
            }
            try (PreparedStatement statement = connection.prepareStatement(sql.text())) {
                for (int i = 0; i < sql.params().size(); i++) {
                    statement.setString(i + 1, sql.params().get(i));
                }
                String rows;
                int returned;
                try (ResultSet rs = statement.executeQuery()) {
                    rs.next();
                    rows = rs.getString(1);
                    returned = rs.getInt(2);
                }
                Long total = count ? total(connection, sql) : null;
                String range = (returned == 0 ? "*" : sql.offset() + "-" + (sql.offset() + returned - 1)) + "/" + (total == null ? "*" : total);
                boolean partial = total != null && returned < total;
                return new Answer(partial ? 206 : 200, rows, range);
            } catch (SQLException e) {
                // PostgREST passes Postgres' own error through: 22P02 for "abc" compared with an integer, etc.
                return new Answer(400, error(e.getSQLState(), firstLine(e.getMessage()), null), null);
            }
        } catch (SQLException e) {
            return new Answer(503, error("PGRST000", "Could not connect with the database", null), null);
        }
    }

    /** Every row the query's filters match, limit and offset aside: what PostgREST's exact count answers. */
    private static long total(Connection connection, Sql sql) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql.countText())) {
            for (int i = 0; i < sql.params().size(); i++) {
                statement.setString(i + 1, sql.params().get(i));
            }
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static String firstLine(String message) {
        String line = message == null ? "" : message.split("\n")[0];
        return line.startsWith("ERROR: ") ? line.substring(7) : line;
    }

    private static final class UnknownColumn extends Exception {
        UnknownColumn(String column) {
            super(column);
        }
    }

    private record Sql(String text, String countText, List<String> params, long offset) {
    }

    private Sql translate(String table, Map<String, String> columns, String rawQuery) throws ParseError, UnknownColumn {
        String select = "*";
        List<String> where = new ArrayList<>();
        List<String> params = new ArrayList<>();
        List<OrderTerm> order = List.of();
        Long limit = null;
        long offset = 0;
        for (String pair : rawQuery.isEmpty() ? new String[0] : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            switch (name) {
                case "select" -> select = value;
                case "order" -> order = PostgrestGrammar.order(value);
                case "limit" -> limit = number("limit", value);
                case "offset" -> offset = number("offset", value);
                case "or", "and", "not.or", "not.and" -> where.add(sql(PostgrestGrammar.logic(
                        name.replace("not.", ""), name.startsWith("not."), value), columns, params));
                default -> where.add(sql(PostgrestGrammar.columnFilter(name, value), columns, params));
            }
        }
        List<String> selected = new ArrayList<>();
        if (select.equals("*")) {
            selected.addAll(columns.keySet());
        } else {
            for (String column : select.split(",")) {
                if (!column.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                    throw new ParseError("failed to parse select parameter (" + select + ")");
                }
                selected.add(known(column, columns));
            }
        }
        List<String> orderSql = new ArrayList<>();
        for (OrderTerm term : order) {
            orderSql.add(quote(known(term.column(), columns)) + (term.descending() ? " DESC" : " ASC")
                    + (term.nullsFirst() == null ? "" : term.nullsFirst() ? " NULLS FIRST" : " NULLS LAST"));
        }
        if (rowsHidden) {
            where.add("false"); // no policy lets this key see a row: no rows, and a count of 0
        }
        long effectiveLimit = limit == null ? maxRows : Math.min(limit, maxRows);
        String from = " FROM public." + quote(table) + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where));
        String inner = "SELECT " + String.join(", ", selected.stream().map(FakePostgrest::quote).toList()) + from
                + (orderSql.isEmpty() ? "" : " ORDER BY " + String.join(", ", orderSql))
                + " LIMIT " + effectiveLimit + " OFFSET " + offset;
        String text = "SELECT coalesce(json_agg(t), '[]'::json)::text, count(*) FROM (" + inner + ") t";
        return new Sql(text, "SELECT count(*)" + from, params, offset);
    }

    private static long number(String name, String value) throws ParseError {
        try {
            long parsed = Long.parseLong(value);
            if (parsed >= 0) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ParseError("failed to parse " + name + " parameter (" + value + ")");
    }

    private String sql(Node node, Map<String, String> columns, List<String> params) throws UnknownColumn {
        if (node instanceof Logic logic) {
            List<String> parts = new ArrayList<>();
            for (Node child : logic.children()) {
                parts.add(sql(child, columns, params));
            }
            String joined = "(" + String.join(logic.operator().equals("and") ? " AND " : " OR ", parts) + ")";
            return logic.negated() ? "NOT " + joined : joined;
        }
        Condition c = (Condition) node;
        String column = quote(known(c.column(), columns));
        String type = columns.get(c.column());
        String expression = switch (c.operator()) {
            case "is" -> switch (c.values().get(0)) {
                case "null" -> column + " IS NULL";
                case "not_null" -> column + " IS NOT NULL";
                case "true" -> column + " IS TRUE";
                case "false" -> column + " IS FALSE";
                default -> column + " IS UNKNOWN";
            };
            case "in" -> {
                List<String> marks = new ArrayList<>();
                for (String value : c.values()) {
                    params.add(value);
                    marks.add("CAST(? AS " + type + ")");
                }
                yield column + " IN (" + String.join(", ", marks) + ")";
            }
            default -> {
                params.add(c.values().get(0));
                String op = switch (c.operator()) {
                    case "eq" -> "=";
                    case "neq" -> "<>";
                    case "gt" -> ">";
                    case "gte" -> ">=";
                    case "lt" -> "<";
                    default -> "<=";
                };
                yield column + " " + op + " CAST(? AS " + type + ")";
            }
        };
        return c.negated() ? "NOT (" + expression + ")" : expression;
    }

    private static String known(String column, Map<String, String> columns) throws UnknownColumn {
        if (!columns.containsKey(column)) {
            throw new UnknownColumn(column);
        }
        return column;
    }

    /** Column name to Postgres type name ({@code int4}, {@code timestamptz}, ...), in table order. */
    private static Map<String, String> columns(Connection connection, String table) throws SQLException {
        Map<String, String> columns = new LinkedHashMap<>();
        try (PreparedStatement s = connection.prepareStatement("SELECT column_name, udt_name FROM information_schema.columns"
                + " WHERE table_schema = 'public' AND table_name = ? ORDER BY ordinal_position")) {
            s.setString(1, table);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    columns.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return columns;
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    private static String decode(String value) {
        // As PostgREST (and every form decoder) reads it: an unencoded '+' becomes a space.
        return URLDecoder.decode(value, StandardCharsets.UTF_8);
    }

    private static String error(String code, String message, String hint) {
        return "{\"code\":" + json(code) + ",\"details\":null,\"hint\":" + json(hint) + ",\"message\":" + json(message) + "}";
    }

    private static String json(String value) {
        if (value == null) {
            return "null";
        }
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    private static void sleep(Duration delay) {
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void send(HttpExchange exchange, int status, String body, String contentRange) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        // Every answer carries a Date header, as PostgREST's does (the poller bounds its cursors by it):
        // the JDK's server sets it from the real clock itself, overriding any value set here.
        if (contentRange != null) {
            exchange.getResponseHeaders().set("Content-Range", contentRange);
        }
        try {
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        } catch (IOException e) {
            // the client gave up (a timeout test): nothing to answer
        } finally {
            exchange.close();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}

package com.alignersync.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WebhookConfigTest {

    private static WebhookConfig parse(Map<String, String> values) {
        ConfigReader reader = new ConfigReader(Settings.of(values));
        WebhookConfig config = WebhookConfig.from(reader);
        reader.throwIfProblems();
        return config;
    }

    @Test
    void theWebhookRefusesToStartWithoutASecretNamingTheKeyAndTheFix() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(Map.of()));
        assertEquals(1, e.problems().size());
        String problem = e.problems().get(0);
        assertTrue(problem.startsWith("webhook.secret (env WEBHOOK_SECRET) is not set"), problem);
        assertTrue(problem.contains("Authorization: Bearer"), problem);
        assertTrue(problem.contains("webhook.auth=none"), problem);
    }

    @Test
    void authNoneOrADisabledWebhookNeedsNoSecret() {
        WebhookConfig open = parse(Map.of("webhook.auth", "none"));
        assertEquals(WebhookConfig.Auth.NONE, open.auth());
        assertFalse(parse(Map.of("webhook.enabled", "false")).enabled());
    }

    @Test
    void defaultsComeFromTheKeys() {
        WebhookConfig config = parse(Map.of("webhook.secret", "s3cret-value-0123456789abcdef"));
        assertTrue(config.enabled());
        assertEquals(WebhookConfig.Auth.BEARER, config.auth());
        assertEquals(262_144, config.maxBodyBytes());
        assertEquals(Duration.ofMinutes(5), config.signatureTolerance());
        assertNull(config.signingKey());
    }

    @Test
    void aSigningSecretInSupabaseFormIsDecodedAndSufficesAlone() {
        byte[] key = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
        String b64 = Base64.getEncoder().encodeToString(key);
        assertArrayEquals(key, parse(Map.of("webhook.signing-secret", "v1,whsec_" + b64)).signingKey());
        assertArrayEquals(key, parse(Map.of("webhook.signing-secret", "whsec_" + b64)).signingKey());
    }

    @Test
    void badValuesAreAllReportedWithoutEchoingSecrets() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(Map.of(
                "webhook.secret", "s3cret-value-0123456789abcdef",
                "webhook.signing-secret", "v1,whsec_not*base64!",
                "webhook.enabled", "yes",
                "webhook.auth", "basic",
                "webhook.max-body-bytes", "12")));
        assertEquals(4, e.problems().size(), e.getMessage());
        assertTrue(e.getMessage().contains("webhook.signing-secret (env WEBHOOK_SIGNING_SECRET) is not a Standard Webhooks secret"));
        assertTrue(e.getMessage().contains("webhook.enabled (env WEBHOOK_ENABLED) is 'yes': expected true or false"));
        assertTrue(e.getMessage().contains("expected one of bearer, none"));
        assertTrue(e.getMessage().contains("webhook.max-body-bytes"));
        assertFalse(e.getMessage().contains("not*base64"), e.getMessage());
    }

    @Test
    void secretsShorterThan16CharactersAreRefusedNamingTheKeyWithoutEchoingThem() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(Map.of(
                "webhook.secret", "s3cret-value",
                "webhook.signing-secret", "whsec_" + Base64.getEncoder().encodeToString("ten bytes!".getBytes(StandardCharsets.US_ASCII)))));
        assertEquals(2, e.problems().size(), e.getMessage());
        assertTrue(e.problems().get(0).startsWith("webhook.secret (env WEBHOOK_SECRET) is shorter than 16 characters"), e.getMessage());
        assertTrue(e.problems().get(0).contains("openssl rand -hex 32"), e.getMessage());
        assertTrue(e.problems().get(1).startsWith("webhook.signing-secret (env WEBHOOK_SIGNING_SECRET)"), e.getMessage());
        assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
        // The secret also guards the operator routes: refused with the webhook off or open too.
        assertThrows(ConfigException.class, () -> parse(Map.of("webhook.enabled", "false", "webhook.secret", "short")));
        assertThrows(ConfigException.class, () -> parse(Map.of("webhook.auth", "none", "webhook.secret", "short")));
        assertEquals(16, parse(Map.of("webhook.secret", "0123456789abcdef")).bearerSecret().length());
    }

    @Test
    void toStringMasksBothSecrets() {
        WebhookConfig config = parse(Map.of("webhook.secret", "s3cret-value-0123456789abcdef", "webhook.signing-secret", "whsec_" + Base64.getEncoder().encodeToString("a signing key of 32 bytes length".getBytes(StandardCharsets.US_ASCII))));
        assertFalse(config.toString().contains("s3cret"), config.toString());
        assertTrue(config.toString().contains("bearerSecret=****"), config.toString());
    }

    @Test
    void httpServerConfigReadsPortBindAddressAndStopTimeout() {
        ConfigReader reader = new ConfigReader(Settings.of(Map.of("http.port", "8080", "http.bind-address", "127.0.0.1")));
        HttpServerConfig config = HttpServerConfig.from(reader);
        reader.throwIfProblems();
        assertEquals(new HttpListenerConfig("public", "127.0.0.1", 8080, Optional.empty(), HttpLimits.defaults(Duration.ofSeconds(10))),
                config.webhook());
        assertEquals(new HttpListenerConfig("ops", "127.0.0.1", 3001, Optional.empty(), HttpLimits.defaults(Duration.ofSeconds(10))),
                config.ops());

        ConfigReader bad = new ConfigReader(Settings.of(Map.of("http.port", "70000")));
        HttpServerConfig.from(bad);
        ConfigException e = assertThrows(ConfigException.class, bad::throwIfProblems);
        assertTrue(e.getMessage().contains("http.port (env PORT) is '70000'"), e.getMessage());
    }
}

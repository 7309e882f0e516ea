package com.alignersync.source.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alignersync.config.WebhookConfig;
import com.alignersync.http.RequestAuthenticator;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Bearer secrets and Standard Webhooks signatures, against a fixed clock. */
class WebhookAuthenticatorTest {

    private static final String SECRET = WebhookTestServer.SECRET;
    private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
    private static final byte[] BODY = "{\"type\":\"INSERT\"}".getBytes(StandardCharsets.UTF_8);

    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

    private WebhookAuthenticator authenticator(String secret, byte[] signingKey) {
        return new WebhookAuthenticator(WebhookTestServer.config(WebhookConfig.Auth.BEARER, secret, signingKey, 1_048_576), clock);
    }

    private static Optional<String> check(RequestAuthenticator auth, Map<String, String> headers, byte[] body) {
        Map<String, String> lower = new HashMap<>();
        headers.forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), v));
        return auth.rejectReason(name -> lower.get(name.toLowerCase(Locale.ROOT)), body);
    }

    @Test
    void theRightBearerSecretPassesWhateverTheSchemeCase() {
        WebhookAuthenticator auth = authenticator(SECRET, null);
        assertEquals(Optional.empty(), check(auth, Map.of("Authorization", "Bearer " + SECRET), BODY));
        assertEquals(Optional.empty(), check(auth, Map.of("Authorization", "bearer " + SECRET), BODY));
    }

    @Test
    void wrongSecretsOfEveryLengthAndMissingHeadersAreRefused() {
        WebhookAuthenticator auth = authenticator(SECRET, null);
        String sameLength = SECRET.substring(0, SECRET.length() - 1) + "X";
        for (String wrong : new String[] {sameLength, SECRET + SECRET, "", "x", SECRET.substring(1)}) {
            Optional<String> reason = check(auth, Map.of("Authorization", "Bearer " + wrong), BODY);
            assertTrue(reason.isPresent(), wrong);
            assertFalse(reason.get().contains(SECRET), reason.get());
        }
        assertTrue(check(auth, Map.of("Authorization", SECRET), BODY).isPresent());
        assertTrue(check(auth, Map.of(), BODY).get().startsWith("missing credentials"));
    }

    private static Map<String, String> signed(String id, long timestamp, String signatureHeader) {
        return Map.of("webhook-id", id, "webhook-timestamp", Long.toString(timestamp), "webhook-signature", signatureHeader);
    }

    private static String v1(WebhookAuthenticator auth, String id, long timestamp, byte[] body) {
        return "v1," + Base64.getEncoder().encodeToString(auth.sign(id, Long.toString(timestamp), body));
    }

    @Test
    void aValidSignatureWithinTolerancePasses() {
        WebhookAuthenticator auth = authenticator(null, WebhookTestServer.SIGNING_KEY);
        long ts = NOW.getEpochSecond() - 299;
        assertEquals(Optional.empty(), check(auth, signed("msg_1", ts, v1(auth, "msg_1", ts, BODY)), BODY));
        // Several signatures (key rotation): one valid v1 suffices.
        String rotated = "v1,AAAA v2,whatever " + v1(auth, "msg_1", ts, BODY);
        assertEquals(Optional.empty(), check(auth, signed("msg_1", ts, rotated), BODY));
    }

    @Test
    void theSignatureMatchesAnIndependentHmacOfIdTimestampAndBody() throws Exception {
        WebhookAuthenticator auth = authenticator(null, WebhookTestServer.SIGNING_KEY);
        long ts = NOW.getEpochSecond();
        String expected = WebhookHttpTest.sign("msg_x", ts, new String(BODY, StandardCharsets.UTF_8));
        assertEquals("v1," + expected, v1(auth, "msg_x", ts, BODY));
    }

    @Test
    void aTamperedBodyAnotherIdOrAnExpiredOrFutureTimestampIsRefused() {
        WebhookAuthenticator auth = authenticator(null, WebhookTestServer.SIGNING_KEY);
        long ts = NOW.getEpochSecond();
        String signature = v1(auth, "msg_1", ts, BODY);
        byte[] tampered = "{\"type\":\"DELETE\"}".getBytes(StandardCharsets.UTF_8);

        assertEquals("the webhook signature does not match", check(auth, signed("msg_1", ts, signature), tampered).orElseThrow());
        assertTrue(check(auth, signed("msg_2", ts, signature), BODY).isPresent());
        long expired = ts - 301;
        assertTrue(check(auth, signed("msg_1", expired, v1(auth, "msg_1", expired, BODY)), BODY).orElseThrow().contains("tolerance"));
        long future = ts + 301;
        assertTrue(check(auth, signed("msg_1", future, v1(auth, "msg_1", future, BODY)), BODY).isPresent());
        assertTrue(check(auth, Map.of("webhook-signature", signature), BODY).orElseThrow().contains("webhook-id"));
    }

    @Test
    void aSignatureIsNotAcceptedWhenNoSigningSecretIsConfigured() {
        WebhookAuthenticator auth = authenticator(SECRET, null);
        WebhookAuthenticator signer = authenticator(null, WebhookTestServer.SIGNING_KEY);
        long ts = NOW.getEpochSecond();
        assertTrue(check(auth, signed("m", ts, v1(signer, "m", ts, BODY)), BODY).isPresent());
    }

    @Test
    void eitherCredentialSufficesWhenBothAreConfigured() {
        WebhookAuthenticator auth = authenticator(SECRET, WebhookTestServer.SIGNING_KEY);
        long ts = NOW.getEpochSecond();
        Map<String, String> headers = new HashMap<>(signed("m", ts, v1(auth, "m", ts, BODY)));
        headers.put("Authorization", "Bearer wrong");
        assertEquals(Optional.empty(), check(auth, headers, BODY));
        assertEquals(Optional.empty(), check(auth, Map.of("Authorization", "Bearer " + SECRET), BODY));
        assertEquals("bearer or standard-webhooks signature", auth.describe());
    }

    @Test
    void authNoneLetsEverythingThrough() {
        WebhookAuthenticator open = new WebhookAuthenticator(WebhookTestServer.config(WebhookConfig.Auth.NONE, null, null, 1024), clock);
        assertTrue(open.isOpen());
        assertEquals(Optional.empty(), check(open, Map.of(), BODY));
        assertEquals("none", open.describe());
    }

    // --- operator(): the operator routes (poll, reconcile, dead-letter replay) ---

    @Test
    void signedWebhookReplayedAgainstOperatorRoutesIsRefused() {
        WebhookAuthenticator auth = authenticator(SECRET, WebhookTestServer.SIGNING_KEY);
        long ts = NOW.getEpochSecond();
        Map<String, String> captured = signed("msg_1", ts, v1(auth, "msg_1", ts, BODY));
        assertEquals(Optional.empty(), check(auth, captured, BODY), "the webhook takes it");

        Optional<String> refused = check(auth.operator(), captured, BODY);
        assertTrue(refused.isPresent(), "a signature does not cover the path, so it proves nothing about an operator route");
        assertTrue(refused.get().contains("Authorization: Bearer"), refused.get());
        assertTrue(refused.get().contains("signature"), refused.get());
        // A wrong bearer next to a valid signature is refused too (on the webhook the signature would carry it).
        Map<String, String> both = new HashMap<>(captured);
        both.put("Authorization", "Bearer wrong");
        assertEquals("the bearer secret does not match", check(auth.operator(), both, BODY).orElseThrow());
    }

    @Test
    void operatorRoutesAcceptTheBearerSecret() {
        RequestAuthenticator operator = authenticator(SECRET, WebhookTestServer.SIGNING_KEY).operator();
        assertEquals(Optional.empty(), check(operator, Map.of("Authorization", "Bearer " + SECRET), BODY));
        assertEquals(Optional.empty(), check(operator, Map.of("Authorization", "bearer " + SECRET), new byte[0]));
        String sameLength = SECRET.substring(0, SECRET.length() - 1) + "X";
        for (String wrong : new String[] {sameLength, SECRET + SECRET, "", "x"}) {
            Optional<String> reason = check(operator, Map.of("Authorization", "Bearer " + wrong), BODY);
            assertTrue(reason.isPresent(), wrong);
            assertFalse(reason.get().contains(SECRET), reason.get());
        }
        assertTrue(check(operator, Map.of(), BODY).orElseThrow().startsWith("missing credentials"));
    }

    @Test
    void operatorRoutesWithoutBearerSecretNameTheKeyToSet() {
        WebhookAuthenticator signingOnly = authenticator(null, WebhookTestServer.SIGNING_KEY);
        long ts = NOW.getEpochSecond();
        Map<String, String> signedHeaders = signed("msg_1", ts, v1(signingOnly, "msg_1", ts, BODY));
        for (Map<String, String> headers : List.of(signedHeaders, Map.of("Authorization", "Bearer " + SECRET), Map.<String, String>of())) {
            String reason = check(signingOnly.operator(), headers, BODY).orElseThrow();
            assertTrue(reason.contains("webhook.secret") && reason.contains("WEBHOOK_SECRET"), reason);
        }
        String misconfigured = signingOnly.operator().misconfigured().orElseThrow();
        assertTrue(misconfigured.contains("webhook.secret") && misconfigured.contains("WEBHOOK_SECRET"), misconfigured);
        assertEquals(Optional.empty(), authenticator(SECRET, WebhookTestServer.SIGNING_KEY).operator().misconfigured(),
                "with a bearer secret the routes can be authenticated");
    }

    @Test
    void operatorRoutesNeedABearerSecretEvenWhenTheWebhookIsOpen() {
        // webhook.auth=none used to open the routes that write to SQL Server to any page in the clinic.
        WebhookAuthenticator open = new WebhookAuthenticator(WebhookTestServer.config(WebhookConfig.Auth.NONE, SECRET, null, 1024), clock);
        assertEquals(Optional.empty(), check(open, Map.of(), BODY), "the webhook itself stays open, as configured");
        assertTrue(check(open.operator(), Map.of(), BODY).orElseThrow().startsWith("missing credentials"));
        assertEquals(Optional.empty(), check(open.operator(), Map.of("Authorization", "Bearer " + SECRET), BODY));
        WebhookAuthenticator openWithoutSecret = new WebhookAuthenticator(WebhookTestServer.config(WebhookConfig.Auth.NONE, null, null, 1024), clock);
        assertTrue(openWithoutSecret.operator().misconfigured().orElseThrow().contains("http.operator-secret"));
    }

    private static final String OPERATOR = "operator-secret-0123456789abcdef";
    private static final String PREVIOUS = "previous-webhook-secret-0123456789";

    private WebhookAuthenticator withOperatorAndPrevious() {
        return new WebhookAuthenticator(new WebhookConfig(true, WebhookConfig.Auth.BEARER, SECRET, null, java.time.Duration.ofMinutes(5),
                1_048_576, WebhookConfig.DEFAULT_SINK_TIMEOUT, PREVIOUS, OPERATOR), clock);
    }

    @Test
    void anOperatorSecretOfItsOwnIsTheOnlyOneTheOperatorRoutesTake() {
        WebhookAuthenticator auth = withOperatorAndPrevious();
        assertEquals(Optional.empty(), check(auth.operator(), Map.of("Authorization", "Bearer " + OPERATOR), BODY));
        assertEquals("the bearer secret does not match", check(auth.operator(), Map.of("Authorization", "Bearer " + SECRET), BODY).orElseThrow(),
                "the secret Supabase holds cannot drive reconcile or replay");
        assertTrue(check(auth, Map.of("Authorization", "Bearer " + OPERATOR), BODY).isPresent(), "nor the operator's the webhook");
        assertFalse(auth.operatorSharesTheWebhookSecret());
        assertTrue(authenticator(SECRET, null).operatorSharesTheWebhookSecret());
    }

    @Test
    void thePreviousWebhookSecretIsAcceptedDuringARotationOnTheWebhookOnly() {
        WebhookAuthenticator auth = withOperatorAndPrevious();
        assertEquals(Optional.empty(), check(auth, Map.of("Authorization", "Bearer " + SECRET), BODY));
        assertEquals(Optional.empty(), check(auth, Map.of("Authorization", "Bearer " + PREVIOUS), BODY));
        assertTrue(check(auth, Map.of("Authorization", "Bearer not-a-configured-secret-at-all"), BODY).isPresent());
        assertTrue(check(auth.operator(), Map.of("Authorization", "Bearer " + PREVIOUS), BODY).isPresent());
    }

    @Test
    void signaturesWithThePreviousSigningKeyAreAcceptedDuringARotationAndOthersAreNot() {
        byte[] previousKey = "the-signing-key-before-rotation-0123".getBytes(StandardCharsets.UTF_8);
        WebhookAuthenticator current = authenticator(null, WebhookTestServer.SIGNING_KEY);
        WebhookAuthenticator old = authenticator(null, previousKey);
        WebhookAuthenticator rotating = new WebhookAuthenticator(new WebhookConfig(true, WebhookConfig.Auth.BEARER, null,
                WebhookTestServer.SIGNING_KEY, java.time.Duration.ofMinutes(5), 1_048_576, WebhookConfig.DEFAULT_SINK_TIMEOUT, null, OPERATOR,
                previousKey), clock);
        long ts = NOW.getEpochSecond();
        assertEquals(Optional.empty(), check(rotating, signed("msg_1", ts, v1(current, "msg_1", ts, BODY)), BODY), "the new key");
        assertEquals(Optional.empty(), check(rotating, signed("msg_1", ts, v1(old, "msg_1", ts, BODY)), BODY), "the old key, meanwhile");
        assertTrue(check(current, signed("msg_1", ts, v1(old, "msg_1", ts, BODY)), BODY).isPresent(), "after the rotation, not any more");
        WebhookAuthenticator stranger = authenticator(null, "some-other-key-entirely-0123456789".getBytes(StandardCharsets.UTF_8));
        assertTrue(check(rotating, signed("msg_1", ts, v1(stranger, "msg_1", ts, BODY)), BODY).isPresent());
        assertTrue(check(rotating.operator(), signed("msg_1", ts, v1(old, "msg_1", ts, BODY)), BODY).isPresent(), "never the operator routes");
    }
}

package com.alignersync.config;

import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * How {@code POST /api/sync/webhook} authenticates and limits requests.
 *
 * @param bearerSecret the shared secret of {@code Authorization: Bearer}; null when not configured
 * @param signingKey   the decoded Standard Webhooks HMAC key; null when not configured
 * @param sinkTimeout  the longest a request waits for its commit before it is answered 503
 * @param previousBearerSecret a second bearer secret the webhook accepts while Supabase's webhooks move to a new one; null when unset
 * @param operatorSecret       the operator routes' own bearer secret; null when unset (they then take the webhook's)
 * @param previousSigningKey   a second Standard Webhooks key accepted while a rotation is under way; null when unset
 */
public record WebhookConfig(boolean enabled, Auth auth, String bearerSecret, byte[] signingKey,
                            Duration signatureTolerance, int maxBodyBytes, Duration sinkTimeout, String previousBearerSecret,
                            String operatorSecret, byte[] previousSigningKey) {

    public WebhookConfig(boolean enabled, Auth auth, String bearerSecret, byte[] signingKey, Duration signatureTolerance, int maxBodyBytes,
                         Duration sinkTimeout, String previousBearerSecret, String operatorSecret) {
        this(enabled, auth, bearerSecret, signingKey, signatureTolerance, maxBodyBytes, sinkTimeout, previousBearerSecret, operatorSecret, null);
    }

    public WebhookConfig(boolean enabled, Auth auth, String bearerSecret, byte[] signingKey, Duration signatureTolerance, int maxBodyBytes,
                         Duration sinkTimeout) {
        this(enabled, auth, bearerSecret, signingKey, signatureTolerance, maxBodyBytes, sinkTimeout, null, null);
    }

    public static final Duration DEFAULT_SINK_TIMEOUT = Duration.ofMillis(1000);

    /** Shorter bearer secrets and signing keys (in bytes) are refused. */
    public static final int MIN_SECRET_LENGTH = 16;

    public WebhookConfig(boolean enabled, Auth auth, String bearerSecret, byte[] signingKey, Duration signatureTolerance, int maxBodyBytes) {
        this(enabled, auth, bearerSecret, signingKey, signatureTolerance, maxBodyBytes, DEFAULT_SINK_TIMEOUT);
    }

    /** Whether requests must prove they come from the portal. */
    public enum Auth {
        BEARER,
        NONE
    }

    public static WebhookConfig from(ConfigReader reader) {
        boolean enabled = reader.bool(ConfigKeys.WEBHOOK_ENABLED);
        Auth auth = reader.choice(ConfigKeys.WEBHOOK_AUTH, Auth.class);
        String bearer = reader.string(ConfigKeys.WEBHOOK_SECRET);
        byte[] signingKey = signingKey(reader, ConfigKeys.WEBHOOK_SIGNING_SECRET);
        byte[] previousSigningKey = signingKey(reader, ConfigKeys.WEBHOOK_SIGNING_SECRET_PREVIOUS);
        int toleranceSeconds = reader.intInRange(ConfigKeys.WEBHOOK_SIGNATURE_TOLERANCE_SECONDS, 1, 86_400);
        int maxBody = reader.intInRange(ConfigKeys.WEBHOOK_MAX_BODY_BYTES, 1_024, 64 * 1024 * 1024);
        Duration sinkTimeout = reader.millis(ConfigKeys.WEBHOOK_SINK_TIMEOUT_MS, 50, 600_000);
        String previous = reader.string(ConfigKeys.WEBHOOK_SECRET_PREVIOUS);
        String operator = reader.string(ConfigKeys.HTTP_OPERATOR_SECRET);
        for (ConfigKey key : List.of(ConfigKeys.WEBHOOK_SECRET_PREVIOUS, ConfigKeys.HTTP_OPERATOR_SECRET)) {
            String value = reader.string(key);
            if (value != null && value.length() < MIN_SECRET_LENGTH) {
                reader.problem(key.label() + " is shorter than " + MIN_SECRET_LENGTH + " characters: set a long random value"
                        + " (openssl rand -hex 32)");
            }
        }
        if (operator != null && (operator.equals(bearer) || operator.equals(previous))) {
            reader.problem(ConfigKeys.HTTP_OPERATOR_SECRET.label() + " equals a webhook secret: give the operator routes a secret of"
                    + " their own, one Supabase never holds (openssl rand -hex 32)");
        }
        // A short secret can be guessed online; it also guards the operator routes, so it is
        // checked whether the webhook is on, open or off.
        if (bearer != null && bearer.length() < MIN_SECRET_LENGTH) {
            reader.problem(ConfigKeys.WEBHOOK_SECRET.label() + " is shorter than " + MIN_SECRET_LENGTH + " characters: set a long"
                    + " random value (openssl rand -hex 32) here and in the Supabase webhooks' Authorization header");
        }
        if (signingKey != null && signingKey.length < MIN_SECRET_LENGTH) {
            reader.problem(ConfigKeys.WEBHOOK_SIGNING_SECRET.label() + " is a key of " + signingKey.length + " bytes, shorter than "
                    + MIN_SECRET_LENGTH + ": use the secret the Supabase dashboard generates (v1,whsec_<base64> of 24 or more bytes)");
        }
        if (previousSigningKey != null && previousSigningKey.length < MIN_SECRET_LENGTH) {
            reader.problem(ConfigKeys.WEBHOOK_SIGNING_SECRET_PREVIOUS.label() + " is a key of " + previousSigningKey.length
                    + " bytes, shorter than " + MIN_SECRET_LENGTH + ": it must be the signing secret in use before the rotation");
        }
        if (previousSigningKey != null && signingKey == null) {
            reader.problem(ConfigKeys.WEBHOOK_SIGNING_SECRET_PREVIOUS.label() + " is set but " + ConfigKeys.WEBHOOK_SIGNING_SECRET.label()
                    + " is not: a rotation keeps the old key beside the new one; set the new one in webhook.signing-secret");
        }
        if (enabled && auth == Auth.BEARER && bearer == null && signingKey == null) {
            reader.problem(ConfigKeys.WEBHOOK_SECRET.label() + " is not set, and neither is " + ConfigKeys.WEBHOOK_SIGNING_SECRET.label()
                    + ": the webhook does not accept unauthenticated requests. Set WEBHOOK_SECRET to a long random value and add"
                    + " the header 'Authorization: Bearer <secret>' to the Supabase webhooks; or set webhook.enabled=false;"
                    + " or, only on a closed network, set " + ConfigKeys.WEBHOOK_AUTH.property() + "=none explicitly");
        }
        return new WebhookConfig(enabled, auth, bearer, signingKey, Duration.ofSeconds(toleranceSeconds), maxBody, sinkTimeout, previous,
                operator, previousSigningKey);
    }

    /** Accepts {@code v1,whsec_<base64>} (as Supabase shows it), {@code whsec_<base64>} or bare base64. */
    private static byte[] signingKey(ConfigReader reader, ConfigKey setting) {
        String configured = reader.string(setting);
        if (configured == null || configured.isBlank()) {
            return null;
        }
        String encoded = configured.trim();
        if (encoded.startsWith("v1,")) {
            encoded = encoded.substring(3);
        }
        if (encoded.startsWith("whsec_")) {
            encoded = encoded.substring(6);
        }
        try {
            byte[] key = Base64.getDecoder().decode(encoded);
            if (key.length > 0) {
                return key;
            }
        } catch (IllegalArgumentException e) {
            // reported below, without the value: it is a secret
        }
        reader.problem(setting.label() + " is not a Standard Webhooks secret: expected v1,whsec_<base64>"
                + " as shown in the Supabase dashboard");
        return null;
    }


    public boolean hasBearerSecret() {
        return bearerSecret != null;
    }

    public boolean hasSigningKey() {
        return signingKey != null;
    }

    /** Never print the secrets: records print every component, so override. */
    @Override
    public String toString() {
        return "WebhookConfig[enabled=" + enabled + ", auth=" + auth.name().toLowerCase(Locale.ROOT)
                + ", bearerSecret=" + (bearerSecret == null ? "(unset)" : "****")
                + ", previousBearerSecret=" + (previousBearerSecret == null ? "(unset)" : "****")
                + ", operatorSecret=" + (operatorSecret == null ? "(unset)" : "****")
                + ", signingKey=" + (signingKey == null ? "(unset)" : "****")
                + ", previousSigningKey=" + (previousSigningKey == null ? "(unset)" : "****")
                + ", signatureTolerance=" + signatureTolerance + ", maxBodyBytes=" + maxBodyBytes + ", sinkTimeout=" + sinkTimeout + "]";
    }
}

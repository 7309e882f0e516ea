package com.alignersync.source.webhook;

import com.alignersync.config.ConfigKeys;
import com.alignersync.config.WebhookConfig;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import com.alignersync.http.RequestAuthenticator;
import java.util.Optional;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Decides whether a request comes from the portal: {@code Authorization: Bearer <secret>}
 * (what users add to a Supabase Database Webhook), or a Standard Webhooks signature
 * ({@code webhook-id}, {@code webhook-timestamp}, {@code webhook-signature: v1,<base64>} =
 * HMAC-SHA256 over {@code id.timestamp.body}) when a signing secret is configured. Either
 * suffices. Comparisons take the same time whatever the guess.
 *
 * <p>The operator routes (manual poll, reconcile, verify, trace, dead-letter replay) use {@link #operator()}
 * instead: a signature covers {@code id.timestamp.body} but not the path, so a delivery captured
 * from a log or a proxy would otherwise be accepted by them too while its timestamp is in tolerance.
 */
public final class WebhookAuthenticator implements RequestAuthenticator {

    public static final String ID_HEADER = "webhook-id";
    public static final String TIMESTAMP_HEADER = "webhook-timestamp";
    public static final String SIGNATURE_HEADER = "webhook-signature";

    private static final String BEARER = "bearer ";

    private final WebhookConfig.Auth mode;
    private final byte[] bearerDigest;
    private final byte[] previousBearerDigest;
    private final byte[] operatorDigest;
    private final SecretKeySpec signingKey;
    private final SecretKeySpec previousSigningKey;
    private final Duration tolerance;
    private final Clock clock;

    public WebhookAuthenticator(WebhookConfig config, Clock clock) {
        this.mode = config.auth();
        this.bearerDigest = config.hasBearerSecret() ? sha256(config.bearerSecret().getBytes(StandardCharsets.UTF_8)) : null;
        this.previousBearerDigest = config.previousBearerSecret() == null ? null
                : sha256(config.previousBearerSecret().getBytes(StandardCharsets.UTF_8));
        this.operatorDigest = config.operatorSecret() == null ? null : sha256(config.operatorSecret().getBytes(StandardCharsets.UTF_8));
        this.signingKey = config.hasSigningKey() ? new SecretKeySpec(config.signingKey(), "HmacSHA256") : null;
        this.previousSigningKey = config.previousSigningKey() == null ? null : new SecretKeySpec(config.previousSigningKey(), "HmacSHA256");
        this.tolerance = config.signatureTolerance();
        this.clock = clock;
    }

    /** True when {@code webhook.auth=none}: every request passes. */
    public boolean isOpen() {
        return mode == WebhookConfig.Auth.NONE;
    }

    /** How requests authenticate, for the start-up log and status; never the secrets. */
    public String describe() {
        if (isOpen()) {
            return "none";
        }
        if (bearerDigest != null && signingKey != null) {
            return "bearer or standard-webhooks signature";
        }
        return bearerDigest != null ? "bearer" : "standard-webhooks signature";
    }

    /**
     * @param header a request header by (case-insensitive) name, null when absent
     * @param body   the raw body exactly as received (the signature covers these bytes)
     * @return empty when authenticated, else why not (safe to send back: names no secret)
     */
    public Optional<String> rejectReason(Function<String, String> header, byte[] body) {
        if (isOpen()) {
            return Optional.empty();
        }
        String authorization = header.apply("Authorization");
        String signature = header.apply(SIGNATURE_HEADER);
        if (authorization == null && signature == null) {
            return Optional.of("missing credentials: send 'Authorization: Bearer <WEBHOOK_SECRET>'"
                    + (signingKey != null ? " or Standard Webhooks signature headers" : ""));
        }
        String bearerProblem = null;
        if (authorization != null) {
            bearerProblem = checkBearer(authorization);
            if (bearerProblem == null) {
                return Optional.empty();
            }
        }
        if (signature != null) {
            String signatureProblem = checkSignature(header, signature, body);
            if (signatureProblem == null) {
                return Optional.empty();
            }
            return Optional.of(bearerProblem == null ? signatureProblem : bearerProblem + "; " + signatureProblem);
        }
        return Optional.of(bearerProblem);
    }

    /**
     * What the headers alone already refuse, before a byte of the body is read: a request with no
     * signature headers whose bearer is missing or wrong. A signed request needs its body to be
     * checked ({@link #rejectReason}); empty means "read the body, then decide".
     */
    public Optional<String> rejectBeforeBody(Function<String, String> header) {
        if (isOpen() || header.apply(SIGNATURE_HEADER) != null) {
            return Optional.empty();
        }
        return rejectReason(header, new byte[0]);
    }

    /**
     * The authentication of the operator routes (manual poll, reconcile, verify, trace, dead-letter
     * replay): a bearer secret only, {@code http.operator-secret} when set, else {@code webhook.secret},
     * compared in constant time, and required whatever {@code webhook.auth} says: an open webhook
     * must not open the routes that write to SQL Server (any page in the clinic could post a form
     * to them). Never a Standard Webhooks signature: it binds id, timestamp and body but not the
     * path, so a captured delivery would pass. Never the previous webhook secret of a rotation.
     * Without a secret to check, {@link RequestAuthenticator#misconfigured()} names the key to set.
     */
    public RequestAuthenticator operator() {
        byte[] expected = operatorDigest != null ? operatorDigest : bearerDigest;
        String name = operatorDigest != null ? "OPERATOR_SECRET" : "WEBHOOK_SECRET";
        return new RequestAuthenticator() {
            @Override
            public Optional<String> rejectReason(Function<String, String> header, byte[] body) {
                Optional<String> misconfigured = misconfigured();
                if (misconfigured.isPresent()) {
                    return misconfigured;
                }
                String authorization = header.apply("Authorization");
                if (authorization == null) {
                    return Optional.of("missing credentials: send 'Authorization: Bearer <" + name + ">'"
                            + (header.apply(SIGNATURE_HEADER) != null
                                    ? "; a webhook signature is not accepted here: it does not cover the path" : ""));
                }
                return Optional.ofNullable(checkBearer(authorization, name, expected));
            }

            @Override
            public Optional<String> misconfigured() {
                if (expected != null) {
                    return Optional.empty();
                }
                return Optional.of("this route takes only a bearer secret, and neither " + ConfigKeys.HTTP_OPERATOR_SECRET.label() + " nor "
                        + ConfigKeys.WEBHOOK_SECRET.label() + " is set here: set " + ConfigKeys.HTTP_OPERATOR_SECRET.label()
                        + " to a long random value and send 'Authorization: Bearer <secret>' (a webhook signature is not accepted here:"
                        + " it does not cover the path)");
            }
        };
    }

    /** Whether the operator routes fall back to the webhook's secret (no secret of their own): status warns. */
    public boolean operatorSharesTheWebhookSecret() {
        return operatorDigest == null && bearerDigest != null;
    }

    /** The webhook's bearer check: the current secret, or the previous one while a rotation is under way. */
    private String checkBearer(String authorization) {
        if (bearerDigest == null) {
            return "bearer secrets are not configured here (webhook.secret is unset)";
        }
        String problem = checkBearer(authorization, "WEBHOOK_SECRET", bearerDigest);
        if (problem != null && previousBearerDigest != null && checkBearer(authorization, "WEBHOOK_SECRET", previousBearerDigest) == null) {
            return null;
        }
        return problem;
    }

    private static String checkBearer(String authorization, String name, byte[] expected) {
        if (authorization.length() < BEARER.length() || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return "the Authorization header must be 'Bearer <" + name + ">'";
        }
        byte[] presented = authorization.substring(BEARER.length()).trim().getBytes(StandardCharsets.UTF_8);
        // Comparing digests keeps the time independent of the secret's length as well as its content.
        return MessageDigest.isEqual(sha256(presented), expected) ? null : "the bearer secret does not match";
    }

    private String checkSignature(Function<String, String> header, String signatures, byte[] body) {
        if (signingKey == null) {
            return "signatures are not configured here (webhook.signing-secret is unset)";
        }
        String id = header.apply(ID_HEADER);
        String timestamp = header.apply(TIMESTAMP_HEADER);
        if (id == null || timestamp == null) {
            return "a signed request needs the " + ID_HEADER + " and " + TIMESTAMP_HEADER + " headers";
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp.trim());
        } catch (NumberFormatException e) {
            return TIMESTAMP_HEADER + " must be whole seconds since the epoch";
        }
        long skew = Math.abs(clock.instant().getEpochSecond() - seconds);
        if (skew > tolerance.toSeconds()) {
            return TIMESTAMP_HEADER + " is " + skew + " s away from this clock (tolerance " + tolerance.toSeconds() + " s)";
        }
        byte[] expected = sign(signingKey, id, timestamp.trim(), body);
        // During a rotation the old key's signature counts too (the webhook only; operator routes take no signature).
        byte[] previous = previousSigningKey == null ? null : sign(previousSigningKey, id, timestamp.trim(), body);
        boolean matched = false;
        // The header may list several space-separated signatures (key rotation); any v1 match counts.
        for (String candidate : signatures.trim().split(" +")) {
            int comma = candidate.indexOf(',');
            if (comma < 0 || !candidate.substring(0, comma).equals("v1")) {
                continue;
            }
            byte[] presented;
            try {
                presented = Base64.getDecoder().decode(candidate.substring(comma + 1));
            } catch (IllegalArgumentException e) {
                continue;
            }
            matched |= MessageDigest.isEqual(presented, expected) || (previous != null && MessageDigest.isEqual(presented, previous));
        }
        return matched ? null : "the webhook signature does not match";
    }

    /** HMAC-SHA256 over {@code id.timestamp.body}, as the Standard Webhooks spec defines it. */
    byte[] sign(String id, String timestamp, byte[] body) {
        return sign(signingKey, id, timestamp, body);
    }

    private static byte[] sign(SecretKeySpec key, String id, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}

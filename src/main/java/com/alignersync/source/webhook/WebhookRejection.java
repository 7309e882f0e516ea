package com.alignersync.source.webhook;

/**
 * A webhook request that can never apply as sent: the status to answer, a stable error code
 * and, where one field is at fault, its JSON path. Messages never carry row values or secrets.
 *
 * @param field the offending JSON field (e.g. {@code record.note_id}), or null
 */
public final class WebhookRejection extends Exception {

    private final int status;
    private final String error;
    private final String field;

    public WebhookRejection(int status, String error, String field, String message) {
        super(message);
        this.status = status;
        this.error = error;
        this.field = field;
    }

    public static WebhookRejection badRequest(String field, String message) {
        return new WebhookRejection(400, "bad_request", field, message);
    }

    public static WebhookRejection unprocessable(String field, String message) {
        return new WebhookRejection(422, "unprocessable", field, message);
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }

    public String field() {
        return field;
    }
}

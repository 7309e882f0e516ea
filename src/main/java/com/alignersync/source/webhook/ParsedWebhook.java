package com.alignersync.source.webhook;

import com.alignersync.event.ChangeEvent;

/**
 * A valid webhook body as a change event.
 *
 * @param type          the webhook's {@code type} as sent (INSERT, UPDATE, DELETE)
 * @param ignoredReason why the event concerns the clinic in no way, decided before the sink
 *                      (e.g. a batch INSERT); null when the sink decides
 */
public record ParsedWebhook(String type, ChangeEvent event, String ignoredReason) {

    public boolean ignored() {
        return ignoredReason != null;
    }
}

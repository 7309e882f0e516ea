package com.alignersync.support;

import com.alignersync.app.Daemon;
import java.net.URI;

/** Where a test reaches a running daemon: the webhook on the public listener, everything else on the ops one. */
public final class DaemonUrls {

    public static final String WEBHOOK = "/api/sync/webhook";

    private DaemonUrls() {
    }

    public static URI of(Daemon daemon, String path) {
        int port = path.startsWith(WEBHOOK) ? daemon.webhookPort() : daemon.opsPort();
        return URI.create("http://127.0.0.1:" + port + path);
    }
}

package com.alignersync.http;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The status console: one HTML page, its script and its style, served from the jar's
 * {@code /console/} resources (no build step, nothing fetched from elsewhere). The page reads
 * only {@code /api/sync/status}; the strict Content-Security-Policy keeps it that way.
 */
final class ConsoleAssets {

    static final String PAGE_PATH = "/";
    static final String ASSET_PATH = "/console/{file}";

    private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

    private record Asset(byte[] bytes, String contentType) {
    }

    private final Asset page;
    private final Map<String, Asset> assets;

    /** Loads every file once; a jar without them fails at start, not at the first visit. */
    ConsoleAssets() {
        this.page = load("index.html", "text/html; charset=utf-8");
        this.assets = Map.of(
                "console.js", load("console.js", "text/javascript; charset=utf-8"),
                "console.css", load("console.css", "text/css; charset=utf-8"));
    }

    void page(Context ctx) {
        send(ctx, page);
    }

    void asset(Context ctx) {
        Asset asset = assets.get(ctx.pathParam("file"));
        if (asset == null) {
            JsonResponses.error(ctx, 404, "not_found", "no endpoint " + ctx.method() + " " + ctx.path(), null);
            return;
        }
        send(ctx, asset);
    }

    private static void send(Context ctx, Asset asset) {
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        // Small files, and an upgraded jar must not show a stale script.
        ctx.header("Cache-Control", "no-cache");
        ctx.status(200).contentType(asset.contentType()).result(asset.bytes());
    }

    private static Asset load(String name, String contentType) {
        try (InputStream in = ConsoleAssets.class.getResourceAsStream("/console/" + name)) {
            if (in == null) {
                throw new IllegalStateException("resource /console/" + name + " is missing from the jar");
            }
            return new Asset(in.readAllBytes(), contentType);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package com.alignersync.http;

import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/** Reads a request body without ever holding more than a limit in memory. */
public final class RequestBodies {

    private RequestBodies() {
    }

    /** The body exceeds the limit; answer 413. */
    public static final class TooLarge extends Exception {
        public TooLarge(long limit) {
            super("the body is larger than " + limit + " bytes");
        }
    }

    /**
     * Refuses a declared Content-Length over the limit before reading anything, and counts
     * the bytes of a chunked body as they arrive.
     */
    public static byte[] read(Context ctx, int limit) throws TooLarge, IOException {
        long declared = ctx.req().getContentLengthLong();
        if (declared > limit) {
            throw new TooLarge(limit);
        }
        InputStream in = ctx.req().getInputStream();
        // Grown as bytes arrive, never allocated at the declared length: a flood of requests that
        // declare large bodies and send nothing would otherwise hold that memory each.
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(Math.max(declared, 0), 8_192));
        byte[] buffer = new byte[8_192];
        int total = 0;
        int n;
        while ((n = in.read(buffer)) != -1) {
            total += n;
            if (total > limit) {
                throw new TooLarge(limit);
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }
}

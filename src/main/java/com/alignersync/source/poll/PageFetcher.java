package com.alignersync.source.poll;

import com.alignersync.portal.PostgrestClient;
import com.alignersync.portal.PostgrestException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Reads a stream's pages from PostgREST. The next page's query needs only the current page's
 * last row, so it is fetched on a thread of its own while the current page commits: the fetch
 * is most of a page's time. Its one thread ends when idle.
 */
final class PageFetcher {

    private final PostgrestClient client;
    private final int pageSize;
    private final ExecutorService prefetcher = prefetchThread();

    PageFetcher(PostgrestClient client, int pageSize) {
        this.client = client;
        this.pageSize = pageSize;
    }

    /** The page after {@code after}, fetched on this thread. */
    PostgrestClient.Response fetch(CursorStream stream, KeysetCursor after) throws PostgrestException {
        return client.fetch(stream.table().tableName(), stream.pageQuery(after, pageSize));
    }

    /** Starts fetching the page after {@code after} on the prefetch thread; {@link #await} it. */
    Future<PostgrestClient.Response> prefetch(CursorStream stream, KeysetCursor after) {
        String query = stream.pageQuery(after, pageSize);
        return prefetcher.submit(() -> client.fetch(stream.table().tableName(), query));
    }

    /**
     * Whether a page of {@code rows} ends the read: only when it is below both what was asked and
     * the largest page the server has returned so far, because a server cap (Supabase's 1000)
     * below poll.page-size must not end the read.
     */
    boolean isShort(int rows, int largestSoFar) {
        return rows < pageSize && rows < largestSoFar;
    }

    /** The prefetched page, or the fetch's own failure, as if it had been fetched here. */
    static PostgrestClient.Response await(Future<PostgrestClient.Response> next, CursorStream stream) throws PostgrestException {
        try {
            return next.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof PostgrestException failed) {
                throw failed;
            }
            if (e.getCause() instanceof RuntimeException unexpected) {
                throw unexpected;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            next.cancel(true);
            Thread.currentThread().interrupt();
            throw new PostgrestException(0, null, "GET " + stream.table().tableName() + " interrupted", null, null, e);
        }
    }

    private static ExecutorService prefetchThread() {
        ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread thread = new Thread(r, "poll-prefetch");
            thread.setDaemon(true);
            return thread;
        });
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }
}

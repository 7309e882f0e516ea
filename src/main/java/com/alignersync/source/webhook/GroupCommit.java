package com.alignersync.source.webhook;

import com.alignersync.event.ChangeEvent;
import com.alignersync.sink.BatchResult;
import com.alignersync.sink.EventOutcome;
import com.alignersync.sink.SinkUnavailableException;
import com.alignersync.sink.Sink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands concurrent webhook events to the sink together: one writer thread takes whatever
 * requests are waiting (up to {@link #MAX_BATCH}) and applies them in one transaction, then
 * answers each with its own outcome. Under load a transaction per request would queue every
 * request behind the commit of all earlier ones (H2 serializes writers; SQL Server flushes its
 * log per commit); one commit for many keeps p99 far below pg_net's 1 s timeout. Alone, a
 * request costs one thread hand-off. The sink's guarantee is unchanged: a request is answered
 * only after the transaction holding its event committed, or it learns that nothing did.
 *
 * <p>Every wait is bounded by {@code webhook.sink-timeout-ms}: while SQL Server is slow or a
 * clinic session holds a lock, a request is answered 503 when its time is up (the change may
 * still commit later; a redelivery is then a duplicate), its queued entry is dropped, and the
 * Jetty thread is free again, so a stuck sink never exhausts the server's threads.
 *
 * <p>Whatever the sink throws, {@link Error}s included, fails only the group it was applying
 * (each request answered 503 at once); the writer then takes the next group.
 */
final class GroupCommit implements AutoCloseable {

    static final int MAX_BATCH = 256;

    private static final Logger log = LoggerFactory.getLogger(GroupCommit.class);

    private record Pending(ChangeEvent event, CompletableFuture<EventOutcome> done) {
    }

    private static final Pending STOP = new Pending(null, null);

    private final Sink sink;
    private final Duration timeout;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread writer;

    GroupCommit(Sink sink, Duration timeout) {
        this.sink = sink;
        this.timeout = timeout;
        this.writer = new Thread(this::run, "webhook-sink-writer");
        writer.setDaemon(true);
        writer.start();
    }

    /**
     * @throws SinkUnavailableException nothing of the transaction holding the event was committed
     */
    EventOutcome apply(ChangeEvent event) throws SinkUnavailableException, InterruptedException {
        if (!writer.isAlive()) {
            throw new SinkUnavailableException("the webhook's sink writer has stopped (the daemon is shutting down)", null);
        }
        Pending pending = new Pending(event, new CompletableFuture<>());
        queue.put(pending);
        if (!writer.isAlive()) {
            // The writer stopped between the check above and the put: nobody else will answer.
            failQueued();
        }
        try {
            pending.done().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // Answer now; the writer skips an entry that is already done. Had it completed meanwhile, its answer stands.
            pending.done().completeExceptionally(new SinkUnavailableException("SQL Server did not commit within " + timeout.toMillis()
                    + " ms (webhook.sink-timeout-ms); " + sink.health().snapshot().state().name().toLowerCase(Locale.ROOT).replace('_', ' ')
                    + "; the change may still land, a redelivery is safe", null));
        } catch (ExecutionException e) {
            // read below, like any other answer
        }
        return outcomeOf(pending.done());
    }

    /** The answer of a completed entry: its outcome, or what kept it from committing. */
    private static EventOutcome outcomeOf(CompletableFuture<EventOutcome> done) throws SinkUnavailableException {
        try {
            return done.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof SinkUnavailableException unavailable) {
                throw unavailable;
            }
            throw new IllegalStateException("the sink failed: " + e.getCause(), e.getCause());
        }
    }

    private void run() {
        List<Pending> batch = new ArrayList<>(MAX_BATCH);
        while (true) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                return;
            }
            queue.drainTo(batch, MAX_BATCH - 1);
            boolean stop = batch.remove(STOP);
            batch.removeIf(pending -> pending != STOP && pending.done().isDone()); // answered 503 already: its request gave up waiting
            if (!batch.isEmpty()) {
                applyBatch(batch);
            }
            batch.clear();
            if (stop) {
                failQueued();
                return;
            }
        }
    }

    private void applyBatch(List<Pending> batch) {
        try {
            List<ChangeEvent> events = new ArrayList<>(batch.size());
            for (Pending pending : batch) {
                events.add(pending.event());
            }
            BatchResult result = sink.apply(events);
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).done().complete(result.outcomes().get(i));
            }
        } catch (SinkUnavailableException e) {
            fail(batch, e);
        } catch (Throwable e) {
            // Any Throwable, Errors included (an assertion, a stack overflow, memory): one thrown out of
            // here ends this thread, and with it every later webhook would wait out its time and get 503
            // until a restart. The group's waiters are answered first (503, a redelivery is safe: the
            // sink's ledger makes a repeat a duplicate), then the writer takes the next group.
            fail(batch, new SinkUnavailableException("the sink failed unexpectedly ("
                    + e.getClass().getName() + "; see the daemon's log); a redelivery is safe", e));
            log.error("webhook: the sink failed unexpectedly on a batch of {}; answered 503, the writer goes on", batch.size(), e);
        }
    }

    private static void fail(List<Pending> batch, SinkUnavailableException e) {
        for (Pending pending : batch) {
            pending.done().completeExceptionally(e);
        }
    }

    private void failQueued() {
        List<Pending> left = new ArrayList<>();
        queue.drainTo(left);
        SinkUnavailableException stopped = new SinkUnavailableException("the daemon is shutting down; nothing was written", null);
        for (Pending pending : left) {
            if (pending != STOP) {
                pending.done().completeExceptionally(stopped);
            }
        }
    }

    /** Applies what is already queued, then stops the writer; call after the HTTP server stopped. */
    @Override
    public void close() {
        queue.add(STOP);
        try {
            writer.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package com.alignersync.source.cdc;

import com.alignersync.config.Backoff;
import com.alignersync.event.ChangeEvent;
import com.alignersync.event.Input;
import com.alignersync.event.SourcePosition;
import com.alignersync.sink.DeadLetterLog;
import com.alignersync.sink.BatchResult;
import com.alignersync.sink.SinkUnavailableException;
import com.alignersync.sink.Sink;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's batch handler: maps the batch, applies it to the sink, and only after the SQL
 * Server transaction committed marks the records processed and the batch finished (which, with
 * {@code offset.flush.interval.ms=0}, writes {@code data/offsets.json} and lets the slot
 * release WAL). While SQL Server is unavailable the same batch is retried with capped backoff
 * and nothing is committed; the handler never throws that out, which would stop the engine.
 */
final class CdcBatchHandler implements DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> {

    private static final Logger log = LoggerFactory.getLogger(CdcBatchHandler.class);

    private final CdcRecordMapper mapper;
    private final Sink sink;
    private final DeadLetterLog deadLetters;
    private final CdcStatus status;
    private final StopSignal stop;
    private final Backoff backoff;
    private final CommitHook hook;

    CdcBatchHandler(CdcRecordMapper mapper, Sink sink, DeadLetterLog deadLetters, CdcStatus status, StopSignal stop,
                    Backoff backoff, CommitHook hook) {
        this.mapper = mapper;
        this.sink = sink;
        this.deadLetters = deadLetters;
        this.status = status;
        this.stop = stop;
        this.backoff = backoff;
        this.hook = hook;
    }

    @Override
    public void handleBatch(List<RecordChangeEvent<SourceRecord>> records,
                            DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer) throws InterruptedException {
        List<ChangeEvent> events = new ArrayList<>(records.size());
        List<CdcRecordMapper.Invalid> invalid = new ArrayList<>();
        int skipped = 0;
        for (RecordChangeEvent<SourceRecord> record : records) {
            CdcRecordMapper.Result result = mapper.map(record.record());
            if (result instanceof CdcRecordMapper.Mapped mapped) {
                events.add(mapped.event());
            } else if (result instanceof CdcRecordMapper.Invalid bad) {
                invalid.add(bad);
            } else {
                skipped++;
            }
        }
        BatchResult result = applyUntilCommitted(events);
        for (CdcRecordMapper.Invalid bad : invalid) {
            log.warn("cdc: parked a record of {} op {} that cannot become an event: {}",
                    bad.raw().path("table").asText(), bad.raw().path("op").asText(), bad.reason());
            deadLetters.parkRaw(Input.CDC, bad.reason(), bad.raw());
        }
        hook.afterSinkCommit(records.size());
        for (RecordChangeEvent<SourceRecord> record : records) {
            committer.markProcessed(record);
        }
        committer.markBatchFinished();
        SourcePosition last = events.isEmpty() ? null : events.get(events.size() - 1).position();
        java.time.Instant newest = records.stream().map(r -> CdcRecordMapper.commitTime(r.record())).flatMap(java.util.Optional::stream)
                .max(java.util.Comparator.naturalOrder()).orElse(null);
        status.committed(events.size(), skipped, invalid.size(), last, newest);
        if (!events.isEmpty()) {
            log.info("cdc: batch of {} records committed {}, {} skipped, {} parked; offsets committed up to LSN {}",
                    records.size(), result.counts(), skipped, invalid.size(), last == null ? "-" : last.lsnText());
        }
    }

    private BatchResult applyUntilCommitted(List<ChangeEvent> events) throws InterruptedException {
        if (events.isEmpty()) {
            return new BatchResult(List.of(), 0);
        }
        for (int attempt = 1; ; attempt++) {
            try {
                BatchResult result = sink.apply(events);
                if (attempt > 1) {
                    log.info("cdc: SQL Server took the batch again after {} attempts; streaming resumes", attempt);
                    status.state(CdcState.STREAMING, null);
                }
                return result;
            } catch (SinkUnavailableException e) {
                Duration delay = backoff.delay(attempt);
                status.state(CdcState.PAUSED_SINK_UNAVAILABLE, "sink unavailable: " + e.getMessage());
                log.warn("cdc: SQL Server unavailable, batch of {} events not committed, offsets kept; retry {} in {} ms: {}",
                        events.size(), attempt, delay.toMillis(), e.getMessage());
                if (stop.await(delay)) {
                    // Leaving without marking anything: the engine redelivers this batch on the next start.
                    throw new InterruptedException("stopping while SQL Server is unavailable; the batch stays uncommitted");
                }
            }
        }
    }
}

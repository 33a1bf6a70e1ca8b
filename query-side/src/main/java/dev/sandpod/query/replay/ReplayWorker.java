package dev.sandpod.query.replay;

import dev.sandpod.projections.eventindex.AuditedEvent;
import dev.sandpod.projections.eventindex.EventIndexDocument;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * One replay session running on this instance: reads the selected events from the event index in batches,
 * paces them, sends copies to the session's target and records its position and counts in the session's
 * document. It stops when its generation is no longer the stored one (the session was paused, cancelled or
 * restarted elsewhere). {@link ReplaySessions} launches, stops and sweeps these.
 */
final class ReplayWorker {

    private static final int MAX_ERRORS = 100;

    final ReplaySessionDocument config;
    final long generation;
    volatile boolean stop;
    volatile Thread thread;
    Future<?> future;

    long replayed;
    long failed;
    long skipped;
    final List<ReplaySessionDocument.ReplayErrorEntry> newErrors = new ArrayList<>();
    Instant positionTimestamp;
    Long positionSequence;
    String positionEventId;
    Instant lastEventAt;
    BufferedWriter file;
    Instant previousOriginal;
    long nextDue;

    private final MongoTemplate mongo;
    private final KafkaTemplate<String, byte[]> kafka;
    private final Path fileTarget;
    private final Clock clock;

    ReplayWorker(
            ReplaySessionDocument session,
            MongoTemplate mongo,
            KafkaTemplate<String, byte[]> kafka,
            Path fileTarget,
            Clock clock) {
        this.mongo = mongo;
        this.kafka = kafka;
        this.fileTarget = fileTarget;
        this.clock = clock;
        this.config = session;
        this.generation = session.generation;
        this.replayed = session.replayedEvents;
        this.failed = session.failedEvents;
        this.skipped = session.skippedEvents;
        this.positionTimestamp = session.positionTimestamp;
        this.positionSequence = session.positionSequence;
        this.positionEventId = session.positionEventId;
        this.lastEventAt = session.lastEventAt;
    }

    void run() throws Exception {
        thread = Thread.currentThread();
        long limit = config.maxEvents == null ? Long.MAX_VALUE : config.maxEvents;
        try {
            if ("file".equals(config.target)) {
                Files.createDirectories(fileTarget.getParent());
                file = Files.newBufferedWriter(
                        fileTarget,
                        StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE,
                        positionEventId == null ? StandardOpenOption.TRUNCATE_EXISTING : StandardOpenOption.APPEND,
                        StandardOpenOption.WRITE);
            }
            nextDue = System.nanoTime();
            long lastFlush = System.nanoTime();
            while (!stop) {
                int size = (int) Math.min(config.batchSize, limit - processed());
                List<EventIndexDocument> batch = size <= 0 ? List.of() : nextBatch(size);
                if (batch.isEmpty()) {
                    finish();
                    return;
                }
                List<Sent> pending = new ArrayList<>();
                for (EventIndexDocument event : batch) {
                    if (stop) {
                        break;
                    }
                    pace(event.timestamp);
                    if (stop) {
                        break;
                    }
                    pending.add(send(event));
                    if (System.nanoTime() - lastFlush >= ReplaySessions.FLUSH_EVERY.toNanos()) {
                        settle(pending);
                        if (!flush()) {
                            return;
                        }
                        lastFlush = System.nanoTime();
                    }
                }
                settle(pending);
                if (!flush()) {
                    return;
                }
                lastFlush = System.nanoTime();
            }
            flush();
        } finally {
            if (file != null) {
                file.close();
            }
        }
    }

    long processed() {
        return replayed + failed + skipped;
    }

    List<EventIndexDocument> nextBatch(int size) {
        Criteria criteria = ReplaySelection.criteria(config);
        if (positionTimestamp != null) {
            criteria = new Criteria()
                    .andOperator(
                            criteria,
                            new Criteria()
                                    .orOperator(
                                            Criteria.where("timestamp").gt(positionTimestamp),
                                            Criteria.where("timestamp")
                                                    .is(positionTimestamp)
                                                    .and("sequence")
                                                    .gt(positionSequence),
                                            Criteria.where("timestamp")
                                                    .is(positionTimestamp)
                                                    .and("sequence")
                                                    .is(positionSequence)
                                                    .and("_id")
                                                    .gt(positionEventId)));
        }
        return mongo.find(new Query(criteria).with(ReplaySelection.ORDER).limit(size), EventIndexDocument.class);
    }

    void pace(Instant original) {
        long now = System.nanoTime();
        long gap;
        if (config.preserveTimestamps) {
            gap = previousOriginal == null || original == null
                    ? 0
                    : Math.min(ReplaySessions.MAX_GAP.toNanos(), (long) (Math.max(
                                    0,
                                    Duration.between(previousOriginal, original).toNanos())
                            / config.speedMultiplier));
        } else {
            gap = (long) (1e9 / (ReplaySessions.EVENTS_PER_SECOND_AT_SPEED_1 * config.speedMultiplier));
        }
        previousOriginal = original;
        nextDue = Math.max(nextDue, now - gap) + gap;
        while (!stop && (now = System.nanoTime()) < nextDue) {
            LockSupport.parkNanos(nextDue - now);
        }
    }

    record Sent(EventIndexDocument event, java.util.concurrent.CompletableFuture<?> future, Exception error) {}

    Sent send(EventIndexDocument event) {
        if (event.eventJson == null) {
            return new Sent(event, null, null);
        }
        byte[] copy = copyOf(event);
        try {
            switch (config.target) {
                case "kafka" -> {
                    var record = new ProducerRecord<String, byte[]>(
                            ReplaySelection.topicFor(config, event.type),
                            null,
                            config.preserveTimestamps && event.timestamp != null
                                    ? event.timestamp.toEpochMilli()
                                    : null,
                            config.sessionId,
                            copy);
                    record.headers().add(new RecordHeader("sandpod-replayed", "true".getBytes(StandardCharsets.UTF_8)));
                    record.headers()
                            .add(new RecordHeader(
                                    "sandpod-replay-session", config.sessionId.getBytes(StandardCharsets.UTF_8)));
                    record.headers()
                            .add(new RecordHeader("sandpod-event-type", event.type.getBytes(StandardCharsets.UTF_8)));
                    return new Sent(event, kafka.send(record), null);
                }
                case "file" -> {
                    file.write(new String(copy, StandardCharsets.UTF_8));
                    file.write('\n');
                    return new Sent(event, null, null);
                }
                default -> {
                    return new Sent(event, null, null);
                }
            }
        } catch (Exception e) {
            return new Sent(event, null, e);
        }
    }

    /** Waits for the sends of the batch, retrying failures as configured, and moves the position on. */
    void settle(List<Sent> pending) throws Exception {
        if ("file".equals(config.target) && file != null) {
            file.flush();
        }
        for (Sent sent : pending) {
            EventIndexDocument event = sent.event();
            if (event.eventJson == null) {
                skipped++;
            } else {
                Exception error = sent.error() != null ? sent.error() : await(sent.future());
                int attempts = config.retryFailed ? config.retryAttempts : 0;
                for (int i = 0; error != null && i < attempts && !stop; i++) {
                    Sent again = send(event);
                    error = again.error() != null ? again.error() : await(again.future());
                }
                if (error == null) {
                    replayed++;
                } else {
                    failed++;
                    if (newErrors.size() < MAX_ERRORS) {
                        newErrors.add(new ReplaySessionDocument.ReplayErrorEntry(
                                clock.instant(),
                                String.valueOf(error.getMessage()),
                                error.getClass().getSimpleName(),
                                event.eventId));
                    }
                    if (!config.skipErrors) {
                        advance(event);
                        throw new IllegalStateException("Sending event " + event.eventId
                                + " failed and skip_errors is off: " + error.getMessage());
                    }
                }
            }
            advance(event);
        }
        pending.clear();
    }

    void advance(EventIndexDocument event) {
        positionTimestamp = event.timestamp;
        positionSequence = event.sequence;
        positionEventId = event.eventId;
        lastEventAt = event.timestamp;
    }

    Exception await(java.util.concurrent.CompletableFuture<?> future) {
        if (future == null) {
            return null;
        }
        try {
            future.get(30, TimeUnit.SECONDS);
            return null;
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause() instanceof Exception cause ? cause : e;
        } catch (Exception e) {
            return e;
        }
    }

    /** Records progress; false when the session was paused or cancelled meanwhile (the worker then stops). */
    boolean flush() {
        Update update = new Update()
                .set("replayedEvents", replayed)
                .set("failedEvents", failed)
                .set("skippedEvents", skipped)
                .set("positionTimestamp", positionTimestamp)
                .set("positionSequence", positionSequence)
                .set("positionEventId", positionEventId)
                .set("lastEventAt", lastEventAt)
                .set("heartbeat", clock.instant());
        if (!newErrors.isEmpty()) {
            update.push("errors").each(newErrors.toArray());
            newErrors.clear();
        }
        // progress is recorded whatever happened meanwhile: what was sent was sent
        ReplaySessionDocument now = mongo.findAndModify(
                Query.query(Criteria.where("_id").is(config.sessionId)),
                update,
                FindAndModifyOptions.options().returnNew(true),
                ReplaySessionDocument.class);
        return now != null && now.generation == generation && "running".equals(now.status);
    }

    void finish() {
        flush();
        mongo.updateFirst(
                Query.query(Criteria.where("_id")
                        .is(config.sessionId)
                        .and("generation")
                        .is(generation)
                        .and("status")
                        .is("running")),
                new Update().set("status", "completed").set("completedAt", clock.instant()),
                ReplaySessionDocument.class);
    }

    byte[] copyOf(EventIndexDocument event) {
        Map<String, Object> copy = new LinkedHashMap<>();
        copy.put("replayed", true);
        copy.put("replay_session_id", config.sessionId);
        copy.put("replayed_at", clock.instant().toString());
        copy.putAll(AuditedEvent.parse(event.eventJson));
        return AuditedEvent.json(copy).getBytes(StandardCharsets.UTF_8);
    }
}

package dev.sandpod.query.replay;

import dev.sandpod.api.error.ErrorCode;
import dev.sandpod.api.error.SandpodException;
import dev.sandpod.projections.eventindex.EventIndexDocument;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Replay sessions: a filtered slice of the stored events (by event ids, execution, aggregate, types, owner,
 * time), read from the event index oldest first and sent as copies marked {@code "replayed": true} to a Kafka
 * topic, to a JSON-lines file, or nowhere ({@code test}: only counted). Paced by the speed setting, paused,
 * resumed and cancelled at any time.
 *
 * <p>No side effects: a replay never publishes on Axon's event bus, never appends to the event store, never
 * sends a command, and refuses Sandpod's own topics ({@code sandpod.*} other than {@code sandpod.replay*},
 * Kafka's {@code __*}), so no run, notification, webhook, saga step or projection update follows from it.
 *
 * <p>Sessions live in Mongo ({@link ReplaySessionDocument}) with the position of the last event handled: a
 * restart loses none, and a session whose worker stopped recording progress (its instance went away) is set
 * to {@code paused} with an error saying so, to be resumed (from its position) by an admin. Controls act
 * through the stored document, so they reach a worker on any instance at its next progress record (at most
 * {@link #FLUSH_EVERY} apart), and at once on the instance that runs it.
 *
 * <p>The controls here, the {@link ReplayWorker} and the sweep of orphaned sessions share one per-instance
 * state (the running workers) and one stored document whose generation number they all respect; which events
 * a session selects is {@link ReplaySelection}'s.
 */
@Component
public class ReplaySessions {

    public static final String DEFAULT_TOPIC = "sandpod.replay";
    public static final long MAX_EVENTS = 1_000_000;
    /** The pace at speed 1 when timestamps are not preserved. */
    static final double EVENTS_PER_SECOND_AT_SPEED_1 = 100.0;
    /** The longest wait between two events when the original gaps are preserved. */
    static final Duration MAX_GAP = Duration.ofSeconds(1);

    static final Duration FLUSH_EVERY = Duration.ofMillis(500);
    static final Duration SILENT_WORKER = Duration.ofSeconds(30);
    private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,120}");
    private static final Logger log = LoggerFactory.getLogger(ReplaySessions.class);

    public static final List<String> ACTIVE = List.of("created", "running", "paused");
    public static final List<String> FINISHED = List.of("completed", "failed", "cancelled");

    private final MongoTemplate mongo;
    private final KafkaTemplate<String, byte[]> kafka;
    private final Path directory;
    private final Clock clock = Clock.systemUTC();
    private final Map<String, ReplayWorker> workers = new ConcurrentHashMap<>();
    private final AtomicInteger threads = new AtomicInteger();
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "replay-" + threads.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    });
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "replay-sweeper");
        thread.setDaemon(true);
        return thread;
    });

    ReplaySessions(
            MongoTemplate mongo,
            KafkaTemplate<String, byte[]> kafka,
            @Value("${sandpod.replay.directory:${sandpod.data-dir:${java.io.tmpdir}}/replays}") String directory) {
        this.mongo = mongo;
        this.kafka = kafka;
        this.directory = Path.of(directory).toAbsolutePath();
    }

    // ---- validation helpers for the edge

    /** Null when the topic may take replayed copies, else why not. */
    public static String topicProblem(String topic) {
        if (!TOPIC.matcher(topic).matches()) {
            return "A Kafka topic name: 1 to 249 of A-Z a-z 0-9 . _ -";
        }
        if (topic.startsWith("__") || (topic.startsWith("sandpod.") && !topic.startsWith(DEFAULT_TOPIC))) {
            return "Replays may not write to Sandpod's or Kafka's own topics; use " + DEFAULT_TOPIC
                    + " or a topic of your own";
        }
        return null;
    }

    /** Null when the name is a plain file name, else why not. */
    public static String fileNameProblem(String name) {
        return FILE_NAME.matcher(name).matches() && !name.contains("..")
                ? null
                : "A plain file name (letters, digits, . _ -), written under the server's replay directory";
    }

    // ---- queries

    public long count(ReplaySessionDocument config) {
        return mongo.count(new Query(ReplaySelection.criteria(config)), EventIndexDocument.class);
    }

    public record Summary(String eventId, String eventType, Instant timestamp, String aggregateId) {}

    /** The first events a replay would send, in order. */
    public List<Summary> preview(ReplaySessionDocument config, int limit) {
        Query query = new Query(ReplaySelection.criteria(config))
                .with(ReplaySelection.ORDER)
                .limit(limit);
        query.fields().include("_id", "type", "timestamp", "aggregateId");
        return mongo.find(query, EventIndexDocument.class).stream()
                .map(doc -> new Summary(doc.eventId, doc.type, doc.timestamp, doc.aggregateId))
                .toList();
    }

    public Optional<ReplaySessionDocument> find(String sessionId) {
        return Optional.ofNullable(mongo.findById(sessionId, ReplaySessionDocument.class));
    }

    public ReplaySessionDocument get(String sessionId) {
        return find(sessionId).orElseThrow(ReplaySessions::notFound);
    }

    public List<ReplaySessionDocument> list(String status, int limit) {
        Query query = status == null
                ? new Query()
                : Query.query(Criteria.where("status").is(status));
        return mongo.find(
                query.with(Sort.by(Sort.Direction.DESC, "createdAt")).limit(limit), ReplaySessionDocument.class);
    }

    /** The file a {@code file} session wrote, if it exists. */
    public Optional<Path> file(ReplaySessionDocument session) {
        if (!"file".equals(session.target)) {
            return Optional.empty();
        }
        Path file = fileOf(session);
        return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
    }

    // ---- controls

    /** Stores a new session ({@code created}) with the number of events it would send now. */
    public ReplaySessionDocument create(ReplaySessionDocument config, String createdBy) {
        config.sessionId = UUID.randomUUID().toString();
        config.status = "created";
        config.createdAt = clock.instant();
        config.createdBy = createdBy;
        config.totalEvents = capped(config, count(config));
        if (config.totalEvents > MAX_EVENTS) {
            throw new SandpodException(
                    ErrorCode.VALIDATION,
                    "Too many events to replay (" + config.totalEvents + " > " + MAX_EVENTS
                            + "); narrow the filter or set max_events");
        }
        mongo.insert(config);
        return config;
    }

    public ReplaySessionDocument start(String sessionId) {
        ReplaySessionDocument session = transition(
                sessionId,
                List.of("created"),
                "running",
                "start",
                u -> u.set("startedAt", clock.instant()).set("heartbeat", clock.instant()));
        launch(session);
        return session;
    }

    public ReplaySessionDocument pause(String sessionId) {
        ReplaySessionDocument session = transition(sessionId, List.of("running"), "paused", "pause", u -> {});
        stopLocal(sessionId);
        return session;
    }

    public ReplaySessionDocument resume(String sessionId) {
        ReplaySessionDocument session =
                transition(sessionId, List.of("paused"), "running", "resume", u -> u.set("heartbeat", clock.instant()));
        launch(session);
        return session;
    }

    public ReplaySessionDocument cancel(String sessionId) {
        ReplaySessionDocument session =
                transition(sessionId, ACTIVE, "cancelled", "cancel", u -> u.set("completedAt", clock.instant()));
        stopLocal(sessionId);
        return session;
    }

    /** Removes the finished sessions (and created ones never started) older than the threshold. */
    public long cleanup(Duration olderThan) {
        Query query = Query.query(Criteria.where("createdAt")
                .lt(clock.instant().minus(olderThan))
                .and("status")
                .in(List.of("created", "completed", "failed", "cancelled")));
        List<ReplaySessionDocument> old = mongo.findAllAndRemove(query, ReplaySessionDocument.class);
        for (ReplaySessionDocument session : old) {
            file(session).ifPresent(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    log.warn("could not delete replay file {}: {}", path, e.getMessage());
                }
            });
        }
        return old.size();
    }

    private ReplaySessionDocument transition(
            String sessionId, List<String> from, String to, String verb, java.util.function.Consumer<Update> more) {
        Update update = new Update().set("status", to).inc("generation", 1);
        more.accept(update);
        ReplaySessionDocument changed = mongo.findAndModify(
                Query.query(Criteria.where("_id").is(sessionId).and("status").in(from)),
                update,
                FindAndModifyOptions.options().returnNew(true),
                ReplaySessionDocument.class);
        if (changed == null) {
            ReplaySessionDocument current = get(sessionId);
            throw new SandpodException(
                    ErrorCode.CONFLICT,
                    "Cannot " + verb + " a replay session that is " + current.status + " (it must be "
                            + String.join(" or ", from) + ")");
        }
        return changed;
    }

    private static SandpodException notFound() {
        return new SandpodException(ErrorCode.NOT_FOUND, "Replay session not found");
    }

    // ---- the worker

    private void launch(ReplaySessionDocument session) {
        ReplayWorker worker = new ReplayWorker(session, mongo, kafka, fileOf(session), clock);
        ReplayWorker previous = workers.put(session.sessionId, worker);
        if (previous != null) {
            previous.stop = true;
        }
        worker.future = pool.submit(() -> {
            try {
                if (previous != null && previous.future != null) {
                    previous.future.get(30, TimeUnit.SECONDS);
                }
                worker.run();
            } catch (Exception | Error e) {
                log.warn("replay session {} failed: {}", session.sessionId, e.toString());
                fail(session.sessionId, worker.generation, e);
            } finally {
                workers.remove(session.sessionId, worker);
            }
            return null;
        });
    }

    private void stopLocal(String sessionId) {
        ReplayWorker worker = workers.get(sessionId);
        if (worker != null) {
            worker.stop = true;
            LockSupport.unpark(worker.thread);
        }
    }

    private void fail(String sessionId, long generation, Throwable e) {
        mongo.updateFirst(
                Query.query(
                        Criteria.where("_id").is(sessionId).and("generation").is(generation)),
                new Update()
                        .set("status", "failed")
                        .set("completedAt", clock.instant())
                        .push(
                                "errors",
                                new ReplaySessionDocument.ReplayErrorEntry(
                                        clock.instant(),
                                        String.valueOf(e.getMessage()),
                                        e.getClass().getSimpleName(),
                                        null)),
                ReplaySessionDocument.class);
    }

    private Path fileOf(ReplaySessionDocument session) {
        String name =
                session.targetFilePath != null ? session.targetFilePath : "replay-" + session.sessionId + ".jsonl";
        return directory.resolve(name).normalize();
    }

    private static long capped(ReplaySessionDocument config, long count) {
        return config.maxEvents == null ? count : Math.min(count, config.maxEvents);
    }

    // ---- restarts and silent workers

    @EventListener(ApplicationReadyEvent.class)
    void watchWorkers() {
        sweeper.scheduleWithFixedDelay(this::pauseOrphans, 0, SILENT_WORKER.toSeconds() / 2, TimeUnit.SECONDS);
    }

    /** Running sessions no worker has recorded progress for in a while are paused, to be resumed by an admin. */
    void pauseOrphans() {
        try {
            Instant silentSince = clock.instant().minus(SILENT_WORKER);
            for (ReplaySessionDocument session : mongo.find(
                    Query.query(Criteria.where("status")
                            .is("running")
                            .and("heartbeat")
                            .lt(silentSince)),
                    ReplaySessionDocument.class)) {
                if (workers.containsKey(session.sessionId)) {
                    continue;
                }
                mongo.updateFirst(
                        Query.query(Criteria.where("_id")
                                .is(session.sessionId)
                                .and("generation")
                                .is(session.generation)
                                .and("status")
                                .is("running")),
                        new Update()
                                .set("status", "paused")
                                .inc("generation", 1)
                                .push(
                                        "errors",
                                        new ReplaySessionDocument.ReplayErrorEntry(
                                                clock.instant(),
                                                "Its worker stopped (the instance running it went away); resume to continue"
                                                        + " from the last event recorded",
                                                "Interrupted",
                                                session.positionEventId)),
                        ReplaySessionDocument.class);
            }
        } catch (RuntimeException e) {
            log.debug("replay sweep failed: {}", e.toString());
        }
    }

    @PreDestroy
    void stop() {
        workers.values().forEach(worker -> worker.stop = true);
        sweeper.shutdownNow();
        pool.shutdownNow();
    }
}

package dev.sandpod.query.operations;

import dev.sandpod.api.error.ErrorCode;
import dev.sandpod.api.error.SandpodException;
import dev.sandpod.projections.IndexedAfterRebuild;
import dev.sandpod.query.operations.ProcessorStore.Claim;
import dev.sandpod.query.operations.ProcessorStore.Rebuild;
import jakarta.annotation.PreDestroy;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventProcessor;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventhandling.TrackingToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The admin's view of and hand on Axon's event processors: status with lag, pause and resume on every
 * instance, and the rebuild of a projection from the first event.
 *
 * <p>Pause is shared through {@link ProcessorStore#setPausedByAdmin}: every instance looks at it every
 * {@link #TICK} and shuts its part of the processor down (releasing its segment claims) or starts it again.
 * A rebuild pauses the processor everywhere, waits until no instance claims a segment, resets the tokens
 * (which runs the projection's {@code @ResetHandler}s and clears its dead letters) and resumes; Axon then
 * delivers the history again with a replay token, so handlers that must not repeat a side effect see
 * {@code ReplayStatus.REPLAY}. Only projections are replayable: Kafka dispatch, notification policy and
 * delivery, sagas and the subscribing processors refuse with 409, since replaying them would send again.
 *
 * <p>A rebuild is recorded in the store too ({@link ProcessorStore#rebuilds}), so every instance shows its
 * progress and answers with {@code X-Projection-Replaying}; each instance follows it from the token store,
 * and whichever sees the last segment pass the target creates the indexes left for the end
 * ({@link RebuildIndexes}) and ends it (every 4th tick). Requests read the tick's snapshot.
 *
 * <p>The tick runs while the application context runs ({@link SmartLifecycle}, stopped first, before Axon
 * and the Mongo client stop) and the stop waits for a tick in flight, so no tick ever meets a closed store.
 * Blocking (Mongo, processor shutdown): call it off the event loop. Statuses: {@link ProcessorViews}.
 */
@Component
public class ProcessorOperations implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ProcessorOperations.class);

    /** How often each instance aligns its processors with the shared pause flags and checks a running rebuild. */
    static final Duration TICK = Duration.ofMillis(250);

    static final Duration RELEASE_TIMEOUT = Duration.ofSeconds(30);

    public static final String PROJECTION = "projection";
    public static final String SAGA = "saga";
    public static final String SIDE_EFFECT = "side_effect";

    private final EventProcessingConfiguration processing;
    private final ProcessorStore store;
    private final Clock clock;
    /** Processors this instance shut down because an admin paused them, so only those are started again. */
    private final Set<String> pausedHere = ConcurrentHashMap.newKeySet();
    /** Processors this instance is busy pausing or resetting: the tick leaves them alone. */
    private final Set<String> busy = ConcurrentHashMap.newKeySet();

    /** The rebuilds as the store held them at the last tick (or this instance's own last change). */
    private volatile Map<String, Rebuild> rebuilds = Map.of();
    /** Where each running rebuild (by its start) was at this instance's last tick: events of its target handled. */
    private final Map<String, Map.Entry<Instant, Long>> rebuildPositions = new ConcurrentHashMap<>();

    private final ProcessorViews views;
    private final RebuildIndexes indexes;

    private final String instance = ManagementFactory.getRuntimeMXBean().getName();
    private final Object lifecycle = new Object();
    private ScheduledExecutorService ticker;
    private volatile boolean closing;
    private long ticks;

    ProcessorOperations(EventProcessingConfiguration processing, ProcessorStore store) {
        this(processing, store, List.of());
    }

    @Autowired
    public ProcessorOperations(
            EventProcessingConfiguration processing, ProcessorStore store, List<IndexedAfterRebuild> indexed) {
        this.processing = processing;
        this.store = store;
        this.clock = Clock.systemUTC();
        this.views = new ProcessorViews(processing, store, clock);
        this.indexes = new RebuildIndexes(indexed);
    }

    @Override
    public void start() {
        synchronized (lifecycle) {
            if (ticker != null) {
                return;
            }
            closing = false;
            ticker = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread thread = new Thread(r, "processor-operations");
                thread.setDaemon(true);
                return thread;
            });
            ticker.scheduleWithFixedDelay(this::tick, 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Stops the tick and waits for one in flight: before Axon stops its processors and the Mongo client closes. */
    @Override
    public void stop() {
        ScheduledExecutorService stopping;
        synchronized (lifecycle) {
            closing = true;
            stopping = ticker;
            ticker = null;
        }
        if (stopping == null) {
            return;
        }
        stopping.shutdown();
        try {
            if (!stopping.awaitTermination(RELEASE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                stopping.shutdownNow();
            }
        } catch (InterruptedException e) {
            stopping.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        synchronized (lifecycle) {
            return ticker != null;
        }
    }

    /** Stopped first of all lifecycle beans (Axon's processors and the stores stop in lower phases). */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }

    /** Also when the context never started (a failed refresh destroys the beans without stopping them). */
    @PreDestroy
    void destroy() {
        stop();
    }

    public List<ProcessorView> all() {
        long head = store.totalEvents();
        return processing.eventProcessors().values().stream()
                .sorted(Comparator.comparing(EventProcessor::getName))
                .map(p -> views.view(p, head, rebuilds, rebuildPositions))
                .toList();
    }

    public ProcessorView one(String name) {
        return views.view(processor(name), store.totalEvents(), rebuilds, rebuildPositions);
    }

    /** Names of the projections whose rebuild is still running, on any instance (as of the last tick). */
    public List<String> replaying() {
        return rebuilds.entrySet().stream()
                .filter(e -> e.getValue().running())
                .map(Map.Entry::getKey)
                .sorted()
                .toList();
    }

    public ProcessorView pause(String name) {
        StreamingEventProcessor processor = streaming(name);
        store.setPausedByAdmin(name, true);
        busy.add(name);
        try {
            shutDownHere(name, processor);
        } finally {
            busy.remove(name);
        }
        return one(name);
    }

    public ProcessorView resume(String name) {
        StreamingEventProcessor processor = streaming(name);
        store.setPausedByAdmin(name, false);
        if (!processor.isRunning()) {
            processor.start();
        }
        pausedHere.remove(name);
        return one(name);
    }

    /** Rebuilds a projection from the first event; answers once begun (progress: {@link #one}'s replay). */
    public ProcessorView replay(String name) {
        StreamingEventProcessor processor = streaming(name);
        if (!PROJECTION.equals(kind(processor))) {
            throw new SandpodException(
                    ErrorCode.CONFLICT,
                    "Processor " + name + " has side effects (" + kind(processor) + ") and cannot be replayed");
        }
        if (!busy.add(name)) {
            throw new SandpodException(ErrorCode.CONFLICT, "Processor " + name + " is being paused or reset");
        }
        Rebuild rebuild = null;
        Instant startedAt = null;
        try {
            Rebuild running = store.rebuilds().get(name);
            if (running != null && running.running()) {
                throw new SandpodException(ErrorCode.CONFLICT, "A rebuild of " + name + " is already running");
            }
            store.setPausedByAdmin(name, true);
            shutDownHere(name, processor);
            awaitReleasedEverywhere(name);
            startedAt = clock.instant().truncatedTo(ChronoUnit.MILLIS);
            long target = store.totalEvents();
            // Recorded after the reset: until then the old tokens (at the head) would look like the rebuild's end.
            processor.resetTokens();
            rebuild = new Rebuild(startedAt, target, null, null, instance);
            store.rebuildStarted(name, rebuild);
            rebuildPositions.put(name, Map.entry(rebuild.startedAt(), 0L));
            refreshRebuilds();
            store.setPausedByAdmin(name, false);
            processor.start();
            pausedHere.remove(name);
            log.info("Rebuilding {} from the first of {} events", name, rebuild.target());
        } catch (RuntimeException e) {
            if (rebuild == null && startedAt != null) { // the reset failed: shown as a failed rebuild
                rebuild = new Rebuild(startedAt, 0, null, null, instance);
                store.rebuildStarted(name, rebuild);
            }
            if (rebuild != null) {
                store.rebuildEnded(name, rebuild.startedAt(), clock.instant(), String.valueOf(e.getMessage()));
                refreshRebuilds();
            }
            // Whatever failed, the processor must not stay down (nor its model without indexes).
            indexes.create(name);
            store.setPausedByAdmin(name, false);
            if (!processor.isRunning()) {
                processor.start();
            }
            pausedHere.remove(name);
            throw e;
        } finally {
            busy.remove(name);
        }
        return one(name);
    }

    private void shutDownHere(String name, StreamingEventProcessor processor) {
        if (processor.isRunning()) {
            try {
                processor.shutdownAsync().get(RELEASE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SandpodException(ErrorCode.SERVICE_UNAVAILABLE, "Interrupted while pausing " + name);
            } catch (Exception e) {
                throw new SandpodException(
                        ErrorCode.SERVICE_UNAVAILABLE, "Processor " + name + " did not stop: " + e.getMessage());
            }
        }
        pausedHere.add(name);
    }

    private void awaitReleasedEverywhere(String name) {
        // An instance holding no segment still runs the processor and could claim one at any moment: give
        // every instance's tick time to see the pause flag before trusting an empty claim list.
        sleep(name, TICK.multipliedBy(3));
        long deadline = System.nanoTime() + RELEASE_TIMEOUT.toNanos();
        while (true) {
            List<String> owners = store.claims(name).stream()
                    .map(Claim::owner)
                    .filter(o -> o != null)
                    .distinct()
                    .toList();
            if (owners.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new SandpodException(
                        ErrorCode.CONFLICT, "Segments of " + name + " are still claimed by " + owners);
            }
            sleep(name, TICK);
        }
    }

    private static void sleep(String name, Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandpodException(ErrorCode.SERVICE_UNAVAILABLE, "Interrupted while pausing " + name);
        }
    }

    private void refreshRebuilds() {
        rebuilds = Map.copyOf(store.rebuilds());
    }

    /** Aligns this instance with the shared pause flags and follows the running rebuilds. */
    private void tick() { // on the ticker's one thread
        if (closing) {
            return;
        }
        try {
            ProcessorStore.Controls controls = store.controls(); // one read for the pause flags and the rebuilds
            rebuilds = Map.copyOf(controls.rebuilds());
            Set<String> pausedNow = controls.paused();
            for (EventProcessor p : processing.eventProcessors().values()) {
                if (!(p instanceof StreamingEventProcessor processor) || busy.contains(p.getName())) {
                    continue;
                }
                String name = p.getName();
                boolean paused = pausedNow.contains(name);
                if (paused && processor.isRunning()) {
                    log.info("Pausing {} on this instance (paused by an admin)", name);
                    processor.shutDown();
                    pausedHere.add(name);
                } else if (!paused && !processor.isRunning() && pausedHere.remove(name)) {
                    log.info("Resuming {} on this instance", name);
                    processor.start();
                }
            }
            if (ticks++ % 4 == 0) { // reads the tokens and counts events per segment: each 1 s, as SSE refreshes
                rebuilds.forEach((name, rebuild) -> {
                    if (rebuild.running() && !closing) {
                        follow(name, rebuild);
                    }
                });
            }
        } catch (RuntimeException e) {
            log.warn("Processor operations tick failed", e);
        }
    }

    private void follow(String name, Rebuild rebuild) {
        Optional<StreamingEventProcessor> found = processing.eventProcessor(name, StreamingEventProcessor.class);
        if (found.isEmpty()) {
            return;
        }
        long total = store.totalEvents();
        // The lower of the token store's and this instance's live positions: a live status left from before the
        // restart never passes for the end (a rebuild once "finished" a second after its reset); at the end both
        // agree (the last batch stores its token), so the live one is counted only once the stored one is there.
        Map<Integer, TrackingToken> stored = new java.util.TreeMap<>();
        store.claims(name).forEach(claim -> stored.put(claim.segment(), claim.token()));
        long position = Math.min(rebuild.target(), views.position(stored, total));
        if (position >= rebuild.target()) {
            position = Math.min(position, views.position(views.tokens(name, found.get()), total));
        }
        rebuildPositions.put(name, Map.entry(rebuild.startedAt(), position));
        if (position >= rebuild.target()) {
            String failure = indexes.create(name);
            Instant finishedAt = clock.instant();
            store.rebuildEnded(name, rebuild.startedAt(), finishedAt, failure);
            refreshRebuilds();
            long millis = Duration.between(rebuild.startedAt(), finishedAt).toMillis();
            log.info("Rebuilt {}: {} events in {} ms", name, rebuild.target(), millis);
        }
    }

    /** Sagas (named after their saga), side effects (all handlers {@code @DisallowReplay}, or subscribing). */
    static String kind(EventProcessor processor) {
        if (processor.getName().endsWith("SagaProcessor")) {
            return SAGA;
        }
        if (processor instanceof StreamingEventProcessor streaming && streaming.supportsReset()) {
            return PROJECTION;
        }
        return SIDE_EFFECT;
    }

    private EventProcessor processor(String name) {
        return processing
                .eventProcessor(name)
                .orElseThrow(() -> new SandpodException(ErrorCode.NOT_FOUND, "No event processor named " + name));
    }

    private StreamingEventProcessor streaming(String name) {
        EventProcessor processor = processor(name);
        if (!(processor instanceof StreamingEventProcessor streaming)) {
            throw new SandpodException(
                    ErrorCode.CONFLICT,
                    "Processor " + name + " handles events as they are published; it cannot be paused or replayed");
        }
        return streaming;
    }
}

package dev.sandpod.executor.sandbox;

import dev.sandpod.executor.ExecutorProperties;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sandboxes started ahead of their runs, kept per run shape (everything of a run's launch that is fixed before
 * its script is known). A shape gets sandboxes only once a run of it has been claimed, loses them when it is not
 * used for {@code idle} or when more than {@code shapes} shapes are in use, and never holds more than
 * {@code size}. A sandbox leaves the pool exactly once: handed to one claim, or discarded.
 *
 * <p>All starting and discarding happens on one background thread, so a claim costs a map look-up and the pool
 * never starts more than one sandbox at a time next to the runs it serves. The alternative of starting the
 * replacement on the claiming thread would put the set-up right back into that run's latency.
 *
 * @param <K> the run shape
 * @param <S> a started sandbox
 */
final class SandboxPool<K, S> implements AutoCloseable {

    /** Starts, checks and discards sandboxes; the pool only decides when. */
    interface Starter<S> {

        /** Starts a sandbox of {@code template}'s shape; the template's own limits are applied again at claim. */
        S start(RunSpec template) throws IOException;

        /** Whether a ready sandbox can still take a run (it may have died meanwhile). */
        boolean usable(S sandbox);

        /** Kills the sandbox and frees everything it holds on the host. */
        void discard(S sandbox);
    }

    private static final Logger log = LoggerFactory.getLogger(SandboxPool.class);
    private static final long MAX_SWEEP_MILLIS = 30_000;
    /** How long {@link #drain()} waits for a start in flight; generous, a loaded host can take seconds for one. */
    private static final long DRAIN_WAIT_MILLIS = 60_000;

    private final Starter<S> starter;
    private final int size;
    private final int maxShapes;
    private final long idleNanos;
    private final Duration shutdownWait;
    private final ScheduledExecutorService worker;
    private final Map<K, Shape<S>> shapes = new HashMap<>();
    private boolean closed;
    private long claims;
    private long hits;

    private static final class Shape<S> {
        final Deque<S> ready = new ArrayDeque<>();
        RunSpec template;
        long lastUsed;
    }

    SandboxPool(Starter<S> starter, ExecutorProperties.Pool settings, Duration shutdownWait) {
        if (settings.size() <= 0 || settings.shapes() <= 0) {
            throw new IllegalArgumentException("a pool needs a positive size and shape count");
        }
        this.starter = starter;
        this.size = settings.size();
        this.maxShapes = settings.shapes();
        this.idleNanos = settings.idle().toNanos();
        this.shutdownWait = shutdownWait;
        this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sandpod-sandbox-pool");
            t.setDaemon(true);
            return t;
        });
        long sweepMillis =
                Math.max(100, Math.min(MAX_SWEEP_MILLIS, settings.idle().toMillis() / 2));
        worker.scheduleWithFixedDelay(() -> sweep(System.nanoTime()), sweepMillis, sweepMillis, TimeUnit.MILLISECONDS);
    }

    /**
     * A ready sandbox of this shape, or null when there is none (the caller starts one cold). Either way the shape
     * now counts as used. It is refilled at once only when this claim left it without a ready sandbox; otherwise
     * {@link #replenish} refills it once the run is over, so that starting the next sandbox does not compete for
     * the cores with the run that just began.
     */
    S claim(K key, RunSpec spec) {
        List<S> dropped = new ArrayList<>();
        S claimed;
        boolean ranDry;
        synchronized (this) {
            if (closed) {
                return null;
            }
            Shape<S> shape = shapes.get(key);
            if (shape == null) {
                shape = new Shape<>();
                shapes.put(key, shape);
                evictLeastRecentlyUsed(key, dropped);
            }
            shape.template = spec;
            shape.lastUsed = System.nanoTime();
            while ((claimed = shape.ready.pollFirst()) != null && !starter.usable(claimed)) {
                dropped.add(claimed);
            }
            claims++;
            if (claimed != null) {
                hits++;
            }
            ranDry = shape.ready.isEmpty();
        }
        if (dropped.isEmpty() && !ranDry) {
            return claimed;
        }
        if (!submit(() -> {
            dropped.forEach(this::discardQuietly);
            if (ranDry) {
                refill(key);
            }
        })) {
            dropped.forEach(this::discardQuietly);
        }
        return claimed;
    }

    /** Refills the shape in the background, up to the pool size; called when a run of it is over. */
    void replenish(K key) {
        submit(() -> refill(key));
    }

    /** Claims so far, those a ready sandbox served, and the sandboxes ready now. */
    synchronized PoolStatistics statistics() {
        return new PoolStatistics(
                claims,
                hits,
                shapes.values().stream().mapToInt(s -> s.ready.size()).sum());
    }

    /** Ready sandboxes over all shapes. */
    synchronized int ready() {
        return shapes.values().stream().mapToInt(s -> s.ready.size()).sum();
    }

    /** Ready sandboxes of one shape. */
    synchronized int ready(K key) {
        Shape<S> shape = shapes.get(key);
        return shape == null ? 0 : shape.ready.size();
    }

    /** Forgets every shape and discards every ready sandbox; the pool fills again on the next claims. */
    void drain() {
        List<S> all;
        synchronized (this) {
            all = takeAll();
        }
        // The worker is single-threaded: once this no-op ran, a start that was in flight has ended, seen its shape
        // gone and discarded its sandbox.
        try {
            worker.submit(() -> {}).get(DRAIN_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            log.debug("pool closed before the drain: {}", e.toString());
        } catch (ExecutionException | TimeoutException e) {
            log.warn("pool worker not idle after drain: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        all.forEach(this::discardQuietly);
    }

    /** Stops refilling and discards every ready sandbox; a start in flight is waited for and discarded too. */
    @Override
    public void close() {
        List<S> all;
        synchronized (this) {
            closed = true;
            all = takeAll();
        }
        worker.shutdown();
        try {
            if (!worker.awaitTermination(shutdownWait.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("sandbox pool worker still busy {} after shutdown", shutdownWait);
                worker.shutdownNow();
            }
        } catch (InterruptedException e) {
            worker.shutdownNow();
            Thread.currentThread().interrupt();
        }
        all.forEach(this::discardQuietly);
    }

    /** Drops the sandboxes of shapes unused for longer than the idle time. */
    void sweep(long nowNanos) {
        List<S> dropped = new ArrayList<>();
        synchronized (this) {
            for (Iterator<Shape<S>> it = shapes.values().iterator(); it.hasNext(); ) {
                Shape<S> shape = it.next();
                if (nowNanos - shape.lastUsed >= idleNanos) {
                    dropped.addAll(shape.ready);
                    it.remove();
                }
            }
        }
        dropped.forEach(this::discardQuietly);
    }

    private void refill(K key) {
        while (true) {
            RunSpec template;
            synchronized (this) {
                Shape<S> shape = shapes.get(key);
                if (closed || shape == null || shape.ready.size() >= size) {
                    return;
                }
                template = shape.template;
            }
            S started;
            try {
                started = starter.start(template);
            } catch (IOException | RuntimeException e) {
                // No retry loop: the next claim of this shape tries again, and its run starts cold meanwhile.
                log.warn("pre-starting a sandbox for {} failed: {}", template.name(), e.toString());
                return;
            }
            boolean kept = false;
            synchronized (this) {
                Shape<S> shape = shapes.get(key);
                if (!closed && shape != null && shape.ready.size() < size) {
                    shape.ready.addLast(started);
                    kept = true;
                }
            }
            if (!kept) {
                discardQuietly(started);
                return;
            }
        }
    }

    private void evictLeastRecentlyUsed(K keep, List<S> dropped) {
        while (shapes.size() > maxShapes) {
            K oldest = null;
            long oldestUse = 0;
            for (Map.Entry<K, Shape<S>> e : shapes.entrySet()) {
                if (!e.getKey().equals(keep) && (oldest == null || e.getValue().lastUsed - oldestUse < 0)) {
                    oldest = e.getKey();
                    oldestUse = e.getValue().lastUsed;
                }
            }
            if (oldest == null) {
                return;
            }
            dropped.addAll(shapes.remove(oldest).ready);
        }
    }

    private List<S> takeAll() {
        List<S> all = new ArrayList<>();
        shapes.values().forEach(s -> all.addAll(s.ready));
        shapes.clear();
        return all;
    }

    private boolean submit(Runnable task) {
        try {
            worker.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    private void discardQuietly(S sandbox) {
        try {
            starter.discard(sandbox);
        } catch (RuntimeException e) {
            log.warn("discarding a pre-started sandbox failed: {}", e.toString());
        }
    }
}

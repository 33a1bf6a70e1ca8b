package dev.sandpod.eventstore;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ids and times of events as a stream read them, append-only. Entries below {@code size} never
 * change; a token's range is below the size at its creation, so it sees the same entries forever.
 * Appends are synchronized; readers see the arrays through the volatile fields (an append that grows
 * them copies first, then publishes) and the positions through the concurrent map.
 *
 * <p>How tokens share it: see {@link ReplaySafeMongoTrackingToken}.
 */
final class TrackedEventLog {

    /** A log whose dead prefix is at least this long and longer than its window is compacted. */
    static final int COMPACT_AFTER = 1024;

    volatile String[] ids;
    volatile long[] times;
    /** Position of each id in this log (an id appears at most once in a log). */
    final ConcurrentHashMap<String, Integer> positions;

    private int size;
    /** Positions of the newest window's entries with increasing (min) / decreasing (max) times. */
    private int[] minQueue;

    private int[] maxQueue;
    private int minHead;
    private int minTail;
    private int maxHead;
    private int maxTail;
    /** Start of the newest token's window. */
    private int headStart;

    TrackedEventLog(String[] ids, long[] times, int size) {
        int capacity = Math.max(16, size + size / 2);
        this.ids = Arrays.copyOf(ids, capacity);
        this.times = Arrays.copyOf(times, capacity);
        this.positions = new ConcurrentHashMap<>(Math.max(16, size * 2));
        this.minQueue = new int[capacity];
        this.maxQueue = new int[capacity];
        long[] t = this.times;
        for (int i = 0; i < size; i++) {
            positions.put(ids[i], i);
            push(i, t[i]);
        }
        this.size = size;
    }

    /** The token whose window is this whole (new) log. */
    synchronized ReplaySafeMongoTrackingToken whole(long timestamp) {
        return token(timestamp, 0);
    }

    /** A new log holding entries {@code [from, to)} of this one. */
    TrackedEventLog copy(int from, int to) {
        return new TrackedEventLog(Arrays.copyOfRange(ids, from, to), Arrays.copyOfRange(times, from, to), to - from);
    }

    /**
     * The token after {@code previous} (null: the newest token of this log), or null when
     * {@code previous} is not this log's newest token or the id is already in this log.
     */
    synchronized ReplaySafeMongoTrackingToken append(
            TrackedEventWindow previous, String id, long time, long timestamp, long cutOff) {
        if (previous != null && (previous.end != size || previous.start != headStart)) {
            return null;
        }
        if (positions.putIfAbsent(id, size) != null) {
            return null;
        }
        if (size == ids.length) {
            int capacity = size * 2;
            String[] newIds = Arrays.copyOf(ids, capacity);
            long[] newTimes = Arrays.copyOf(times, capacity);
            minQueue = Arrays.copyOf(minQueue, capacity);
            maxQueue = Arrays.copyOf(maxQueue, capacity);
            newIds[size] = id;
            newTimes[size] = time;
            ids = newIds;
            times = newTimes;
        } else {
            ids[size] = id;
            times[size] = time;
        }
        push(size, time);
        size++;
        long[] t = times;
        int start = headStart;
        while (start < size && t[start] < cutOff) {
            start++;
        }
        if (start >= COMPACT_AFTER && start > size - start) {
            TrackedEventLog compacted = copy(start, size);
            synchronized (compacted) {
                return compacted.token(timestamp, 0);
            }
        }
        return token(timestamp, start);
    }

    private void push(int position, long time) {
        long[] t = times;
        while (minTail > minHead && t[minQueue[minTail - 1]] >= time) {
            minTail--;
        }
        minQueue[minTail++] = position;
        while (maxTail > maxHead && t[maxQueue[maxTail - 1]] <= time) {
            maxTail--;
        }
        maxQueue[maxTail++] = position;
    }

    /** The newest token: window {@code [start, size)}; moves the queues' fronts to {@code start}. */
    private ReplaySafeMongoTrackingToken token(long timestamp, int start) {
        while (minHead < minTail && minQueue[minHead] < start) {
            minHead++;
        }
        while (maxHead < maxTail && maxQueue[maxHead] < start) {
            maxHead++;
        }
        headStart = start;
        long[] t = times;
        long oldest = minHead < minTail ? t[minQueue[minHead]] : Long.MAX_VALUE;
        long newest = maxHead < maxTail ? t[maxQueue[maxHead]] : Long.MIN_VALUE;
        return new ReplaySafeMongoTrackingToken(timestamp, new TrackedEventWindow(this, start, size), oldest, newest);
    }
}

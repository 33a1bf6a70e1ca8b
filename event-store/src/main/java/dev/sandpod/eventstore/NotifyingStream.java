package dev.sandpod.eventstore;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.axonframework.common.stream.BlockingStream;
import org.axonframework.eventhandling.TrackedEventMessage;

/**
 * A stream of the event store that {@link CommitNotifyingEventSource} tells which events were committed in this
 * JVM, so its processor wakes for them instead of polling.
 *
 * <p>The stream keeps the ids of the signalled events it has not delivered yet. While there are any, a question
 * that finds nothing waits briefly for the store's reader (a few milliseconds behind the commit), and when even
 * that finds nothing the stream wakes its processor again a little later, until the events come or their time
 * is up ({@link #AWAIT_AT_MOST_MILLIS}; after that the processor's claim-interval poll is what is left). A plain
 * "signalled" flag lost wake-ups two ways, each leaving an event for the claim interval (up to a second, the
 * back-to-back runs' one-second steps): a question answered by an event read earlier took the flag with it, and
 * a reader slower than the wait ended it.
 */
final class NotifyingStream implements BlockingStream<TrackedEventMessage<?>> {

    /** After a commit signal, how long a question may wait for the store's reader to see the new event. */
    private static final int SIGNAL_WAIT_MILLIS = 100;
    /** How soon the processor is woken again when a signalled event has still not been read. */
    static final long RECHECK_MILLIS = 20;
    /** How long a signalled event is waited for before the processor's regular polling takes over. */
    static final long AWAIT_AT_MOST_MILLIS = 2000;
    /** Ids of recently delivered events, so that a signal arriving after its event is not waited for. */
    private static final int DELIVERED_KEPT = 4096;

    private final BlockingStream<TrackedEventMessage<?>> delegate;
    private final Set<NotifyingStream> open;
    private final ScheduledExecutorService rechecks;
    /** Signalled event id → when to stop waiting for it (System.nanoTime). */
    private final Map<String, Long> awaited = new ConcurrentHashMap<>();

    private final Set<String> delivered = Collections.synchronizedSet(Collections.newSetFromMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > DELIVERED_KEPT;
        }
    }));
    private volatile Runnable callback;

    /**
     * @param open     the streams the source signals; this one leaves it when closed
     * @param rechecks runs the delayed wake-ups (shared by the source's streams)
     */
    NotifyingStream(
            BlockingStream<TrackedEventMessage<?>> delegate,
            Set<NotifyingStream> open,
            ScheduledExecutorService rechecks) {
        this.delegate = delegate;
        this.open = open;
        this.rechecks = rechecks;
    }

    /** These events were committed in this JVM. */
    void signal(Collection<String> eventIds) {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(AWAIT_AT_MOST_MILLIS);
        for (String id : eventIds) {
            awaited.put(id, until);
            if (delivered.contains(id)) { // read and handed out before its commit was signalled
                awaited.remove(id);
            }
        }
        wake();
    }

    private void wake() {
        Runnable onAvailable = callback;
        if (onAvailable != null) {
            onAvailable.run();
        }
    }

    @Override
    public boolean setOnAvailableCallback(Runnable callback) {
        this.callback = callback;
        return true;
    }

    /**
     * A processor asks without waiting. While signalled events are still to come, an empty answer is not
     * trusted: the question waits briefly for the store's reader, and if that is not enough either, the
     * processor is woken again shortly.
     */
    @Override
    public boolean hasNextAvailable(int timeout, TimeUnit unit) throws InterruptedException {
        if (timeout != 0 || awaited.isEmpty()) {
            return delegate.hasNextAvailable(timeout, unit);
        }
        if (delegate.hasNextAvailable(0, TimeUnit.MILLISECONDS)
                || delegate.hasNextAvailable(SIGNAL_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
            return true;
        }
        long now = System.nanoTime();
        awaited.values().removeIf(until -> until - now < 0);
        if (!awaited.isEmpty()) {
            rechecks.schedule(this::wake, RECHECK_MILLIS, TimeUnit.MILLISECONDS);
        }
        return false;
    }

    @Override
    public Optional<TrackedEventMessage<?>> peek() {
        return delegate.peek();
    }

    @Override
    public TrackedEventMessage<?> nextAvailable() throws InterruptedException {
        TrackedEventMessage<?> next = delegate.nextAvailable();
        delivered.add(next.getIdentifier());
        awaited.remove(next.getIdentifier());
        return next;
    }

    /** Ids of signalled events not delivered yet (tests). */
    Set<String> awaitedIds() {
        return awaited.keySet();
    }

    @Override
    public void skipMessagesWithPayloadTypeOf(TrackedEventMessage<?> ignoredMessage) {
        delegate.skipMessagesWithPayloadTypeOf(ignoredMessage);
    }

    @Override
    public Stream<TrackedEventMessage<?>> asStream() {
        return delegate.asStream();
    }

    @Override
    public void close() {
        open.remove(this);
        delegate.close();
    }
}

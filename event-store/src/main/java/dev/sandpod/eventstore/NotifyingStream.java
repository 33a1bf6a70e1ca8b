package dev.sandpod.eventstore;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.axonframework.common.stream.BlockingStream;
import org.axonframework.eventhandling.TrackedEventMessage;

/** A stream of the event store that {@link CommitNotifyingEventSource} tells when an event was committed. */
final class NotifyingStream implements BlockingStream<TrackedEventMessage<?>> {

    /** After a commit signal, how long a stream may wait for the store's reader to see the new event. */
    private static final int SIGNAL_WAIT_MILLIS = 100;

    private final BlockingStream<TrackedEventMessage<?>> delegate;
    private final Set<NotifyingStream> open;
    private final AtomicBoolean signalled = new AtomicBoolean();
    private volatile Runnable callback;

    /** {@code open}: the streams the source signals; this one leaves it when closed. */
    NotifyingStream(BlockingStream<TrackedEventMessage<?>> delegate, Set<NotifyingStream> open) {
        this.delegate = delegate;
        this.open = open;
    }

    void signal() {
        signalled.set(true);
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
     * A processor asks without waiting; right after a commit signal the store's reader may be a few
     * milliseconds behind, so then it waits briefly instead of concluding there is nothing new.
     *
     * <p>A signal stands until a question finds nothing already there: while events read earlier are still
     * waiting, they answer the question and the signal stays for the question after them, which then waits
     * for the signalled commit. Taking the signal on such a question lost it — the processor handled the
     * older events, found nothing more yet and slept until its next claim check (up to a second): the
     * back-to-back runs' one-second steps. The signal is taken before the wait, so a commit signalled while
     * this waits stays pending too.
     */
    @Override
    public boolean hasNextAvailable(int timeout, TimeUnit unit) throws InterruptedException {
        if (timeout == 0 && signalled.get()) {
            if (delegate.hasNextAvailable(0, TimeUnit.MILLISECONDS)) {
                return true;
            }
            signalled.set(false);
            return delegate.hasNextAvailable(SIGNAL_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        }
        return delegate.hasNextAvailable(timeout, unit);
    }

    @Override
    public Optional<TrackedEventMessage<?>> peek() {
        return delegate.peek();
    }

    @Override
    public TrackedEventMessage<?> nextAvailable() throws InterruptedException {
        return delegate.nextAvailable();
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

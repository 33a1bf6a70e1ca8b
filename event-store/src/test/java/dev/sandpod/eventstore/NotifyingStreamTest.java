package dev.sandpod.eventstore;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.axonframework.common.stream.BlockingStream;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.junit.jupiter.api.Test;

/**
 * A processor must not lose a commit signal that arrives while it is already waiting for an earlier one: it
 * would then find nothing and sleep until its next claim check (a second), which is what made back-to-back
 * runs wait in one-second steps.
 */
class NotifyingStreamTest {

    @Test
    void aCommitSignalledDuringTheWaitForAnEarlierOneIsNotLost() throws InterruptedException {
        StoreReader reader = new StoreReader();
        NotifyingStream stream = new NotifyingStream(reader, new HashSet<>());
        reader.stream = stream;

        reader.commit();
        stream.signal(); // commit 1
        // While the processor waits for commit 1's event, commit 2 is signalled; the reader has only event 1 yet.
        reader.signalDuringNextWait = true;
        assertThat(stream.hasNextAvailable(0, TimeUnit.MILLISECONDS)).isTrue();
        reader.consume();

        // The processor asks again without waiting: commit 2 was signalled, so it must wait for the reader to
        // catch up instead of concluding that nothing is left.
        assertThat(stream.hasNextAvailable(0, TimeUnit.MILLISECONDS)).isTrue();
        reader.consume();
        assertThat(stream.hasNextAvailable(0, TimeUnit.MILLISECONDS)).isFalse();
    }

    @Test
    void aSignalOutlastsTheEventsThatWereAlreadyRead() throws InterruptedException {
        StoreReader reader = new StoreReader();
        NotifyingStream stream = new NotifyingStream(reader, new HashSet<>());
        reader.stream = stream;
        reader.commit();
        stream.signal();
        assertThat(stream.hasNextAvailable(0, TimeUnit.MILLISECONDS)).isTrue(); // the reader has event 1

        reader.commit();
        stream.signal(); // commit 2, while event 1 is still waiting to be handled
        assertThat(stream.hasNextAvailable(0, TimeUnit.MILLISECONDS)).isTrue(); // answered by event 1
        reader.consume();

        // Event 1 handled: commit 2's signal must still stand, so this question waits for the reader.
        assertThat(stream.hasNextAvailable(0, TimeUnit.MILLISECONDS)).isTrue();
        reader.consume();
        assertThat(stream.hasNextAvailable(0, TimeUnit.MILLISECONDS)).isFalse();
    }

    @Test
    void withoutASignalAQuestionDoesNotWait() throws InterruptedException {
        StoreReader reader = new StoreReader();
        NotifyingStream stream = new NotifyingStream(reader, new HashSet<>());
        reader.stream = stream;

        assertThat(stream.hasNextAvailable(0, TimeUnit.MILLISECONDS)).isFalse();
        assertThat(reader.waitsWithTimeout).isZero();
    }

    @Test
    void aClosedStreamLeavesTheSetTheSourceSignals() {
        Set<NotifyingStream> open = new HashSet<>();
        NotifyingStream stream = new NotifyingStream(new StoreReader(), open);
        open.add(stream);
        stream.close();
        assertThat(open).isEmpty();
    }

    /**
     * The store's reader: a committed event becomes visible only to a question that waits while nothing is
     * there (the reader is a few milliseconds behind the commit); a question without waiting, or one that
     * finds an event already read, sees only what was read already.
     */
    private static final class StoreReader implements BlockingStream<TrackedEventMessage<?>> {

        NotifyingStream stream;
        boolean signalDuringNextWait;
        int waitsWithTimeout;
        private int unread;
        private int visible;

        void commit() {
            unread++;
        }

        @Override
        public boolean hasNextAvailable(int timeout, TimeUnit unit) {
            if (timeout > 0 && visible == 0) { // a wait ends at once when something is there already
                waitsWithTimeout++;
                visible += unread;
                unread = 0;
                if (signalDuringNextWait) {
                    signalDuringNextWait = false;
                    commit(); // commit 2 lands while this question waits, after the reader's fetch
                    stream.signal();
                }
            }
            return visible > 0;
        }

        void consume() {
            visible--;
        }

        @Override
        public Optional<TrackedEventMessage<?>> peek() {
            return Optional.empty();
        }

        @Override
        public TrackedEventMessage<?> nextAvailable() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {}

        @Override
        public Stream<TrackedEventMessage<?>> asStream() {
            return Stream.empty();
        }
    }
}

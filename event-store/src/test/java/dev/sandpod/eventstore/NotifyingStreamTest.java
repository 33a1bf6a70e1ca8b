package dev.sandpod.eventstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.axonframework.common.stream.BlockingStream;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.GenericTrackedEventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.messaging.GenericMessage;
import org.axonframework.messaging.MetaData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A processor must not lose the wake-up for a commit: it would find nothing and sleep until its next claim check
 * (a second), which is what made back-to-back runs wait in one-second steps.
 */
class NotifyingStreamTest {

    private final ScheduledExecutorService rechecks = Executors.newSingleThreadScheduledExecutor();
    private final StoreReader reader = new StoreReader();
    private final AtomicInteger wakeUps = new AtomicInteger();
    private final NotifyingStream stream = new NotifyingStream(reader, new HashSet<>(), rechecks);

    NotifyingStreamTest() {
        reader.stream = stream;
        stream.setOnAvailableCallback(wakeUps::incrementAndGet);
    }

    @AfterEach
    void stop() {
        rechecks.shutdownNow();
    }

    @Test
    void aCommitSignalledDuringTheWaitForAnEarlierOneIsNotLost() throws InterruptedException {
        commit("e1");
        // While the processor waits for e1, e2 is committed and signalled; the reader has only e1 yet.
        reader.duringNextWait = () -> commit("e2");
        assertThat(stream.hasNextAvailable(0, TimeUnit.MILLISECONDS)).isTrue();
        assertThat(stream.nextAvailable().getIdentifier()).isEqualTo("e1");

        // e2 was signalled: the next question waits for the reader instead of concluding nothing is left.
        assertThat(stream.hasNextAvailable(0, TimeUnit.MILLISECONDS)).isTrue();
        assertThat(stream.nextAvailable().getIdentifier()).isEqualTo("e2");
        assertThat(stream.hasNextAvailable(0, TimeUnit.MILLISECONDS)).isFalse();
    }

    @Test
    void aSignalOutlastsTheEventsThatWereAlreadyRead() throws InterruptedException {
        commit("e1");
        assertThat(stream.hasNextAvailable(0, TimeUnit.MILLISECONDS)).isTrue(); // the reader has e1

        commit("e2"); // while e1 is still waiting to be handled
        assertThat(stream.hasNextAvailable(0, TimeUnit.MILLISECONDS)).isTrue(); // answered by e1
        stream.nextAvailable();

        // e1 handled: e2's signal must still stand, so this question waits for the reader.
        assertThat(stream.hasNextAvailable(0, TimeUnit.MILLISECONDS)).isTrue();
        assertThat(stream.nextAvailable().getIdentifier()).isEqualTo("e2");
        assertThat(stream.hasNextAvailable(0, TimeUnit.MILLISECONDS)).isFalse();
    }

    @Test
    void whenTheReaderIsSlowerThanTheWaitTheProcessorIsWokenAgain() throws InterruptedException {
        reader.slow = true;
        commit("e1");
        int afterSignal = wakeUps.get();

        assertThat(stream.hasNextAvailable(0, TimeUnit.MILLISECONDS)).isFalse(); // the reader has not got it yet

        await().atMost(Duration.ofSeconds(5)).until(() -> wakeUps.get() > afterSignal);
        reader.slow = false;
        assertThat(stream.hasNextAvailable(0, TimeUnit.MILLISECONDS)).isTrue();
        assertThat(stream.nextAvailable().getIdentifier()).isEqualTo("e1");
        assertThat(stream.awaitedIds()).isEmpty();
    }

    @Test
    void aSignalForAnEventAlreadyHandedOutIsNotWaitedFor() throws InterruptedException {
        reader.unread.add("e1");
        assertThat(stream.hasNextAvailable(5, TimeUnit.MILLISECONDS)).isTrue(); // read before its signal came
        stream.nextAvailable();

        stream.signal(List.of("e1"));

        assertThat(stream.awaitedIds()).isEmpty();
        assertThat(stream.hasNextAvailable(0, TimeUnit.MILLISECONDS)).isFalse();
        assertThat(reader.waits).isEqualTo(1);
    }

    @Test
    void withoutASignalAQuestionDoesNotWait() throws InterruptedException {
        assertThat(stream.hasNextAvailable(0, TimeUnit.MILLISECONDS)).isFalse();
        assertThat(reader.waits).isZero();
    }

    @Test
    void aClosedStreamLeavesTheSetTheSourceSignals() {
        Set<NotifyingStream> open = new HashSet<>();
        NotifyingStream other = new NotifyingStream(new StoreReader(), open, rechecks);
        open.add(other);
        other.close();
        assertThat(open).isEmpty();
    }

    private void commit(String id) {
        reader.unread.add(id);
        stream.signal(List.of(id));
    }

    /**
     * The store's reader: a committed event becomes visible only to a question that waits while nothing is there
     * (the reader is a few milliseconds behind the commit), and not at all while it is {@code slow}.
     */
    private static final class StoreReader implements BlockingStream<TrackedEventMessage<?>> {

        NotifyingStream stream;
        Runnable duringNextWait;
        volatile boolean slow;
        int waits;
        final Deque<String> unread = new ArrayDeque<>();
        private final Deque<String> visible = new ArrayDeque<>();

        @Override
        public boolean hasNextAvailable(int timeout, TimeUnit unit) {
            if (timeout > 0 && visible.isEmpty()) {
                waits++;
                if (!slow) {
                    visible.addAll(unread);
                    unread.clear();
                }
                if (duringNextWait != null) {
                    Runnable during = duringNextWait;
                    duringNextWait = null;
                    during.run();
                }
            }
            return !visible.isEmpty();
        }

        @Override
        public Optional<TrackedEventMessage<?>> peek() {
            return Optional.ofNullable(visible.peek()).map(StoreReader::event);
        }

        @Override
        public TrackedEventMessage<?> nextAvailable() {
            return event(visible.remove());
        }

        private static TrackedEventMessage<?> event(String id) {
            return new GenericTrackedEventMessage<>(
                    null,
                    new GenericEventMessage<>(
                            new GenericMessage<>(id, "payload", MetaData.emptyInstance()), Instant::now));
        }

        @Override
        public void close() {}

        @Override
        public Stream<TrackedEventMessage<?>> asStream() {
            return Stream.empty();
        }
    }
}

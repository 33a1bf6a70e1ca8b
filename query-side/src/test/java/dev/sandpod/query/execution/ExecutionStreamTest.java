package dev.sandpod.query.execution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandpod.api.execution.ExecutionFrameView;
import dev.sandpod.api.execution.ExecutionStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;
import reactor.test.publisher.TestPublisher;

/** The stream's resume, dedupe and final-frame rules, on frames alone (no event store, no HTTP). */
class ExecutionStreamTest {

    private static final String ID = "execution-1";
    private static final Instant AT = Instant.parse("2030-01-01T00:00:00Z");
    private static final ExecutionFrameView QUEUED = frame("execution_queued", "e1", ExecutionStatus.QUEUED);
    private static final ExecutionFrameView SCHEDULED = frame("execution_scheduled", "e2", ExecutionStatus.SCHEDULED);
    private static final ExecutionFrameView RUNNING = frame("execution_running", "e3", ExecutionStatus.RUNNING);
    private static final ExecutionFrameView COMPLETED = frame("execution_completed", "e4", ExecutionStatus.COMPLETED);
    private static final ExecutionFrameView STORED = frame("result_stored", "e5", ExecutionStatus.COMPLETED);
    private static final ExecutionFrameView OUTPUT =
            new ExecutionFrameView("output", ID, AT, null, null, null, "stdout", "hello\n");

    private static ExecutionFrameView frame(String type, String eventId, ExecutionStatus status) {
        return new ExecutionFrameView(type, ID, AT, eventId, status, null, null, null);
    }

    private static Predicate<ExecutionFrameView> statusFrameOf(ExecutionStatus status) {
        return frame -> "status".equals(frame.eventType()) && frame.status() == status && frame.eventId() == null;
    }

    @Test
    void aFirstConnectionGetsTheCurrentStatusThenOnlyWhatIsNew() {
        var live = TestPublisher.<ExecutionFrameView>create();

        StepVerifier.create(ExecutionStream.frames(
                        ID, ExecutionStatus.QUEUED, List.of(QUEUED, SCHEDULED), live.flux(), null))
                .expectNextMatches(statusFrameOf(ExecutionStatus.SCHEDULED))
                .then(() -> live.next(RUNNING, OUTPUT))
                .expectNext(RUNNING, OUTPUT)
                .thenCancel()
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void aResumeSkipsTheFramesAlreadySeen() {
        StepVerifier.create(ExecutionStream.frames(
                        ID,
                        ExecutionStatus.QUEUED,
                        List.of(QUEUED, SCHEDULED, RUNNING),
                        Flux.never(),
                        SCHEDULED.eventId()))
                .expectNextMatches(statusFrameOf(ExecutionStatus.RUNNING))
                .expectNext(RUNNING)
                .thenCancel()
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void aResumeFromAnUnknownFrameGetsEveryStoredFrame() {
        StepVerifier.create(ExecutionStream.frames(
                        ID,
                        ExecutionStatus.QUEUED,
                        List.of(QUEUED, SCHEDULED),
                        Flux.never(),
                        "not-a-frame-of-this-execution"))
                .expectNextMatches(statusFrameOf(ExecutionStatus.SCHEDULED))
                .expectNext(QUEUED, SCHEDULED)
                .thenCancel()
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void framesSeenInBothTheStoredListAndTheLiveUpdatesAreSentOnce() {
        Flux<ExecutionFrameView> live = Flux.just(SCHEDULED, RUNNING, RUNNING, OUTPUT, OUTPUT, COMPLETED, STORED);

        StepVerifier.create(ExecutionStream.frames(
                        ID, ExecutionStatus.QUEUED, List.of(QUEUED, SCHEDULED), live, QUEUED.eventId()))
                .expectNextMatches(statusFrameOf(ExecutionStatus.SCHEDULED))
                .expectNext(SCHEDULED, RUNNING, OUTPUT, OUTPUT, COMPLETED, STORED)
                .verifyComplete();
    }

    @Test
    void theStreamEndsAfterTheFinalFrame() {
        var live = TestPublisher.<ExecutionFrameView>create();

        StepVerifier.create(ExecutionStream.frames(ID, ExecutionStatus.RUNNING, List.of(), live.flux(), null))
                .expectNextMatches(statusFrameOf(ExecutionStatus.RUNNING))
                .then(() -> live.next(COMPLETED, STORED))
                .expectNext(COMPLETED, STORED)
                .verifyComplete();

        live.assertCancelled();
    }

    @Test
    void aClientArrivingAfterTheEndGetsTheStatusAndTheFinalFrameAtOnce() {
        StepVerifier.create(ExecutionStream.frames(
                        ID, ExecutionStatus.COMPLETED, List.of(QUEUED, RUNNING, COMPLETED, STORED), Flux.never(), null))
                .expectNextMatches(statusFrameOf(ExecutionStatus.COMPLETED))
                .expectNext(STORED)
                .verifyComplete();
    }

    @Test
    void aClientResumingAfterTheEndGetsTheStoredFramesItMissedAndTheEnd() {
        StepVerifier.create(ExecutionStream.frames(
                        ID,
                        ExecutionStatus.COMPLETED,
                        List.of(QUEUED, RUNNING, COMPLETED, STORED),
                        Flux.never(),
                        RUNNING.eventId()))
                .expectNextMatches(statusFrameOf(ExecutionStatus.COMPLETED))
                .expectNext(COMPLETED, STORED)
                .verifyComplete();
    }

    @Test
    void aStreamWithNothingStoredStartsFromTheViewsStatus() {
        var frames = ExecutionStream.frames(ID, ExecutionStatus.QUEUED, List.of(), Flux.never(), null)
                .take(1)
                .collectList()
                .block(Duration.ofSeconds(5));

        assertThat(frames).singleElement().matches(statusFrameOf(ExecutionStatus.QUEUED));
    }
}

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
    /** Long enough never to run out in a test where the output's end comes. */
    private static final Duration WAIT = Duration.ofMinutes(5);

    private static final ExecutionFrameView OUTPUT =
            new ExecutionFrameView("output", ID, AT, null, null, null, "stdout", "hello\n");

    private static ExecutionFrameView frame(String type, String eventId, ExecutionStatus status) {
        return new ExecutionFrameView(type, ID, AT, eventId, status, null, null, null);
    }

    private static Predicate<ExecutionFrameView> statusFrameOf(ExecutionStatus status) {
        return frame -> "status".equals(frame.eventType()) && frame.status() == status && frame.eventId() == null;
    }

    private static ExecutionFrameView lifecycle(String type, String eventId, ExecutionStatus status, long sequence) {
        return new ExecutionFrameView(type, ID, AT, eventId, status, null, null, null, sequence);
    }

    /**
     * Two paths deliver lifecycle frames (the fast path as events commit, the projection after storing them): the
     * slower path's frame of an event before one already sent is dropped, so the final frame still comes last and
     * every frame comes in the order of the run's events.
     */
    @Test
    void aFrameOfAnEarlierEventThanOneAlreadySentIsDroppedNotSentOutOfOrder() {
        var scheduled = lifecycle("execution_scheduled", "s2", ExecutionStatus.SCHEDULED, 2);
        var started = lifecycle("execution_started", "s3", ExecutionStatus.SCHEDULED, 3);
        var completed = lifecycle("execution_completed", "s5", ExecutionStatus.COMPLETED, 5);
        var stored = lifecycle("result_stored", "s6", ExecutionStatus.COMPLETED, 6);
        var queued = lifecycle("execution_queued", "s1", ExecutionStatus.QUEUED, 1);
        // fast: scheduled, started; projection (behind): queued, scheduled; fast: completed, stored
        Flux<ExecutionFrameView> live = Flux.just(scheduled, started, queued, scheduled, completed, started, stored);

        StepVerifier.create(ExecutionStream.frames(ID, ExecutionStatus.QUEUED, List.of(), live, null))
                .expectNextMatches(statusFrameOf(ExecutionStatus.QUEUED))
                .expectNext(scheduled, started, completed, stored)
                .verifyComplete();
    }

    @Test
    void aLiveFrameOlderThanTheStoredOnesIsNotSent() {
        var queued = lifecycle("execution_queued", "s1", ExecutionStatus.QUEUED, 1);
        var scheduled = lifecycle("execution_scheduled", "s2", ExecutionStatus.SCHEDULED, 2);
        var requested = lifecycle("execution_requested", "s0", ExecutionStatus.QUEUED, 0);
        var running = lifecycle("execution_running", "s4", ExecutionStatus.RUNNING, 4);

        StepVerifier.create(ExecutionStream.frames(
                        ID, ExecutionStatus.QUEUED, List.of(queued, scheduled), Flux.just(requested, running), null))
                .expectNextMatches(statusFrameOf(ExecutionStatus.SCHEDULED))
                .expectNext(running)
                .verifyComplete();
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

    /**
     * The fast path marks the run ended in the read model before the projection stores its last frames: a client
     * arriving in between gets the end as any late client does, not the frames the projection has yet to store.
     */
    @Test
    void aClientArrivingAfterTheEndButBeforeTheLastFramesAreStoredGetsOnlyTheStatusAndTheFinalFrame() {
        var live = TestPublisher.<ExecutionFrameView>create();

        StepVerifier.create(ExecutionStream.frames(
                        ID, ExecutionStatus.COMPLETED, List.of(QUEUED, RUNNING), live.flux(), null))
                .expectNextMatches(statusFrameOf(ExecutionStatus.COMPLETED))
                .then(() -> live.next(COMPLETED, STORED))
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

    /**
     * The run's last output and its end come through the live relay, its final frame through its events: under load
     * the final frame can come first. The stream holds it until the relay's end of the run's output, so the client
     * gets every output frame before the end (issue 20 item 6: streams ended short of their last lines).
     */
    @Test
    void outputOvertakenByTheFinalFrameIsStillSentBeforeIt() {
        var live = TestPublisher.<ExecutionFrameView>create();
        var last = new ExecutionFrameView("output", ID, AT, null, null, null, "stdout", "last line\n");

        StepVerifier.create(ExecutionStream.frames(
                        ID, ExecutionStatus.SCHEDULED, List.of(QUEUED, SCHEDULED), live.flux(), null, WAIT))
                .expectNextMatches(statusFrameOf(ExecutionStatus.SCHEDULED))
                .then(() -> live.next(RUNNING, OUTPUT))
                .expectNext(RUNNING, OUTPUT)
                .then(() -> live.next(COMPLETED, STORED, last, LiveOutputRelay.outputEnd(ID)))
                .expectNext(COMPLETED, last, STORED)
                .expectComplete()
                .verify(Duration.ofSeconds(30));
    }

    @Test
    void aStreamOpenedOnARunningRunAlsoWaitsForTheEndOfItsOutput() {
        var live = TestPublisher.<ExecutionFrameView>create();

        StepVerifier.create(ExecutionStream.frames(
                        ID, ExecutionStatus.RUNNING, List.of(QUEUED, RUNNING), live.flux(), null, WAIT))
                .expectNextMatches(statusFrameOf(ExecutionStatus.RUNNING))
                .then(() -> live.next(COMPLETED, STORED, OUTPUT, LiveOutputRelay.outputEnd(ID)))
                .expectNext(COMPLETED, OUTPUT, STORED)
                .expectComplete()
                .verify(Duration.ofSeconds(30));
    }

    /** A run whose end never comes through the relay (its runner died, the relay is down) still ends its stream. */
    @Test
    void theFinalFrameWaitsForTheOutputsEndOnlySoLong() {
        StepVerifier.create(ExecutionStream.frames(
                        ID,
                        ExecutionStatus.RUNNING,
                        List.of(QUEUED, RUNNING),
                        Flux.concat(Flux.just(COMPLETED, STORED), Flux.never()),
                        null,
                        Duration.ofMillis(200)))
                .expectNextMatches(statusFrameOf(ExecutionStatus.RUNNING))
                .expectNext(COMPLETED, STORED)
                .expectComplete()
                .verify(Duration.ofSeconds(30));
    }

    /** A queued run cancelled never ran: no output to wait for, its end is sent at once. */
    @Test
    void aRunNeverSeenRunningEndsWithoutWaitingForOutput() {
        var cancelled = frame("execution_cancelled", "c4", ExecutionStatus.CANCELLED);
        var stored = frame("result_stored", "c5", ExecutionStatus.CANCELLED);

        StepVerifier.create(ExecutionStream.frames(
                        ID,
                        ExecutionStatus.QUEUED,
                        List.of(QUEUED),
                        Flux.concat(Flux.just(cancelled, stored), Flux.never()),
                        null,
                        Duration.ofHours(1)))
                .expectNextMatches(statusFrameOf(ExecutionStatus.QUEUED))
                .expectNext(cancelled, stored)
                .expectComplete()
                .verify(Duration.ofSeconds(30));
    }
}

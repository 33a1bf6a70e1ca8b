package dev.sandpod.command.queue;

import dev.sandpod.api.execution.Priority;
import dev.sandpod.api.queue.EnqueueExecutionCommand;
import dev.sandpod.api.queue.ExecutionEnqueuedEvent;
import dev.sandpod.api.queue.ExecutionReprioritizedEvent;
import dev.sandpod.api.queue.ExecutionSlotGrantedEvent;
import dev.sandpod.api.queue.ExecutionSlotReleasedEvent;
import dev.sandpod.api.queue.ReleaseExecutionSlotCommand;
import java.time.Instant;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DispatchQueueTest {

    private static final String Q = "default";
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00.000Z");

    /** Queued {@code millis} after T0. */
    private static Instant at(long millis) {
        return T0.plusMillis(millis);
    }

    private FixtureConfiguration<DispatchQueue> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(DispatchQueue.class);
    }

    @Test
    void aFreeSlotIsGrantedAtOnce() {
        fixture.givenNoPriorActivity()
                .when(new EnqueueExecutionCommand(Q, "a", Priority.NORMAL, at(0), 1))
                .expectEvents(
                        new ExecutionEnqueuedEvent(Q, "a", Priority.NORMAL, at(0)),
                        new ExecutionSlotGrantedEvent(Q, "a"))
                .expectResultMessagePayload(true); // the saga schedules the run at once
    }

    @Test
    void aFullQueueMakesTheExecutionWait() {
        fixture.given(new ExecutionEnqueuedEvent(Q, "a", Priority.NORMAL, at(0)), new ExecutionSlotGrantedEvent(Q, "a"))
                .when(new EnqueueExecutionCommand(Q, "b", Priority.NORMAL, at(1), 1))
                .expectEvents(new ExecutionEnqueuedEvent(Q, "b", Priority.NORMAL, at(1)))
                .expectResultMessagePayload(false); // the saga waits for the grant
    }

    @Test
    void aReleasedSlotGoesToTheHighestPriorityThenTheOldest() {
        fixture.given(
                        new ExecutionEnqueuedEvent(Q, "a", Priority.NORMAL, at(0)),
                        new ExecutionSlotGrantedEvent(Q, "a"),
                        new ExecutionEnqueuedEvent(Q, "b", Priority.NORMAL, at(1)),
                        new ExecutionEnqueuedEvent(Q, "c", Priority.HIGH, at(2)),
                        new ExecutionEnqueuedEvent(Q, "d", Priority.HIGH, at(3)))
                .when(new ReleaseExecutionSlotCommand(Q, "a", 1))
                .expectEvents(new ExecutionSlotReleasedEvent(Q, "a"), new ExecutionSlotGrantedEvent(Q, "c"));
    }

    @Test
    void releasingAWaitingExecutionDropsItFromTheLine() {
        fixture.given(
                        new ExecutionEnqueuedEvent(Q, "a", Priority.NORMAL, at(0)),
                        new ExecutionSlotGrantedEvent(Q, "a"),
                        new ExecutionEnqueuedEvent(Q, "b", Priority.NORMAL, at(1)))
                .when(new ReleaseExecutionSlotCommand(Q, "b", 1))
                .expectEvents(new ExecutionSlotReleasedEvent(Q, "b"));
    }

    @Test
    void releasingTwiceDoesNothingTheSecondTime() {
        fixture.given(
                        new ExecutionEnqueuedEvent(Q, "a", Priority.NORMAL, at(0)),
                        new ExecutionSlotGrantedEvent(Q, "a"),
                        new ExecutionSlotReleasedEvent(Q, "a"))
                .when(new ReleaseExecutionSlotCommand(Q, "a", 1))
                .expectNoEvents();
    }

    @Test
    void enqueuingTheSameExecutionTwiceIsIgnored() {
        fixture.given(new ExecutionEnqueuedEvent(Q, "a", Priority.NORMAL, at(0)), new ExecutionSlotGrantedEvent(Q, "a"))
                .when(new EnqueueExecutionCommand(Q, "a", Priority.NORMAL, at(0), 1))
                .expectNoEvents();
    }
    /**
     * Under a burst the enqueue commands of two runs may arrive in either order (the saga handles runs in
     * parallel): the one queued first is granted first, whatever order its enqueue came in.
     */
    @Test
    void waitingRunsAreGrantedInTheOrderTheyWereQueuedNotTheOrderTheirEnqueueArrived() {
        fixture.given(
                        new ExecutionEnqueuedEvent(Q, "a", Priority.NORMAL, at(0)),
                        new ExecutionSlotGrantedEvent(Q, "a"),
                        new ExecutionEnqueuedEvent(Q, "c", Priority.NORMAL, at(20)),
                        new ExecutionEnqueuedEvent(Q, "b", Priority.NORMAL, at(10)))
                .when(new ReleaseExecutionSlotCommand(Q, "a", 1))
                .expectEvents(new ExecutionSlotReleasedEvent(Q, "a"), new ExecutionSlotGrantedEvent(Q, "b"));
    }

    @Test
    void theEnqueuedEventRecordsWhenTheRunWasQueued() {
        fixture.given(new ExecutionEnqueuedEvent(Q, "a", Priority.NORMAL, at(0)), new ExecutionSlotGrantedEvent(Q, "a"))
                .when(new EnqueueExecutionCommand(Q, "b", Priority.HIGH, at(7), 1))
                .expectEvents(new ExecutionEnqueuedEvent(Q, "b", Priority.HIGH, at(7)));
    }

    /** A new priority moves a run to another line, where it stands by when it was queued. */
    @Test
    void aReprioritizedRunTakesItsPlaceByQueuedTimeAtItsNewPriority() {
        fixture.given(
                        new ExecutionEnqueuedEvent(Q, "a", Priority.NORMAL, at(0)),
                        new ExecutionSlotGrantedEvent(Q, "a"),
                        new ExecutionEnqueuedEvent(Q, "d", Priority.HIGH, at(30)),
                        new ExecutionEnqueuedEvent(Q, "b", Priority.HIGH, at(20)),
                        new ExecutionEnqueuedEvent(Q, "c", Priority.LOW, at(10)),
                        new ExecutionReprioritizedEvent(Q, "c", Priority.HIGH))
                .when(new ReleaseExecutionSlotCommand(Q, "a", 1))
                .expectEvents(new ExecutionSlotReleasedEvent(Q, "a"), new ExecutionSlotGrantedEvent(Q, "c"));
    }

    /** Runs enqueued before the queued time was recorded (revision 1 events) were queued before any that have one. */
    @Test
    void runsEnqueuedWithoutAQueuedTimeGoFirstInTheirArrivalOrder() {
        fixture.given(
                        new ExecutionEnqueuedEvent(Q, "a", Priority.NORMAL, null),
                        new ExecutionSlotGrantedEvent(Q, "a"),
                        new ExecutionEnqueuedEvent(Q, "b", Priority.NORMAL, null),
                        new ExecutionEnqueuedEvent(Q, "c", Priority.NORMAL, null),
                        new ExecutionEnqueuedEvent(Q, "d", Priority.NORMAL, at(0)))
                .when(new ReleaseExecutionSlotCommand(Q, "a", 1))
                .expectEvents(new ExecutionSlotReleasedEvent(Q, "a"), new ExecutionSlotGrantedEvent(Q, "b"));
    }
}

package dev.sandpod.command.queue;

import dev.sandpod.api.execution.Priority;
import dev.sandpod.api.queue.EnqueueExecutionCommand;
import dev.sandpod.api.queue.ExecutionEnqueuedEvent;
import dev.sandpod.api.queue.ExecutionSlotGrantedEvent;
import dev.sandpod.api.queue.ExecutionSlotReleasedEvent;
import dev.sandpod.api.queue.ReleaseExecutionSlotCommand;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DispatchQueueTest {

    private static final String Q = "default";

    private FixtureConfiguration<DispatchQueue> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(DispatchQueue.class);
    }

    @Test
    void aFreeSlotIsGrantedAtOnce() {
        fixture.givenNoPriorActivity()
                .when(new EnqueueExecutionCommand(Q, "a", Priority.NORMAL, 1))
                .expectEvents(
                        new ExecutionEnqueuedEvent(Q, "a", Priority.NORMAL), new ExecutionSlotGrantedEvent(Q, "a"));
    }

    @Test
    void aFullQueueMakesTheExecutionWait() {
        fixture.given(new ExecutionEnqueuedEvent(Q, "a", Priority.NORMAL), new ExecutionSlotGrantedEvent(Q, "a"))
                .when(new EnqueueExecutionCommand(Q, "b", Priority.NORMAL, 1))
                .expectEvents(new ExecutionEnqueuedEvent(Q, "b", Priority.NORMAL));
    }

    @Test
    void aReleasedSlotGoesToTheHighestPriorityThenTheOldest() {
        fixture.given(
                        new ExecutionEnqueuedEvent(Q, "a", Priority.NORMAL),
                        new ExecutionSlotGrantedEvent(Q, "a"),
                        new ExecutionEnqueuedEvent(Q, "b", Priority.NORMAL),
                        new ExecutionEnqueuedEvent(Q, "c", Priority.HIGH),
                        new ExecutionEnqueuedEvent(Q, "d", Priority.HIGH))
                .when(new ReleaseExecutionSlotCommand(Q, "a", 1))
                .expectEvents(new ExecutionSlotReleasedEvent(Q, "a"), new ExecutionSlotGrantedEvent(Q, "c"));
    }

    @Test
    void releasingAWaitingExecutionDropsItFromTheLine() {
        fixture.given(
                        new ExecutionEnqueuedEvent(Q, "a", Priority.NORMAL),
                        new ExecutionSlotGrantedEvent(Q, "a"),
                        new ExecutionEnqueuedEvent(Q, "b", Priority.NORMAL))
                .when(new ReleaseExecutionSlotCommand(Q, "b", 1))
                .expectEvents(new ExecutionSlotReleasedEvent(Q, "b"));
    }

    @Test
    void releasingTwiceDoesNothingTheSecondTime() {
        fixture.given(
                        new ExecutionEnqueuedEvent(Q, "a", Priority.NORMAL),
                        new ExecutionSlotGrantedEvent(Q, "a"),
                        new ExecutionSlotReleasedEvent(Q, "a"))
                .when(new ReleaseExecutionSlotCommand(Q, "a", 1))
                .expectNoEvents();
    }

    @Test
    void enqueuingTheSameExecutionTwiceIsIgnored() {
        fixture.given(new ExecutionEnqueuedEvent(Q, "a", Priority.NORMAL), new ExecutionSlotGrantedEvent(Q, "a"))
                .when(new EnqueueExecutionCommand(Q, "a", Priority.NORMAL, 1))
                .expectNoEvents();
    }
}

package dev.sandpod.query.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.sandpod.api.error.ErrorCode;
import dev.sandpod.api.error.SandpodException;
import dev.sandpod.api.user.UserRole;
import dev.sandpod.api.web.Caller;
import dev.sandpod.projections.execution.ExecutionReadModel;
import java.time.Duration;
import java.util.Optional;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** Read-your-writes lookups of an execution the event store knows but the read model does not have yet. */
class ExecutionAccessTest {

    private static final String ID = "execution-1";
    private static final Caller OWNER = new Caller("user-1", "user", UserRole.USER, null, null);

    /**
     * A read model far behind (a host under SSE load, issue 20 item 6) is not the execution's absence (404) nor a
     * failure of the app (500): the client is told to retry (503), after the catch-up window.
     */
    @Test
    void aReadModelThatDoesNotCatchUpInTimeAnswersRetryLaterNotAServerError() {
        ExecutionReadModel readModel = mock(ExecutionReadModel.class);
        when(readModel.result(ID)).thenReturn(Optional.empty());
        EventStore events = mock(EventStore.class);
        when(events.lastSequenceNumberFor(ID)).thenReturn(Optional.of(0L));
        when(events.readEvents(eq(ID), anyLong()))
                .thenAnswer(call ->
                        DomainEventStream.of(new GenericDomainEventMessage<>("Execution", ID, 0, new Object())));
        ExecutionAccess access = new ExecutionAccess(readModel, events);

        StepVerifier.withVirtualTime(() -> access.load(ID, OWNER))
                .thenAwait(ExecutionAccess.CATCH_UP.plus(Duration.ofSeconds(1)))
                .expectErrorSatisfies(e -> assertThat(e)
                        .isInstanceOfSatisfying(
                                SandpodException.class,
                                s -> assertThat(s.code()).isEqualTo(ErrorCode.SERVICE_UNAVAILABLE)))
                .verify(Duration.ofSeconds(60));
    }
}

package dev.sandpod.query.execution;

import dev.sandpod.api.error.ErrorCode;
import dev.sandpod.api.error.SandpodException;
import dev.sandpod.api.execution.ExecutionDeletedEvent;
import dev.sandpod.api.execution.ExecutionPageView;
import dev.sandpod.api.execution.ExecutionResultView;
import dev.sandpod.api.execution.FindUserExecutionsQuery;
import dev.sandpod.api.web.Caller;
import dev.sandpod.projections.execution.ExecutionReadModel;
import java.time.Duration;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Loads an execution for a caller: 404 when there is none, 403 when it is someone else's.
 *
 * <p>Read-your-writes: a client that submits and at once opens the stream may be a few milliseconds ahead
 * of the read model. When the event store already knows the execution, the lookup waits for the read
 * model to catch up instead of answering a false 404 (unless its last event is the tombstone).
 */
@Component
public class ExecutionAccess {

    public static final Duration QUERY_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration CATCH_UP_POLL = Duration.ofMillis(25);
    /**
     * How long a lookup waits for the read model to catch up with an execution the event store knows. Then it answers
     * 503 (retry), not 404 (the execution exists) nor 500: 10 s (400 polls) ran out under SSE load on a busy host
     * (issue 20 item 6, bench/sse-load), and every stream opened on a ticker run then failed with a 500.
     */
    static final Duration CATCH_UP = Duration.ofSeconds(30);

    /** The aggregate type the command side's {@code Execution} aggregate stores its events under. */
    private static final String EXECUTION_AGGREGATE = "Execution";

    private final ExecutionReadModel readModel;
    private final EventStore events;

    ExecutionAccess(ExecutionReadModel readModel, EventStore events) {
        this.readModel = readModel;
        this.events = events;
    }

    public Mono<ExecutionResultView> load(String executionId, Caller caller) {
        return find(executionId)
                .switchIfEmpty(Mono.defer(() -> existsInEventStore(executionId)
                        .flatMap(exists -> exists
                                ? find(executionId)
                                        .repeatWhenEmpty(polls -> polls.delayElements(CATCH_UP_POLL))
                                        .timeout(
                                                CATCH_UP,
                                                Mono.error(new SandpodException(
                                                        ErrorCode.SERVICE_UNAVAILABLE,
                                                        "The execution is not readable yet (its read model is behind);"
                                                                + " retry shortly")))
                                : Mono.empty())))
                .switchIfEmpty(Mono.error(new SandpodException(ErrorCode.NOT_FOUND, "Execution not found")))
                .flatMap(view -> caller.mayAccess(view.userId())
                        ? Mono.just(view)
                        : Mono.error(
                                new SandpodException(ErrorCode.FORBIDDEN, "Not authorized to access this execution")));
    }

    /**
     * One page of a user's executions, newest first, from the read model itself: as {@link #find}, not over the query
     * bus (its message, handler lookup and interceptors around the same read in the same thread).
     */
    public Mono<ExecutionPageView> page(FindUserExecutionsQuery query) {
        return Mono.fromCallable(() -> readModel.page(query)).timeout(QUERY_TIMEOUT);
    }

    /**
     * The read model itself, not a {@code FindExecutionResultQuery} over the query bus: the bus ran the same read
     * in the calling thread, and its messages, handler lookup and interceptors were a fifth of a {@code GET .../result}
     * (issue 21, reads; bench/fastpath).
     */
    private Mono<ExecutionResultView> find(String executionId) {
        return Mono.fromCallable(() -> readModel.result(executionId).orElse(null))
                .timeout(QUERY_TIMEOUT);
    }

    private Mono<Boolean> existsInEventStore(String executionId) {
        return Mono.fromCallable(() -> events.lastSequenceNumberFor(executionId)
                        .map(last -> events.readEvents(executionId, last)
                                .asStream()
                                // ids of other aggregates (users, scripts, ...) share the store: not an execution
                                .allMatch(event -> EXECUTION_AGGREGATE.equals(event.getType())
                                        && !(event.getPayload() instanceof ExecutionDeletedEvent)))
                        .orElse(false))
                .subscribeOn(Schedulers.boundedElastic());
    }
}

package dev.sandpod.query.execution;

import dev.sandpod.api.error.ErrorCode;
import dev.sandpod.api.error.SandpodException;
import dev.sandpod.api.execution.ExecutionResultView;
import dev.sandpod.api.execution.FindExecutionResultQuery;
import dev.sandpod.api.web.Caller;
import java.time.Duration;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** Loads an execution for a caller: 404 when there is none, 403 when it is someone else's. */
@Component
class ExecutionAccess {

    static final Duration QUERY_TIMEOUT = Duration.ofSeconds(10);

    private final QueryGateway queries;

    ExecutionAccess(QueryGateway queries) {
        this.queries = queries;
    }

    Mono<ExecutionResultView> load(String executionId, Caller caller) {
        return Mono.fromFuture(() -> queries.query(new FindExecutionResultQuery(executionId), ExecutionResultView.class))
                .timeout(QUERY_TIMEOUT)
                .switchIfEmpty(Mono.error(new SandpodException(ErrorCode.NOT_FOUND, "Execution not found")))
                .flatMap(view -> caller.mayAccess(view.userId())
                        ? Mono.just(view)
                        : Mono.error(new SandpodException(ErrorCode.FORBIDDEN,
                                "Not authorized to access this execution")));
    }
}

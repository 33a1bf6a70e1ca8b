package dev.sandpod.query.execution;

import dev.sandpod.api.execution.ExecutionFrameView;
import dev.sandpod.api.execution.ExecutionPageView;
import dev.sandpod.api.execution.ExecutionResultView;
import dev.sandpod.api.execution.FindExecutionEventsQuery;
import dev.sandpod.api.execution.FindExecutionResultQuery;
import dev.sandpod.api.execution.FindUserExecutionsQuery;
import dev.sandpod.api.execution.StreamExecutionQuery;
import dev.sandpod.projections.execution.ExecutionReadModel;
import java.util.List;
import org.axonframework.queryhandling.QueryHandler;
import org.springframework.stereotype.Component;

@Component
class ExecutionQueryHandlers {

    private final ExecutionReadModel readModel;

    ExecutionQueryHandlers(ExecutionReadModel readModel) {
        this.readModel = readModel;
    }

    @QueryHandler
    ExecutionResultView handle(FindExecutionResultQuery query) {
        return readModel.result(query.executionId()).orElse(null);
    }

    @QueryHandler
    ExecutionPageView handle(FindUserExecutionsQuery query) {
        return readModel.page(query);
    }

    @QueryHandler
    List<ExecutionFrameView> handle(StreamExecutionQuery query) {
        return readModel.frames(query.executionId());
    }

    @QueryHandler
    List<ExecutionFrameView> handle(FindExecutionEventsQuery query) {
        return readModel.frames(query.executionId());
    }
}

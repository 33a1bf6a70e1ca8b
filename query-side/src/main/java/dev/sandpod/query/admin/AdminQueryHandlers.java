package dev.sandpod.query.admin;

import dev.sandpod.api.execution.ExecutionPageView;
import dev.sandpod.api.execution.FindExecutionsQuery;
import dev.sandpod.api.queue.FindQueueStatusQuery;
import dev.sandpod.api.queue.QueueStatusView;
import dev.sandpod.api.settings.FindSystemSettingsQuery;
import dev.sandpod.api.settings.SettingsIds;
import dev.sandpod.api.settings.SystemSettings;
import dev.sandpod.projections.execution.ExecutionReadModel;
import dev.sandpod.projections.queue.QueueProjection;
import dev.sandpod.projections.settings.SystemSettingsProjection;
import org.axonframework.queryhandling.QueryHandler;
import org.springframework.stereotype.Component;

@Component
class AdminQueryHandlers {

    private final SystemSettingsProjection settings;
    private final QueueProjection queue;
    private final ExecutionReadModel executions;

    AdminQueryHandlers(SystemSettingsProjection settings, QueueProjection queue, ExecutionReadModel executions) {
        this.settings = settings;
        this.queue = queue;
        this.executions = executions;
    }

    @QueryHandler
    SystemSettings handle(FindSystemSettingsQuery query) {
        return settings.current(SettingsIds.SYSTEM).orElse(SystemSettings.DEFAULTS);
    }

    @QueryHandler
    QueueStatusView handle(FindQueueStatusQuery query) {
        return queue.status();
    }

    @QueryHandler
    ExecutionPageView handle(FindExecutionsQuery query) {
        return executions.page(query);
    }
}

package dev.sandpod.projections.live;

import dev.sandpod.api.execution.ExecutionFrameView;
import dev.sandpod.api.execution.StreamExecutionQuery;
import dev.sandpod.api.notification.NotificationView;
import dev.sandpod.api.notification.StreamNotificationsQuery;
import org.axonframework.queryhandling.QueryUpdateEmitter;
import org.springframework.stereotype.Component;

/**
 * Live updates to the subscription queries open in this JVM, through Axon's {@link QueryUpdateEmitter}: inside a
 * unit of work the emitter holds them until it commits. The single-instance default, and the last hop of the
 * shared bus (which calls it on every instance for each update it receives).
 */
@Component
public class LocalLiveUpdates implements LiveUpdates {

    private final QueryUpdateEmitter emitter;

    public LocalLiveUpdates(QueryUpdateEmitter emitter) {
        this.emitter = emitter;
    }

    @Override
    public void executionFrame(ExecutionFrameView frame) {
        String executionId = frame.executionId();
        emitter.emit(StreamExecutionQuery.class, query -> query.executionId().equals(executionId), frame);
    }

    @Override
    public void notification(NotificationView notification) {
        String userId = notification.userId();
        emitter.emit(StreamNotificationsQuery.class, query -> query.userId().equals(userId), notification);
    }
}

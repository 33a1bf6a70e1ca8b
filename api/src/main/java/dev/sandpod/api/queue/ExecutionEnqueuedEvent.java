package dev.sandpod.api.queue;

import dev.sandpod.api.execution.Priority;
import java.time.Instant;
import org.axonframework.serialization.Revision;

/**
 * An execution waits in the queue. {@code queuedAt} is when the execution was queued, which decides its
 * place within its priority; null in events of revision 1, which did not record it.
 */
@Revision("2")
public record ExecutionEnqueuedEvent(String queueId, String executionId, Priority priority, Instant queuedAt) {}

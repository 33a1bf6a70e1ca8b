package dev.sandpod.command.queue;

import dev.sandpod.api.queue.ExecutionEnqueuedEvent;
import dev.sandpod.command.support.NullFieldUpcaster;
import org.springframework.stereotype.Component;

/**
 * {@link ExecutionEnqueuedEvent} revision 1 → 2: revision 2 records when the execution was queued; revision 1
 * did not, so it reads as null (the queue puts such runs first: they were queued before any with a time).
 */
@Component
class ExecutionEnqueuedEventUpcaster extends NullFieldUpcaster {

    ExecutionEnqueuedEventUpcaster() {
        super(ExecutionEnqueuedEvent.class, "1", "2", "queuedAt");
    }
}

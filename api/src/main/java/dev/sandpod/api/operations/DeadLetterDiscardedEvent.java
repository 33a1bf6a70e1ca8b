package dev.sandpod.api.operations;

/**
 * An admin removed an event from a processor's dead-letter queue without handling it: the record of what
 * was dropped and why (the dead letter itself is gone).
 */
public record DeadLetterDiscardedEvent(
        String deadLetterId,
        String processor,
        String eventId,
        String eventType,
        String aggregateId,
        String errorMessage,
        String reason,
        String discardedBy) {}

package dev.sandpod.api.operations;

/** An admin had a dead-lettered sequence handled again; {@code succeeded} says whether it went through. */
public record DeadLetterRetriedEvent(
        String deadLetterId,
        String processor,
        String eventId,
        String aggregateId,
        boolean succeeded,
        String retriedBy) {}

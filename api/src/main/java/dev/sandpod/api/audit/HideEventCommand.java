package dev.sandpod.api.audit;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Hides one stored event from the event browser. The event itself stays in the store (it is append-only);
 * the hide is an event of its own on the {@link AuditIds#hideOf hide aggregate} of that event.
 */
public record HideEventCommand(
        @TargetAggregateIdentifier String hideId, String eventId, String hiddenBy, String reason) {}

package dev.sandpod.api.audit;

import org.axonframework.serialization.Revision;

/** An admin hid a stored event from the event browser; the event stays in the store. */
@Revision("1")
public record EventHiddenEvent(String hideId, String eventId, String hiddenBy, String reason) {}

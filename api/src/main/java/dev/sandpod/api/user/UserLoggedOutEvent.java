package dev.sandpod.api.user;

import org.axonframework.serialization.Revision;

/** Session {@code sessionId} ended; its token stops working at once. Other sessions of the user stay open. */
@Revision("1")
public record UserLoggedOutEvent(String userId, String sessionId) {}

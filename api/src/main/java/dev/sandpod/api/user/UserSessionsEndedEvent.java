package dev.sandpod.api.user;

import org.axonframework.serialization.Revision;

/**
 * Every session of the account opened before now ends at once: tokens carry the version they were issued
 * under, and only {@code tokenVersion} is accepted from here on. {@code reason} is {@code password_changed},
 * {@code deactivated} or {@code role_changed}.
 */
@Revision("1")
public record UserSessionsEndedEvent(String userId, long tokenVersion, String reason) {}

package dev.sandpod.api.user;

import org.axonframework.serialization.Revision;

@Revision("1")
public record UserUnlockedEvent(String userId) {}

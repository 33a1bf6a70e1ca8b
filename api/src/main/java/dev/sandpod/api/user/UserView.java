package dev.sandpod.api.user;

import java.time.Instant;

public record UserView(
        String userId,
        String username,
        String email,
        UserRole role,
        boolean active,
        Instant createdAt,
        Instant updatedAt) {}

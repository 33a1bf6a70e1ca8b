package dev.sandpod.api.user;

import java.time.Instant;

/** The contract's {@code UserResponse} (the web edge writes it snake_case). */
public record UserResponse(
        String username,
        String email,
        String role,
        boolean isActive,
        String userId,
        boolean isSuperuser,
        Instant createdAt,
        Instant updatedAt,
        Boolean bypassRateLimit,
        Double globalMultiplier,
        Boolean hasCustomLimits) {

    public static UserResponse of(UserView user) {
        return new UserResponse(user.username(), user.email(), user.role().wireName(), user.active(), user.userId(),
                user.role() == UserRole.ADMIN, user.createdAt(), user.updatedAt(), false, 1.0, false);
    }
}

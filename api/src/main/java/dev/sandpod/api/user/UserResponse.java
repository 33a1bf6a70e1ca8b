package dev.sandpod.api.user;

import dev.sandpod.api.ratelimit.UserRateLimitsView;
import java.time.Instant;

/** The API's {@code UserResponse} (docs/api/openapi.json; the web edge writes it snake_case). */
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
        return of(user, null);
    }

    /** With the user's rate-limit overrides, when there are any. */
    public static UserResponse of(UserView user, UserRateLimitsView limits) {
        return new UserResponse(
                user.username(),
                user.email(),
                user.role().wireName(),
                user.active(),
                user.userId(),
                user.role() == UserRole.ADMIN,
                user.createdAt(),
                user.updatedAt(),
                limits != null && limits.bypassRateLimit(),
                limits == null ? 1.0 : limits.globalMultiplier(),
                limits != null && !limits.rules().isEmpty());
    }
}

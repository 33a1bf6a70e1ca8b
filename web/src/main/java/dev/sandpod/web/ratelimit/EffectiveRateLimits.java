package dev.sandpod.web.ratelimit;

import dev.sandpod.api.ratelimit.UserRateLimitsView;
import java.util.Optional;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The rate-limit overrides that apply to a user right now, as the front door applies them (the same copy,
 * replaced at once when an admin changes them on this instance), for answers that report them to the user.
 */
@Component
public class EffectiveRateLimits {

    private final UserOverrides overrides;

    EffectiveRateLimits(UserOverrides overrides) {
        this.overrides = overrides;
    }

    /** The user's overrides, or empty when an admin set none. */
    public Mono<Optional<UserRateLimitsView>> of(String userId) {
        return overrides.of(userId).map(effective -> Optional.ofNullable(effective.view()));
    }
}

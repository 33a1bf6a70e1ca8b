package dev.sandpod.query.ratelimit;

import dev.sandpod.api.ratelimit.FindUserRateLimitsQuery;
import dev.sandpod.api.ratelimit.UserRateLimitsView;
import dev.sandpod.projections.ratelimit.RateLimitOverridesProjection;
import org.axonframework.queryhandling.QueryHandler;
import org.springframework.stereotype.Component;

@Component
class RateLimitQueryHandlers {

    private final RateLimitOverridesProjection overrides;

    RateLimitQueryHandlers(RateLimitOverridesProjection overrides) {
        this.overrides = overrides;
    }

    @QueryHandler
    UserRateLimitsView handle(FindUserRateLimitsQuery query) {
        return overrides.of(query.userId()).orElse(null);
    }
}

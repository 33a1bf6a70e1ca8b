package dev.sandpod.web.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandpod.api.ratelimit.RateLimitAlgorithm;
import org.junit.jupiter.api.Test;

class InMemoryRateLimitStoreTest extends RateLimitStoreContract {

    private final InMemoryRateLimitStore store = new InMemoryRateLimitStore();

    @Override
    RateLimitStore store() {
        return store;
    }

    @Test
    void idleCountersAreSweptAway() {
        Limit limit = new Limit(RateLimitAlgorithm.SLIDING_WINDOW, 10, 60_000, 1);
        for (int i = 0; i < 1000; i++) {
            store.acquire("k" + i, limit, 0).block();
        }
        store.sweep(30_000);
        assertThat(store.size()).isEqualTo(1000);

        store.sweep(200_000);

        assertThat(store.size()).isZero();
    }
}

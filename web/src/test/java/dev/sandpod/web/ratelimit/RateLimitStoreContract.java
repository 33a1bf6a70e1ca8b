package dev.sandpod.web.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sandpod.api.ratelimit.RateLimitAlgorithm;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What every counter store must answer alike; run against memory and against a real Redis. */
abstract class RateLimitStoreContract {

    private static final long T0 = 1_800_000_000_000L;
    private static final Limit TEN_A_MINUTE = new Limit(RateLimitAlgorithm.SLIDING_WINDOW, 10, 60_000, 1.5);
    private static final Limit BUCKET = new Limit(RateLimitAlgorithm.TOKEN_BUCKET, 10, 60_000, 1.5);

    abstract RateLimitStore store();

    private static String key() {
        return "test:" + UUID.randomUUID();
    }

    private Decision acquire(String key, Limit limit, long at) {
        return store().acquire(key, limit, at).block();
    }

    @Test
    void aSlidingWindowLetsTheLimitThroughAndRefusesTheNext() {
        String key = key();
        for (int i = 1; i <= 10; i++) {
            Decision d = acquire(key, TEN_A_MINUTE, T0 + i);
            assertThat(d.allowed()).isTrue();
            assertThat(d.limit()).isEqualTo(10);
            assertThat(d.remaining()).isEqualTo(10 - i);
        }
        Decision refused = acquire(key, TEN_A_MINUTE, T0 + 20);

        assertThat(refused.allowed()).isFalse();
        assertThat(refused.remaining()).isZero();
        assertThat(refused.retryAfterMillis()).isBetween(59_000L, 61_000L);
        assertThat(refused.resetAtMillis()).isEqualTo(T0 + 20 + refused.retryAfterMillis());
    }

    @Test
    void aSlidingWindowFreesPlacesAsTheOldRequestsLeaveIt() {
        String key = key();
        for (int i = 0; i < 5; i++) {
            acquire(key, TEN_A_MINUTE, T0);
        }
        for (int i = 0; i < 5; i++) {
            acquire(key, TEN_A_MINUTE, T0 + 30_000);
        }
        assertThat(acquire(key, TEN_A_MINUTE, T0 + 45_000).allowed()).isFalse();

        Decision afterFirstHalf = acquire(key, TEN_A_MINUTE, T0 + 61_000);
        assertThat(afterFirstHalf.allowed()).isTrue();
        assertThat(afterFirstHalf.remaining()).isEqualTo(4);
    }

    @Test
    void aRefusedRequestIsNotCounted() {
        String key = key();
        Limit two = new Limit(RateLimitAlgorithm.SLIDING_WINDOW, 2, 60_000, 1);
        acquire(key, two, T0);
        acquire(key, two, T0);
        for (int i = 0; i < 50; i++) {
            assertThat(acquire(key, two, T0 + 1_000).allowed()).isFalse();
        }
        assertThat(acquire(key, two, T0 + 62_000).remaining()).isEqualTo(1);
    }

    @Test
    void aRaisedLimitCountsAtOnceWithTheRequestsAlreadyMade() {
        String key = key();
        for (int i = 0; i < 10; i++) {
            acquire(key, TEN_A_MINUTE, T0);
        }
        Limit hundred = new Limit(RateLimitAlgorithm.SLIDING_WINDOW, 100, 60_000, 1.5);

        Decision raised = acquire(key, hundred, T0 + 1);

        assertThat(raised.allowed()).isTrue();
        assertThat(raised.remaining()).isEqualTo(89);
    }

    @Test
    void peekingCountsNothing() {
        String key = key();
        acquire(key, TEN_A_MINUTE, T0);
        for (int i = 0; i < 20; i++) {
            assertThat(store().peek(key, TEN_A_MINUTE, T0 + 1).block().remaining())
                    .isEqualTo(9);
        }
        assertThat(store().peek(key(), TEN_A_MINUTE, T0).block().remaining()).isEqualTo(10);
    }

    @Test
    void aTokenBucketAllowsABurstThenRefillsAtTheRate() {
        String key = key();
        for (int i = 1; i <= 15; i++) {
            Decision d = acquire(key, BUCKET, T0);
            assertThat(d.allowed()).as("token %d of a 15-token bucket", i).isTrue();
            assertThat(d.remaining()).isEqualTo(15 - i);
        }
        Decision empty = acquire(key, BUCKET, T0);
        assertThat(empty.allowed()).isFalse();
        assertThat(empty.retryAfterMillis()).isBetween(5_900L, 6_100L);

        assertThat(acquire(key, BUCKET, T0 + 6_000).allowed()).isTrue();
        assertThat(acquire(key, BUCKET, T0 + 6_000).allowed()).isFalse();
        assertThat(acquire(key, BUCKET, T0 + 60_000).remaining()).isEqualTo(8);
    }

    @Test
    void concurrentRequestsNeverTakeMoreThanTheLimit() throws Exception {
        String key = key();
        Limit fifty = new Limit(RateLimitAlgorithm.SLIDING_WINDOW, 50, 60_000, 1);
        AtomicInteger allowed = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch done = new CountDownLatch(400);
        for (int i = 0; i < 400; i++) {
            pool.execute(() -> {
                if (acquire(key, fifty, T0 + 5).allowed()) {
                    allowed.incrementAndGet();
                }
                done.countDown();
            });
        }
        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        pool.shutdown();

        assertThat(allowed.get()).isEqualTo(50);
    }

    @Test
    void deletingAKeyStartsItAfresh() {
        String key = key();
        for (int i = 0; i < 10; i++) {
            acquire(key, TEN_A_MINUTE, T0);
        }
        store().delete(List.of(key, key())).block();

        assertThat(acquire(key, TEN_A_MINUTE, T0 + 1).remaining()).isEqualTo(9);
    }

    @Test
    void failuresAreCountedWithinTheirWindow() {
        String key = key();
        long now = System.currentTimeMillis();
        assertThat(store().recordFailure(key, Duration.ofMinutes(15), now).block())
                .isEqualTo(1);
        assertThat(store().recordFailure(key, Duration.ofMinutes(15), now).block())
                .isEqualTo(2);
        store().delete(List.of(key)).block();
        assertThat(store().recordFailure(key, Duration.ofMinutes(15), now).block())
                .isEqualTo(1);
    }

    @Test
    void aLockHoldsUntilItsEndOrItsDeletion() throws Exception {
        String key = key();
        long now = System.currentTimeMillis();
        Instant until = Instant.ofEpochMilli(now + 60_000);
        assertThat(store().lockedUntil(key, now).blockOptional()).isEmpty();

        store().lock(key, until, now).block();

        assertThat(store().lockedUntil(key, now).block()).isEqualTo(until);
        assertThat(store().lockedUntil(key, now + 60_001).blockOptional()).isEmpty();
        store().delete(List.of(key)).block();
        assertThat(store().lockedUntil(key, now).blockOptional()).isEmpty();

        String brief = key();
        store().lock(brief, Instant.ofEpochMilli(System.currentTimeMillis() + 300), System.currentTimeMillis())
                .block();
        // The store forgets a lock once it has run out (Redis by its key's expiry), not only answers "unlocked".
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> store().lockedUntil(brief, System.currentTimeMillis())
                        .blockOptional()
                        .isEmpty());
    }

    @Test
    void streamPlacesAreCappedAndGivenBackWhenAStreamEnds() {
        String key = key();
        long now = System.currentTimeMillis();
        Duration lease = Duration.ofMinutes(1);
        for (int i = 0; i < 3; i++) {
            assertThat(store().holdStream(key, "s" + i, 3, lease, now).block()).isTrue();
        }

        assertThat(store().holdStream(key, "s3", 3, lease, now).block()).isFalse();

        store().releaseStream(key, "s1").block();
        assertThat(store().holdStream(key, "s4", 3, lease, now).block()).isTrue();
        assertThat(store().holdStream(key, "s5", 3, lease, now).block()).isFalse();
    }

    @Test
    void aStreamPlaceNotRenewedComesBackAfterItsLeaseAndARenewedOneStays() {
        String key = key();
        long now = System.currentTimeMillis();
        Duration lease = Duration.ofSeconds(30);
        assertThat(store().holdStream(key, "kept", 2, lease, now).block()).isTrue();
        assertThat(store().holdStream(key, "of-a-dead-instance", 2, lease, now).block())
                .isTrue();
        assertThat(store().holdStream(key, "third", 2, lease, now + 20_000).block())
                .isFalse();

        store().renewStreams(key, List.of("kept"), lease, now + 20_000).block();

        // 31 s on: the unrenewed place has expired, the renewed one still counts
        assertThat(store().holdStream(key, "third", 2, lease, now + 31_000).block())
                .isTrue();
        assertThat(store().holdStream(key, "fourth", 2, lease, now + 31_000).block())
                .isFalse();
    }
}

package dev.sandpod.eventstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.axonframework.eventhandling.GlobalSequenceTrackingToken;
import org.axonframework.eventhandling.Segment;
import org.axonframework.eventhandling.tokenstore.UnableToClaimTokenException;
import org.axonframework.eventhandling.tokenstore.inmemory.InMemoryTokenStore;
import org.junit.jupiter.api.Test;

/**
 * An idle processor's coordinator asks for available segments every claim interval; once this instance holds all
 * of them, those questions must not reach the store (they were most of an idle instance's CPU), while any lost or
 * released claim, and the periodic full check, still do.
 */
class ClaimAwareTokenStoreTest {

    /** The store underneath, counting the questions that reach it. */
    static final class CountingStore extends InMemoryTokenStore {
        final AtomicInteger availabilityQueries = new AtomicInteger();
        volatile boolean refuseExtension;

        @Override
        public List<Segment> fetchAvailableSegments(String processorName) {
            availabilityQueries.incrementAndGet();
            return super.fetchAvailableSegments(processorName);
        }

        @Override
        public void extendClaim(String processorName, int segment) {
            if (refuseExtension) {
                throw new UnableToClaimTokenException("claimed by another instance");
            }
            super.extendClaim(processorName, segment);
        }
    }

    private final CountingStore store = new CountingStore();
    private final MutableClock clock = new MutableClock();
    private final ClaimAwareTokenStore tokens = new ClaimAwareTokenStore(store, clock);

    @Test
    void anIdleProcessorHoldingEverySegmentAsksTheStoreNothingUntilTheFullCheck() {
        tokens.initializeTokenSegments("p", 2, new GlobalSequenceTrackingToken(0));
        assertThat(tokens.fetchAvailableSegments("p")).hasSize(2);
        tokens.fetchToken("p", 0);
        tokens.fetchToken("p", 1);
        int before = store.availabilityQueries.get();

        for (int second = 0; second < 9; second++) { // the coordinator's idle claim checks, one a second
            clock.advance(1000);
            assertThat(tokens.fetchAvailableSegments("p")).isEmpty();
        }
        assertThat(store.availabilityQueries.get()).isEqualTo(before);

        clock.advance(1000); // FULL_CHECK after the last real one
        tokens.fetchAvailableSegments("p");
        assertThat(store.availabilityQueries.get()).isEqualTo(before + 1);
    }

    @Test
    void aReleasedClaimSendsTheNextQuestionToTheStore() {
        tokens.initializeTokenSegments("p", 2, new GlobalSequenceTrackingToken(0));
        tokens.fetchAvailableSegments("p");
        tokens.fetchToken("p", 0);
        tokens.fetchToken("p", 1);
        tokens.releaseClaim("p", 1);
        int before = store.availabilityQueries.get();

        assertThat(tokens.fetchAvailableSegments("p"))
                .extracting(Segment::getSegmentId)
                .contains(1);
        assertThat(store.availabilityQueries.get()).isEqualTo(before + 1);
    }

    @Test
    void aLostClaimSendsTheNextQuestionToTheStore() {
        tokens.initializeTokenSegments("p", 2, new GlobalSequenceTrackingToken(0));
        tokens.fetchAvailableSegments("p");
        tokens.fetchToken("p", 0);
        tokens.fetchToken("p", 1);
        store.refuseExtension = true;
        assertThatThrownBy(() -> tokens.extendClaim("p", 0)).isInstanceOf(UnableToClaimTokenException.class);
        int before = store.availabilityQueries.get();

        tokens.fetchAvailableSegments("p");
        assertThat(store.availabilityQueries.get()).isEqualTo(before + 1);
    }

    @Test
    void anInstanceHoldingOnlySomeSegmentsAsksEveryTime() {
        tokens.initializeTokenSegments("p", 2, new GlobalSequenceTrackingToken(0));
        tokens.fetchAvailableSegments("p");
        tokens.fetchToken("p", 0); // segment 1 is another instance's
        int before = store.availabilityQueries.get();

        tokens.fetchAvailableSegments("p");
        tokens.fetchAvailableSegments("p");
        assertThat(store.availabilityQueries.get()).isEqualTo(before + 2);
    }

    static final class MutableClock extends Clock {
        private volatile long millis = 1_000_000;

        void advance(long by) {
            millis += by;
        }

        @Override
        public long millis() {
            return millis;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}

package dev.sandpod.eventstore;

import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.axonframework.eventhandling.Segment;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventhandling.tokenstore.UnableToClaimTokenException;
import org.axonframework.eventhandling.tokenstore.UnableToInitializeTokenException;
import org.axonframework.eventhandling.tokenstore.UnableToRetrieveIdentifierException;

/**
 * The token store, minus the idle claim checks that cannot find anything. A pooled streaming processor's
 * coordinator asks for available segments every {@code sandpod.axon.token-claim-interval} (1 s), two store
 * queries each time, for each of the ~14 processors: at rest that was 28 queries a second against the store and
 * most of an idle instance's CPU. When this instance holds every segment the processor had at the last real
 * check, no segment can be available to it, so the answer is "none" without a query; the store is still asked at
 * least every {@link #FULL_CHECK} (segments split or merged elsewhere, a claim lost without this instance
 * noticing). Any claim released, lost or changed here forgets what was held, so the next question goes to the
 * store. An instance that does not hold every segment (several instances) asks the store every time, as before.
 */
final class ClaimAwareTokenStore implements TokenStore {

    /** The longest an "everything is held here" answer is given without asking the store. */
    static final Duration FULL_CHECK = Duration.ofSeconds(10);

    private record Known(Set<Integer> segments, long checkedAt) {}

    private final TokenStore delegate;
    private final Clock clock;
    /** Segments this instance claimed through this store, per processor. */
    private final Map<String, Set<Integer>> held = new ConcurrentHashMap<>();
    /** The processor's segments at the last real check. */
    private final Map<String, Known> known = new ConcurrentHashMap<>();

    ClaimAwareTokenStore(TokenStore delegate, Clock clock) {
        this.delegate = delegate;
        this.clock = clock;
    }

    @Override
    public List<Segment> fetchAvailableSegments(String processorName) {
        Known last = known.get(processorName);
        Set<Integer> mine = held.get(processorName);
        if (last != null
                && mine != null
                && clock.millis() - last.checkedAt() < FULL_CHECK.toMillis()
                && mine.containsAll(last.segments())) {
            return List.of();
        }
        long now = clock.millis();
        int[] segments = delegate.fetchSegments(processorName);
        List<Segment> available = delegate.fetchAvailableSegments(processorName);
        known.put(
                processorName,
                new Known(Set.copyOf(Arrays.stream(segments).boxed().toList()), now));
        return available;
    }

    @Override
    public int[] fetchSegments(String processorName) {
        return delegate.fetchSegments(processorName);
    }

    @Override
    public TrackingToken fetchToken(String processorName, int segment) {
        try {
            TrackingToken token = delegate.fetchToken(processorName, segment);
            claimed(processorName, segment);
            return token;
        } catch (RuntimeException e) {
            forget(processorName, segment);
            throw e;
        }
    }

    @Override
    public TrackingToken fetchToken(String processorName, Segment segment) {
        try {
            TrackingToken token = delegate.fetchToken(processorName, segment);
            claimed(processorName, segment.getSegmentId());
            return token;
        } catch (RuntimeException e) {
            forget(processorName, segment.getSegmentId());
            throw e;
        }
    }

    @Override
    public void storeToken(TrackingToken token, String processorName, int segment) {
        try {
            delegate.storeToken(token, processorName, segment);
        } catch (RuntimeException e) {
            forget(processorName, segment);
            throw e;
        }
    }

    @Override
    public void extendClaim(String processorName, int segment) {
        try {
            delegate.extendClaim(processorName, segment);
        } catch (RuntimeException e) {
            forget(processorName, segment);
            throw e;
        }
    }

    @Override
    public void releaseClaim(String processorName, int segment) {
        forget(processorName, segment);
        delegate.releaseClaim(processorName, segment);
    }

    @Override
    public void initializeTokenSegments(String processorName, int segmentCount) throws UnableToClaimTokenException {
        known.remove(processorName);
        delegate.initializeTokenSegments(processorName, segmentCount);
    }

    @Override
    public void initializeTokenSegments(String processorName, int segmentCount, TrackingToken initialToken)
            throws UnableToClaimTokenException {
        known.remove(processorName);
        delegate.initializeTokenSegments(processorName, segmentCount, initialToken);
    }

    @Override
    public void initializeSegment(TrackingToken token, String processorName, int segment)
            throws UnableToInitializeTokenException {
        known.remove(processorName);
        delegate.initializeSegment(token, processorName, segment);
    }

    @Override
    public void deleteToken(String processorName, int segment) throws UnableToClaimTokenException {
        forget(processorName, segment);
        known.remove(processorName);
        delegate.deleteToken(processorName, segment);
    }

    @Override
    public boolean requiresExplicitSegmentInitialization() {
        return delegate.requiresExplicitSegmentInitialization();
    }

    @Override
    public Optional<String> retrieveStorageIdentifier() throws UnableToRetrieveIdentifierException {
        return delegate.retrieveStorageIdentifier();
    }

    private void claimed(String processorName, int segment) {
        held.computeIfAbsent(processorName, k -> ConcurrentHashMap.newKeySet()).add(segment);
    }

    private void forget(String processorName, int segment) {
        Set<Integer> mine = held.get(processorName);
        if (mine != null) {
            mine.remove(segment);
        }
    }
}

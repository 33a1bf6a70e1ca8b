package dev.sandpod.web.support;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/**
 * Waits (briefly) until a read model shows a change just made, so that the admin who made it — and the
 * front door, which checks sessions against the users read model — see it on their very next request.
 * Read models follow the event store by milliseconds; past the limit the answer goes out anyway.
 */
public final class ReadYourWrites {

    private static final Duration POLL = Duration.ofMillis(25);
    private static final int MAX_POLLS = 200;

    private ReadYourWrites() {}

    /** Completes when {@code read} yields a value that passes {@code done}, or empty after about 5 s. */
    public static <T> Mono<Boolean> await(Supplier<Mono<T>> read, Predicate<T> done) {
        return Mono.defer(read)
                .map(done::test)
                .defaultIfEmpty(done.test(null))
                .filter(Boolean::booleanValue)
                .repeatWhenEmpty(MAX_POLLS, polls -> polls.delayElements(POLL))
                .onErrorResume(IllegalStateException.class, e -> Mono.just(false));
    }
}

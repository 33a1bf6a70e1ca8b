package dev.sandpod.app.journey;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;

/** Instants for tests that restore or look up state "as it was at" a moment between two actions. */
final class Moments {

    private static final Duration GAP = Duration.ofMillis(10);

    private Moments() {}

    /**
     * An instant after everything the caller did before and before everything it does after: a little later than
     * now, returned once the clock (the one the server stamps its events with: same machine) has passed it by as
     * much again.
     */
    static Instant between() {
        Instant chosen = Instant.now().plus(GAP);
        Instant past = chosen.plus(GAP);
        await().pollInterval(Duration.ofMillis(2))
                .atMost(Duration.ofSeconds(5))
                .until(() -> Instant.now().isAfter(past));
        return chosen;
    }
}

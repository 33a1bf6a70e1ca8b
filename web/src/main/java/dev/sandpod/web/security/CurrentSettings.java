package dev.sandpod.web.security;

import dev.sandpod.api.settings.FindSystemSettingsQuery;
import dev.sandpod.api.settings.SystemSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.axonframework.queryhandling.QueryGateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The system settings the front door needs on every request (session timeout, lockout thresholds). Read
 * at most every {@link #REFRESH}, so an admin's change counts on every instance within that time (an admin's
 * change must count within 5 s); a failed read keeps the last known values.
 */
@Component
public class CurrentSettings {

    static final Duration REFRESH = Duration.ofSeconds(2);
    private static final Logger log = LoggerFactory.getLogger(CurrentSettings.class);
    private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(5);

    private record Snapshot(SystemSettings settings, long readAt) {}

    private final QueryGateway queries;
    private final Clock clock = Clock.systemUTC();
    private final AtomicReference<Snapshot> last = new AtomicReference<>();
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private final AtomicReference<Mono<SystemSettings>> reading = new AtomicReference<>();

    CurrentSettings(QueryGateway queries) {
        this.queries = queries;
    }

    /** Fresh settings: waits for a read when the copy is older than {@link #REFRESH}. */
    public Mono<SystemSettings> get() {
        Snapshot snapshot = last.get();
        if (snapshot != null && clock.millis() - snapshot.readAt() < REFRESH.toMillis()) {
            return Mono.just(snapshot.settings());
        }
        // each request goes on on a thread of its own (the shared answer would run them one after another)
        return shared().publishOn(Schedulers.boundedElastic()).onErrorResume(e -> {
            log.warn("Could not read the system settings; using the last known ones", e);
            return Mono.just(snapshot == null ? SystemSettings.DEFAULTS : snapshot.settings());
        });
    }

    /**
     * The read under way, or a new one: the requests that find the copy stale meanwhile share it instead of each
     * sending its own query (every connection of a busy client found it stale in the same millisecond; issue 21,
     * reads).
     */
    private Mono<SystemSettings> shared() {
        Mono<SystemSettings> current = reading.get();
        if (current != null) {
            return current;
        }
        AtomicReference<Mono<SystemSettings>> self = new AtomicReference<>();
        self.set(read().doOnTerminate(() -> reading.compareAndSet(self.get(), null))
                .doOnCancel(() -> reading.compareAndSet(self.get(), null))
                .cache());
        return reading.compareAndSet(null, self.get()) ? self.get() : shared();
    }

    /** Right now, never waiting: the last copy (defaults before the first read), refreshed in the background. */
    public SystemSettings now() {
        Snapshot snapshot = last.get();
        if ((snapshot == null || clock.millis() - snapshot.readAt() >= REFRESH.toMillis())
                && refreshing.compareAndSet(false, true)) {
            read().doFinally(s -> refreshing.set(false)).subscribe(x -> {}, e -> {});
        }
        return snapshot == null ? SystemSettings.DEFAULTS : snapshot.settings();
    }

    private Mono<SystemSettings> read() {
        return Mono.fromFuture(() -> queries.query(new FindSystemSettingsQuery(), SystemSettings.class))
                .subscribeOn(Schedulers.boundedElastic())
                .timeout(QUERY_TIMEOUT)
                .defaultIfEmpty(SystemSettings.DEFAULTS)
                .doOnNext(settings -> last.set(new Snapshot(settings, clock.millis())));
    }
}

package dev.sandpod.web.dlq;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.sandpod.api.error.ErrorCode;
import dev.sandpod.api.error.SandpodException;
import dev.sandpod.api.operations.DeadLetterDiscardedEvent;
import dev.sandpod.api.operations.DeadLetterRetriedEvent;
import dev.sandpod.api.web.Caller;
import dev.sandpod.query.operations.DeadLetters;
import dev.sandpod.query.operations.DeadLetters.DeadLetterView;
import dev.sandpod.query.operations.DeadLetters.RetryOutcome;
import dev.sandpod.query.operations.DeadLetters.Stats;
import dev.sandpod.web.apidocs.Addition;
import dev.sandpod.web.support.Origin;
import dev.sandpod.web.support.QueryParameters;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.gateway.EventGateway;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The dead letters of the projections, admins only: list (by processor, event type, age), inspect (payload,
 * error, attempts), retry one (its whole aggregate's parked sequence, in order) or all, discard one with a
 * reason, stats. Retries and discards are recorded as events ({@link DeadLetterRetriedEvent},
 * {@link DeadLetterDiscardedEvent}) with who did it, so the event store keeps the audit trail.
 */
@RestController
@Tag(name = "Admin: operations")
class DeadLetterController {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final int MAX_REASON = 1000;

    private final DeadLetters letters;
    private final EventGateway events;
    private final Clock clock = Clock.systemUTC();

    DeadLetterController(DeadLetters letters, EventGateway events) {
        this.letters = letters;
        this.events = events;
    }

    record DeadLetterListResponse(List<DeadLetterView> messages, int total, int limit, int offset, boolean hasMore) {}

    record RetryResponse(int retried, int succeeded, int failed, List<RetryOutcome> outcomes) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record DiscardRequest(String reason) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record RetryAllRequest(String processor) {}

    record DiscardResponse(String id, boolean discarded, String reason, DeadLetterView message) {}

    @Addition
    @GetMapping({"/api/v1/dlq/messages", "/api/v1/dlq/messages/"})
    Mono<DeadLetterListResponse> list(
            @RequestParam(required = false) String processor,
            @RequestParam(name = "event_type", required = false) String eventType,
            @RequestParam(name = "min_age_seconds", required = false) String minAge,
            @RequestParam(name = "max_age_seconds", required = false) String maxAge,
            @RequestParam(required = false, defaultValue = "100") String limit,
            @RequestParam(required = false, defaultValue = "0") String offset,
            Caller caller) {
        requireAdmin(caller);
        int parsedLimit = QueryParameters.integer("limit", limit, 1, 1000);
        int parsedOffset = QueryParameters.integer("offset", offset, 0, Integer.MAX_VALUE);
        Instant now = clock.instant();
        Instant before = minAge == null
                ? null
                : now.minusSeconds(QueryParameters.integer("min_age_seconds", minAge, 0, Integer.MAX_VALUE));
        Instant after = maxAge == null
                ? null
                : now.minusSeconds(QueryParameters.integer("max_age_seconds", maxAge, 0, Integer.MAX_VALUE));
        String onlyProcessor = QueryParameters.optional(processor);
        var filter = new DeadLetters.Filter(onlyProcessor, QueryParameters.optional(eventType), before, after);
        return blocking(() -> {
            if (onlyProcessor != null && !letters.processors().contains(onlyProcessor)) {
                throw QueryParameters.invalid(
                        "processor", "processor should be one of " + String.join(", ", letters.processors()));
            }
            List<DeadLetterView> all = letters.list(filter);
            int from = Math.min(parsedOffset, all.size());
            int to = Math.min(all.size(), from + parsedLimit);
            return new DeadLetterListResponse(
                    all.subList(from, to), all.size(), parsedLimit, parsedOffset, to < all.size());
        });
    }

    @Addition
    @GetMapping({"/api/v1/dlq/messages/{id}", "/api/v1/dlq/messages/{id}/"})
    Mono<DeadLetterView> get(@PathVariable String id, Caller caller) {
        requireAdmin(caller);
        return blocking(() -> letters.get(id));
    }

    @Addition
    @GetMapping({"/api/v1/dlq/stats", "/api/v1/dlq/stats/"})
    Mono<Stats> stats(Caller caller) {
        requireAdmin(caller);
        return blocking(letters::stats);
    }

    @Addition
    @PostMapping({"/api/v1/dlq/messages/{id}/retry", "/api/v1/dlq/messages/{id}/retry/"})
    Mono<RetryResponse> retry(@PathVariable String id, Caller caller, ServerHttpRequest http) {
        requireAdmin(caller);
        return blocking(() -> {
            DeadLetterView letter = letters.get(id);
            RetryOutcome outcome = letters.retry(id);
            record(letter, outcome.succeeded(), caller, http);
            return new RetryResponse(1, outcome.succeeded() ? 1 : 0, outcome.succeeded() ? 0 : 1, List.of(outcome));
        });
    }

    @Addition
    @PostMapping({"/api/v1/dlq/retry", "/api/v1/dlq/retry/", "/api/v1/dlq/messages/retry"})
    Mono<RetryResponse> retryAll(
            @RequestBody(required = false) RetryAllRequest request, Caller caller, ServerHttpRequest http) {
        requireAdmin(caller);
        String processor = request == null ? null : QueryParameters.optional(request.processor());
        return blocking(() -> {
            List<RetryOutcome> outcomes = letters.retryAll(processor);
            for (RetryOutcome outcome : outcomes) {
                events.publish(GenericEventMessage.asEventMessage(new DeadLetterRetriedEvent(
                                outcome.id(),
                                outcome.processor(),
                                outcome.id().substring(outcome.processor().length() + 1),
                                null,
                                outcome.succeeded(),
                                caller.userId()))
                        .andMetaData(Origin.of(caller, http)));
            }
            int succeeded =
                    (int) outcomes.stream().filter(RetryOutcome::succeeded).count();
            return new RetryResponse(outcomes.size(), succeeded, outcomes.size() - succeeded, outcomes);
        });
    }

    @Addition
    @PostMapping({"/api/v1/dlq/messages/{id}/discard", "/api/v1/dlq/messages/{id}/discard/"})
    Mono<DiscardResponse> discard(
            @PathVariable String id,
            @RequestBody(required = false) DiscardRequest request,
            Caller caller,
            ServerHttpRequest http) {
        requireAdmin(caller);
        return discard(id, request == null ? null : request.reason(), caller, http);
    }

    @Addition
    @DeleteMapping({"/api/v1/dlq/messages/{id}", "/api/v1/dlq/messages/{id}/"})
    Mono<DiscardResponse> delete(
            @PathVariable String id,
            @RequestParam(required = false) String reason,
            Caller caller,
            ServerHttpRequest http) {
        requireAdmin(caller);
        return discard(id, reason, caller, http);
    }

    private Mono<DiscardResponse> discard(String id, String reason, Caller caller, ServerHttpRequest http) {
        String why = reason == null ? "" : reason.strip();
        if (why.isEmpty() || why.length() > MAX_REASON || why.chars().anyMatch(Character::isISOControl)) {
            throw QueryParameters.invalid(
                    "reason",
                    "A reason of 1 to " + MAX_REASON + " characters without control characters is required to discard");
        }
        return blocking(() -> {
            DeadLetterView gone = letters.discard(id);
            events.publish(GenericEventMessage.asEventMessage(new DeadLetterDiscardedEvent(
                            gone.id(),
                            gone.processor(),
                            gone.eventId(),
                            gone.eventType(),
                            gone.aggregateId(),
                            gone.errorMessage(),
                            why,
                            caller.userId()))
                    .andMetaData(Origin.of(caller, http)));
            return new DiscardResponse(id, true, why, gone);
        });
    }

    private void record(DeadLetterView letter, boolean succeeded, Caller caller, ServerHttpRequest http) {
        events.publish(GenericEventMessage.asEventMessage(new DeadLetterRetriedEvent(
                        letter.id(),
                        letter.processor(),
                        letter.eventId(),
                        letter.aggregateId(),
                        succeeded,
                        caller.userId()))
                .andMetaData(Origin.of(caller, http)));
    }

    private static <T> Mono<T> blocking(Callable<T> work) {
        return Mono.fromCallable(work).subscribeOn(Schedulers.boundedElastic()).timeout(TIMEOUT);
    }

    private static void requireAdmin(Caller caller) {
        if (!caller.isAdmin()) {
            throw new SandpodException(ErrorCode.ADMIN_REQUIRED, "Admin access required");
        }
    }
}

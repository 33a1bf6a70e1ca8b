package dev.sandpod.web.audit;

import dev.sandpod.api.error.ErrorCode;
import dev.sandpod.api.error.SandpodException;
import dev.sandpod.api.web.Caller;
import dev.sandpod.query.audit.AggregateAudit;
import dev.sandpod.query.audit.AuditedAggregate;
import dev.sandpod.web.apidocs.Addition;
import dev.sandpod.web.support.QueryParameters;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * One aggregate's audit: its complete event stream (paged) and its state at an instant, read from the
 * event store itself. Admins see any aggregate, users the ones they own (403 otherwise, 404 when unknown).
 */
@RestController
@Tag(name = "Audit", description = "An aggregate's history and its state at an instant (an addition)")
@RequestMapping("/api/v1/audit/aggregates/{type}/{id}")
class AuditController {

    private final AggregateAudit audit;

    AuditController(AggregateAudit audit) {
        this.audit = audit;
    }

    @Addition
    @GetMapping("/events")
    Mono<AggregateAudit.EventPage> events(
            @PathVariable String type,
            @PathVariable String id,
            @RequestParam(required = false, defaultValue = "0") String skip,
            @RequestParam(required = false, defaultValue = "100") String limit,
            Caller caller) {
        AuditedAggregate kind = kind(type);
        int parsedSkip = QueryParameters.integer("skip", skip, 0, Integer.MAX_VALUE);
        int parsedLimit = QueryParameters.integer("limit", limit, 1, 1000);
        return Mono.fromCallable(() -> audit.events(kind, id, caller, parsedSkip, parsedLimit))
                .subscribeOn(Schedulers.boundedElastic());
    }

    @Addition
    @GetMapping("/state")
    Mono<AggregateAudit.StateAt> state(
            @PathVariable String type,
            @PathVariable String id,
            @RequestParam(required = false) String at,
            Caller caller) {
        AuditedAggregate kind = kind(type);
        Instant parsedAt = QueryParameters.optional(at) == null ? Instant.now() : QueryParameters.instant("at", at);
        return Mono.fromCallable(() -> audit.stateAt(kind, id, parsedAt, caller))
                .subscribeOn(Schedulers.boundedElastic());
    }

    private static AuditedAggregate kind(String type) {
        AuditedAggregate kind = AuditedAggregate.of(type);
        if (kind == null) {
            throw new SandpodException(
                    ErrorCode.NOT_FOUND,
                    "Unknown aggregate type '" + type + "'; one of " + AuditedAggregate.wireNames());
        }
        return kind;
    }
}

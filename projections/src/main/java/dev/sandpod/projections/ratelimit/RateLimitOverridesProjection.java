package dev.sandpod.projections.ratelimit;

import dev.sandpod.api.ratelimit.RateLimitRule;
import dev.sandpod.api.ratelimit.UserRateLimitsResetEvent;
import dev.sandpod.api.ratelimit.UserRateLimitsSetEvent;
import dev.sandpod.api.ratelimit.UserRateLimitsView;
import dev.sandpod.projections.ReadModelReset;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.ResetHandler;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.mapping.Document;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;

/**
 * Each user's rate-limit overrides, one document per user, gone after a reset. A document is
 * written only by a newer version than it holds, so a replay or a redelivery never brings back an old one.
 */
@Component
@ProcessingGroup(RateLimitOverridesProjection.PROCESSING_GROUP)
public class RateLimitOverridesProjection {

    static final String PROCESSING_GROUP = "rate-limit-overrides";

    private final MongoTemplate mongo;

    RateLimitOverridesProjection(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    @Document("rate_limit_overrides")
    static class OverridesDocument {
        @Id
        String userId;

        boolean bypassRateLimit;
        double globalMultiplier;
        List<RateLimitRule> rules;
        String notes;
        Instant createdAt;
        Instant updatedAt;
        long version;
        boolean present;

        UserRateLimitsView toView() {
            return new UserRateLimitsView(
                    userId,
                    bypassRateLimit,
                    globalMultiplier,
                    rules == null ? List.of() : rules,
                    notes,
                    createdAt,
                    updatedAt,
                    version);
        }
    }

    @EventHandler
    void on(UserRateLimitsSetEvent event, EventMessage<?> message) {
        OverridesDocument doc = mongo.findById(event.userId(), OverridesDocument.class);
        if (doc != null && doc.version >= event.version()) {
            return;
        }
        OverridesDocument next = new OverridesDocument();
        next.userId = event.userId();
        next.bypassRateLimit = event.bypassRateLimit();
        next.globalMultiplier = event.globalMultiplier();
        next.rules = event.rules();
        next.notes = event.notes();
        next.createdAt = doc != null && doc.present && doc.createdAt != null ? doc.createdAt : message.getTimestamp();
        next.updatedAt = message.getTimestamp();
        next.version = event.version();
        next.present = true;
        mongo.save(next);
    }

    /** Kept as a marker of the version, so that a late older "set" cannot revive the overrides. */
    @EventHandler
    void on(UserRateLimitsResetEvent event, EventMessage<?> message) {
        OverridesDocument doc = mongo.findById(event.userId(), OverridesDocument.class);
        if (doc != null && doc.version >= event.version()) {
            return;
        }
        OverridesDocument next = new OverridesDocument();
        next.userId = event.userId();
        next.updatedAt = message.getTimestamp();
        next.version = event.version();
        next.present = false;
        mongo.save(next);
    }

    @ResetHandler
    void reset() {
        ReadModelReset.dropAndReindex(mongo, OverridesDocument.class);
    }

    /** The user's overrides, or empty when there are none. */
    public Optional<UserRateLimitsView> of(String userId) {
        return Optional.ofNullable(mongo.findOne(
                        Query.query(
                                Criteria.where("_id").is(userId).and("present").is(true)),
                        OverridesDocument.class))
                .map(OverridesDocument::toView);
    }

    /** The current version, present or reset; 0 when nothing was ever set. */
    public long versionOf(String userId) {
        OverridesDocument doc = mongo.findById(userId, OverridesDocument.class);
        return doc == null ? 0 : doc.version;
    }
}

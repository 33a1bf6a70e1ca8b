package dev.sandpod.query.replay;

import java.util.ArrayList;
import java.util.List;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.query.Criteria;

/** Which stored events a replay session selects, in which order, and where each one goes. */
final class ReplaySelection {

    private ReplaySelection() {}

    static String topicFor(ReplaySessionDocument config, String type) {
        if (config.targetTopics != null) {
            for (ReplaySessionDocument.TopicRoute route : config.targetTopics) {
                if (route.eventType().equals(type)) {
                    return route.topic();
                }
            }
            for (ReplaySessionDocument.TopicRoute route : config.targetTopics) {
                if (route.eventType().equals("*")) {
                    return route.topic();
                }
            }
        }
        return ReplaySessions.DEFAULT_TOPIC;
    }

    /** Oldest first; within one millisecond by sequence number, then id. */
    static final Sort ORDER = Sort.by(Sort.Order.asc("timestamp"), Sort.Order.asc("sequence"), Sort.Order.asc("_id"));

    static Criteria criteria(ReplaySessionDocument c) {
        Criteria criteria = Criteria.where("hidden").is(false);
        if (c.eventTypes != null && !c.eventTypes.isEmpty()) {
            criteria.and("type").in(c.eventTypes);
            if (c.excludeEventTypes != null && !c.excludeEventTypes.isEmpty()) {
                criteria = new Criteria()
                        .andOperator(criteria, Criteria.where("type").nin(c.excludeEventTypes));
            }
        } else if (c.excludeEventTypes != null && !c.excludeEventTypes.isEmpty()) {
            criteria.and("type").nin(c.excludeEventTypes);
        }
        List<Criteria> more = new ArrayList<>();
        if (c.eventIds != null && !c.eventIds.isEmpty()) {
            more.add(Criteria.where("_id").in(c.eventIds));
        }
        if (c.executionId != null) {
            more.add(Criteria.where("aggregateId")
                    .is(c.executionId)
                    .and("aggregateType")
                    .is("Execution"));
        }
        if (c.aggregateId != null) {
            more.add(Criteria.where("aggregateId").is(c.aggregateId));
        }
        if (c.userId != null) {
            more.add(Criteria.where("ownerId").is(c.userId));
        }
        if (c.startTime != null || c.endTime != null) {
            Criteria time = Criteria.where("timestamp");
            if (c.startTime != null) {
                time.gte(c.startTime);
            }
            if (c.endTime != null) {
                time.lte(c.endTime);
            }
            more.add(time);
        }
        if (more.isEmpty()) {
            return criteria;
        }
        more.add(0, criteria);
        return new Criteria().andOperator(more.toArray(Criteria[]::new));
    }
}

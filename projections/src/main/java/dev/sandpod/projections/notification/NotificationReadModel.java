package dev.sandpod.projections.notification;

import dev.sandpod.api.notification.ChannelSubscriptionView;
import dev.sandpod.api.notification.FindNotificationsQuery;
import dev.sandpod.api.notification.NotificationChannel;
import dev.sandpod.api.notification.NotificationPageView;
import dev.sandpod.api.notification.NotificationSeverity;
import dev.sandpod.api.notification.NotificationStatus;
import dev.sandpod.api.notification.NotificationSubscriptionsView;
import dev.sandpod.api.notification.NotificationView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;

/** Read access to notifications and subscriptions for the query side; views, never documents. */
@Component
public class NotificationReadModel {

    private final MongoTemplate mongo;

    NotificationReadModel(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    public Optional<NotificationView> byId(String notificationId) {
        return Optional.ofNullable(mongo.findById(notificationId, NotificationDocument.class))
                .map(NotificationDocument::toView);
    }

    /** Newest first; the unread count is over all of the user's notifications, not just the page. */
    public NotificationPageView page(FindNotificationsQuery q) {
        List<Criteria> and = new ArrayList<>();
        and.add(Criteria.where("userId").is(q.userId()));
        if (q.status() != null) {
            and.add(Criteria.where("status").is(q.status()));
        }
        if (q.includeTags() != null && !q.includeTags().isEmpty()) {
            and.add(Criteria.where("tags").in(q.includeTags()));
        }
        if (q.excludeTags() != null && !q.excludeTags().isEmpty()) {
            and.add(Criteria.where("tags").nin(q.excludeTags()));
        }
        if (q.tagPrefix() != null && !q.tagPrefix().isEmpty()) {
            and.add(Criteria.where("tags").regex("^" + Pattern.quote(q.tagPrefix())));
        }
        Query query = Query.query(new Criteria().andOperator(and.toArray(Criteria[]::new)));
        long total = mongo.count(query, NotificationDocument.class);
        query.with(Sort.by(Sort.Order.desc("createdAt"), Sort.Order.desc("_id")))
                .skip(q.offset())
                .limit(q.limit());
        List<NotificationView> items = mongo.find(query, NotificationDocument.class).stream()
                .map(NotificationDocument::toView)
                .toList();
        return new NotificationPageView(items, total, unreadCount(q.userId()));
    }

    /** Not read yet; skipped (throttled) ones never reached the user and do not count. */
    public long unreadCount(String userId) {
        return mongo.count(unread(userId), NotificationDocument.class);
    }

    public List<String> unreadIds(String userId) {
        Query query = unread(userId);
        query.fields().include("_id");
        return mongo.find(query, NotificationDocument.class).stream()
                .map(d -> d.notificationId)
                .toList();
    }

    /** For the throttle: how many the user got of that severity since then (skipped ones excluded). */
    public long countSince(String userId, NotificationSeverity severity, Instant since) {
        return mongo.count(
                Query.query(Criteria.where("userId")
                        .is(userId)
                        .and("severity")
                        .is(severity)
                        .and("createdAt")
                        .gte(since)
                        .and("status")
                        .ne(NotificationStatus.SKIPPED)),
                NotificationDocument.class);
    }

    /**
     * One entry per channel: the stored subscription, or the defaults marked as not explicit. One read by the
     * channels' ids (an {@code _id} lookup) rather than one per channel: the notification policy asks for each
     * run that ends (issue 21, store commands per run).
     */
    public NotificationSubscriptionsView subscriptions(String userId) {
        List<String> ids = new ArrayList<>();
        for (NotificationChannel channel : NotificationChannel.values()) {
            ids.add(SubscriptionDocument.idOf(userId, channel));
        }
        Map<String, SubscriptionDocument> stored = new HashMap<>();
        for (SubscriptionDocument doc :
                mongo.find(Query.query(Criteria.where("_id").in(ids)), SubscriptionDocument.class)) {
            stored.put(doc.id, doc);
        }
        List<ChannelSubscriptionView> views = new ArrayList<>();
        for (NotificationChannel channel : NotificationChannel.values()) {
            SubscriptionDocument doc = stored.get(SubscriptionDocument.idOf(userId, channel));
            views.add(
                    doc == null
                            ? new ChannelSubscriptionView(
                                    channel,
                                    dev.sandpod.api.notification.ChannelSubscription.defaults(channel),
                                    false,
                                    null,
                                    null,
                                    -1)
                            : doc.toView());
        }
        return new NotificationSubscriptionsView(userId, views);
    }

    /**
     * What the user's notification stream sent after that notification, oldest first: in-app, delivered, stored
     * (in the event store) at or after it. One stored in the same millisecond before it may come again; a client
     * recognises it by its id. Empty when the notification is unknown or another user's.
     */
    public List<NotificationView> deliveredAfter(String userId, String notificationId, int limit) {
        NotificationDocument seen = mongo.findById(notificationId, NotificationDocument.class);
        if (seen == null || !userId.equals(seen.userId)) {
            return List.of();
        }
        Criteria criteria = Criteria.where("userId")
                .is(userId)
                .and("channel")
                .is(NotificationChannel.IN_APP)
                .and("status")
                .is(NotificationStatus.DELIVERED)
                .and("_id")
                .ne(notificationId);
        // documents stored before storedAt existed: by their creation time
        String order = seen.storedAt != null ? "storedAt" : "createdAt";
        Instant from = seen.storedAt != null ? seen.storedAt : seen.createdAt;
        criteria = seen.storedAt != null
                ? criteria.and(order).gte(from)
                : criteria.and(order).gt(from);
        Query query = Query.query(criteria)
                .with(Sort.by(Sort.Order.asc(order), Sort.Order.asc("_id")))
                .limit(limit);
        return mongo.find(query, NotificationDocument.class).stream()
                .map(NotificationDocument::toView)
                .toList();
    }

    private static Query unread(String userId) {
        return Query.query(Criteria.where("userId")
                .is(userId)
                .and("readAt")
                .is(null)
                .and("status")
                .ne(NotificationStatus.SKIPPED));
    }
}

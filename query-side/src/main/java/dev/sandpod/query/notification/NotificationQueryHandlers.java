package dev.sandpod.query.notification;

import dev.sandpod.api.notification.BroadcastAudience;
import dev.sandpod.api.notification.CountRecentNotificationsQuery;
import dev.sandpod.api.notification.CountUnreadNotificationsQuery;
import dev.sandpod.api.notification.FindNotificationQuery;
import dev.sandpod.api.notification.FindNotificationRecipientsQuery;
import dev.sandpod.api.notification.FindNotificationSubscriptionsQuery;
import dev.sandpod.api.notification.FindNotificationsAfterQuery;
import dev.sandpod.api.notification.FindNotificationsQuery;
import dev.sandpod.api.notification.FindUnreadNotificationIdsQuery;
import dev.sandpod.api.notification.NotificationIdsView;
import dev.sandpod.api.notification.NotificationPageView;
import dev.sandpod.api.notification.NotificationRecipientsView;
import dev.sandpod.api.notification.NotificationSubscriptionsView;
import dev.sandpod.api.notification.NotificationView;
import dev.sandpod.api.notification.StreamNotificationsQuery;
import dev.sandpod.api.user.UserRole;
import dev.sandpod.projections.notification.NotificationReadModel;
import dev.sandpod.projections.user.UserDocument;
import org.axonframework.queryhandling.QueryHandler;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;

@Component
class NotificationQueryHandlers {

    private final NotificationReadModel readModel;
    private final MongoTemplate mongo;

    NotificationQueryHandlers(NotificationReadModel readModel, MongoTemplate mongo) {
        this.readModel = readModel;
        this.mongo = mongo;
    }

    @QueryHandler
    NotificationPageView handle(FindNotificationsQuery query) {
        return readModel.page(query);
    }

    @QueryHandler
    NotificationView handle(FindNotificationQuery query) {
        return readModel.byId(query.notificationId()).orElse(null);
    }

    @QueryHandler
    Long handle(CountUnreadNotificationsQuery query) {
        return readModel.unreadCount(query.userId());
    }

    @QueryHandler
    NotificationIdsView handle(FindUnreadNotificationIdsQuery query) {
        return new NotificationIdsView(readModel.unreadIds(query.userId()));
    }

    @QueryHandler
    Long handle(CountRecentNotificationsQuery query) {
        return readModel.countSince(query.userId(), query.severity(), query.since());
    }

    @QueryHandler
    NotificationSubscriptionsView handle(FindNotificationSubscriptionsQuery query) {
        return readModel.subscriptions(query.userId());
    }

    /** What a resuming notification stream missed ({@code Last-Event-ID}). */
    @QueryHandler
    NotificationPageView handle(FindNotificationsAfterQuery query) {
        var missed = readModel.deliveredAfter(query.userId(), query.notificationId(), query.limit());
        return new NotificationPageView(missed, missed.size(), readModel.unreadCount(query.userId()));
    }

    /** The initial result of the live stream: the unread count when it opened. */
    @QueryHandler
    Long handle(StreamNotificationsQuery query) {
        return readModel.unreadCount(query.userId());
    }

    /** Active users from the users read model; admins only for an admin broadcast. */
    @QueryHandler
    NotificationRecipientsView handle(FindNotificationRecipientsQuery query) {
        Criteria criteria = Criteria.where("active").is(true).and("deleted").ne(true);
        if (query.audience() == BroadcastAudience.ADMINS) {
            criteria = criteria.and("role").is(UserRole.ADMIN);
        }
        Query users = Query.query(criteria);
        users.fields().include("_id");
        return new NotificationRecipientsView(mongo.find(users, UserDocument.class).stream()
                .map(user -> user.userId)
                .toList());
    }
}

package dev.sandpod.projections.user;

import dev.sandpod.api.user.UserDeletedEvent;
import dev.sandpod.api.user.UserDetailsChangedEvent;
import dev.sandpod.api.user.UserLockedOutEvent;
import dev.sandpod.api.user.UserLoggedInEvent;
import dev.sandpod.api.user.UserLoggedOutEvent;
import dev.sandpod.api.user.UserPasswordChangedEvent;
import dev.sandpod.api.user.UserRegisteredEvent;
import dev.sandpod.api.user.UserSessionsEndedEvent;
import dev.sandpod.api.user.UserUnlockedEvent;
import dev.sandpod.projections.ReadModelReset;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.ResetHandler;
import org.bson.Document;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;

/** Users as admins and {@code /auth/me} see them, plus the ended sessions. Upserts, so replays are safe. */
@Component
@ProcessingGroup(UserProjection.PROCESSING_GROUP)
class UserProjection {

    static final String PROCESSING_GROUP = "users";
    static final String REVOKED_SESSIONS = "revoked_sessions";

    private final MongoTemplate mongo;

    UserProjection(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    @EventHandler
    void on(UserRegisteredEvent event, EventMessage<?> message) {
        UserDocument doc = new UserDocument();
        doc.userId = event.userId();
        doc.username = event.username();
        doc.email = event.email();
        doc.role = event.role();
        doc.active = event.active();
        doc.createdAt = message.getTimestamp();
        doc.updatedAt = message.getTimestamp();
        mongo.save(doc);
    }

    @EventHandler
    void on(UserLoggedInEvent event, EventMessage<?> message) {
        mongo.updateFirst(
                Query.query(Criteria.where("_id").is(event.userId())),
                Update.update("lastLoginAt", message.getTimestamp()),
                UserDocument.class);
    }

    @EventHandler
    void on(UserLoggedOutEvent event, EventMessage<?> message) {
        mongo.save(
                new Document("_id", event.sessionId())
                        .append("userId", event.userId())
                        .append("revokedAt", java.util.Date.from(message.getTimestamp())),
                REVOKED_SESSIONS);
    }

    @EventHandler
    void on(UserDetailsChangedEvent event, EventMessage<?> message) {
        mongo.updateFirst(
                byId(event.userId()),
                new Update()
                        .set("username", event.username())
                        .set("email", event.email())
                        .set("role", event.role())
                        .set("active", event.active())
                        .set("updatedAt", message.getTimestamp()),
                UserDocument.class);
    }

    @EventHandler
    void on(UserPasswordChangedEvent event, EventMessage<?> message) {
        mongo.updateFirst(byId(event.userId()), Update.update("updatedAt", message.getTimestamp()), UserDocument.class);
    }

    /** Versions only grow: a replayed older event never lowers the stored one. */
    @EventHandler
    void on(UserSessionsEndedEvent event) {
        mongo.updateFirst(
                Query.query(Criteria.where("_id")
                        .is(event.userId())
                        .and("tokenVersion")
                        .lt(event.tokenVersion())),
                Update.update("tokenVersion", event.tokenVersion()),
                UserDocument.class);
    }

    @EventHandler
    void on(UserLockedOutEvent event) {
        mongo.updateFirst(byId(event.userId()), Update.update("lockedUntil", event.lockedUntil()), UserDocument.class);
    }

    @EventHandler
    void on(UserUnlockedEvent event) {
        mongo.updateFirst(byId(event.userId()), new Update().unset("lockedUntil"), UserDocument.class);
    }

    @EventHandler
    void on(UserDeletedEvent event, EventMessage<?> message) {
        mongo.updateFirst(
                byId(event.userId()),
                new Update().set("deleted", true).set("active", false).set("updatedAt", message.getTimestamp()),
                UserDocument.class);
    }

    private static Query byId(String userId) {
        return Query.query(Criteria.where("_id").is(userId));
    }

    @ResetHandler
    void reset() {
        ReadModelReset.dropAndReindex(mongo, UserDocument.class);
        mongo.dropCollection(REVOKED_SESSIONS);
    }
}

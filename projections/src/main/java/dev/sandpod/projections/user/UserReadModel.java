package dev.sandpod.projections.user;

import dev.sandpod.api.user.UserView;
import java.util.Optional;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;

@Component
public class UserReadModel {

    private final MongoTemplate mongo;

    UserReadModel(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    public Optional<UserView> byId(String userId) {
        return Optional.ofNullable(mongo.findById(userId, UserDocument.class)).map(UserDocument::toView);
    }

    public Optional<UserView> byUsername(String username) {
        return Optional.ofNullable(mongo.findOne(Query.query(Criteria.where("username").is(username)),
                UserDocument.class)).map(UserDocument::toView);
    }

    public boolean isSessionRevoked(String sessionId) {
        return mongo.exists(Query.query(Criteria.where("_id").is(sessionId)), UserProjection.REVOKED_SESSIONS);
    }
}

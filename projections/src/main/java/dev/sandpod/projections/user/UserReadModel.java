package dev.sandpod.projections.user;

import dev.sandpod.api.user.FindUsersQuery;
import dev.sandpod.api.user.SessionStateView;
import dev.sandpod.api.user.UserPageView;
import dev.sandpod.api.user.UserView;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.data.domain.Sort;
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
        return Optional.ofNullable(mongo.findById(userId, UserDocument.class))
                .filter(d -> !d.deleted)
                .map(UserDocument::toView);
    }

    public Optional<UserView> byUsername(String username) {
        return Optional.ofNullable(mongo.findOne(
                        Query.query(Criteria.where("username")
                                .is(username)
                                .and("deleted")
                                .ne(true)),
                        UserDocument.class))
                .map(UserDocument::toView);
    }

    public boolean isSessionRevoked(String sessionId) {
        return mongo.exists(Query.query(Criteria.where("_id").is(sessionId)), UserProjection.REVOKED_SESSIONS);
    }

    /**
     * The account as a session token is checked against it; empty when the account is not projected (yet). A
     * deleted account is inactive.
     */
    public Optional<SessionStateView> sessionState(String userId, String sessionId) {
        UserDocument doc = mongo.findById(userId, UserDocument.class);
        if (doc == null) {
            return Optional.empty();
        }
        boolean revoked = sessionId != null && isSessionRevoked(sessionId);
        return Optional.of(new SessionStateView(
                doc.userId, doc.username, doc.role, doc.active && !doc.deleted, doc.tokenVersion, revoked));
    }

    /** Users sorted by name; {@code search} is literal text, never a pattern of the caller's. */
    public UserPageView page(FindUsersQuery query) {
        List<Criteria> filters = new ArrayList<>();
        filters.add(Criteria.where("deleted").ne(true));
        if (query.search() != null && !query.search().isBlank()) {
            String literal = Pattern.quote(query.search().trim());
            filters.add(new Criteria()
                    .orOperator(
                            Criteria.where("username").regex(literal, "i"),
                            Criteria.where("email").regex(literal, "i")));
        }
        if (query.role() != null) {
            filters.add(Criteria.where("role").is(query.role()));
        }
        Query find = Query.query(new Criteria().andOperator(filters));
        long total = mongo.count(find, UserDocument.class);
        find.with(Sort.by("username")).skip(query.offset()).limit(query.limit());
        List<UserView> users = mongo.find(find, UserDocument.class).stream()
                .map(UserDocument::toView)
                .toList();
        return new UserPageView(users, total, query.offset(), query.limit());
    }
}

package dev.sandpod.command.user;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import java.util.Locale;
import java.util.Optional;
import org.bson.Document;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;

/**
 * The command side's set-validation table for usernames and emails (case-insensitive). A name is claimed by
 * inserting its key as {@code _id}: the insert is atomic, so two concurrent registrations of one name cannot
 * both win — which a query on a projection could not promise.
 */
@Component
public class UserDirectory {

    static final String COLLECTION = "user_directory";

    private final MongoTemplate mongo;

    UserDirectory(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    /** @return false when the name is taken already */
    boolean claimUsername(String username, String userId) {
        return claim(usernameKey(username), userId);
    }

    boolean claimEmail(String email, String userId) {
        return claim(emailKey(email), userId);
    }

    void releaseUsername(String username) {
        mongo.remove(Query.query(Criteria.where("_id").is(usernameKey(username))), COLLECTION);
    }

    void releaseEmail(String email) {
        mongo.remove(Query.query(Criteria.where("_id").is(emailKey(email))), COLLECTION);
    }

    public Optional<String> userIdOf(String username) {
        Document doc =
                mongo.findOne(Query.query(Criteria.where("_id").is(usernameKey(username))), Document.class, COLLECTION);
        return Optional.ofNullable(doc).map(d -> d.getString("userId"));
    }

    private boolean claim(String key, String userId) {
        try {
            mongo.getCollection(COLLECTION).insertOne(new Document("_id", key).append("userId", userId));
            return true;
        } catch (MongoWriteException e) {
            if (e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY) {
                // the holder may be this very user (a name whose case alone changes)
                return userId.equals(holderOf(key));
            }
            throw e;
        }
    }

    private String holderOf(String key) {
        Document doc = mongo.findOne(Query.query(Criteria.where("_id").is(key)), Document.class, COLLECTION);
        return doc == null ? null : doc.getString("userId");
    }

    /** Releases the email only while it is still held by {@code userId} (a failed rename must not free another's). */
    void releaseEmailOf(String email, String userId) {
        mongo.remove(
                Query.query(
                        Criteria.where("_id").is(emailKey(email)).and("userId").is(userId)),
                COLLECTION);
    }

    void releaseUsernameOf(String username, String userId) {
        mongo.remove(
                Query.query(Criteria.where("_id")
                        .is(usernameKey(username))
                        .and("userId")
                        .is(userId)),
                COLLECTION);
    }

    static boolean sameUsername(String a, String b) {
        return usernameKey(a).equals(usernameKey(b));
    }

    static boolean sameEmail(String a, String b) {
        return emailKey(a).equals(emailKey(b));
    }

    private static String usernameKey(String username) {
        return "username:" + username.toLowerCase(Locale.ROOT);
    }

    private static String emailKey(String email) {
        return "email:" + email.toLowerCase(Locale.ROOT);
    }
}

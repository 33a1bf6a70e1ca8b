package dev.sandpod.command.user;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import dev.sandpod.api.user.AccessTokenScope;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.bson.Document;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.stereotype.Component;

/**
 * Personal access tokens as the front door checks them: one document per live token in the shared store
 * ({@code access_tokens}, keyed by token id) holding only the SHA-256 of its secret. Written by the
 * {@link UserAccount} aggregate under its lock, next to the events that record the creation and the
 * revocation; a revoked token's document is deleted, so every instance refuses it from the next request on.
 *
 * <p>A token reads {@code sp_<token id>.<secret>}: the id finds the document, the secret (256 random bits)
 * is hashed and compared in constant time. The id alone grants nothing.
 */
@Component
public class AccessTokens {

    static final String COLLECTION = "access_tokens";
    static final String PREFIX = "sp_";
    /** Live tokens an account may hold at once. */
    public static final int MAX_PER_USER = 50;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final MongoTemplate mongo;

    AccessTokens(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    /** A token as listed to its owner and as checked at the front door. */
    public record Grant(
            String tokenId,
            String userId,
            String name,
            List<AccessTokenScope> scopes,
            Instant createdAt,
            Instant expiresAt) {

        public boolean expiredAt(Instant now) {
            return expiresAt != null && !expiresAt.isAfter(now);
        }
    }

    /** A freshly minted token: the secret the caller is shown once, and what is stored of it. */
    public record Minted(String tokenId, String token, String secretHash) {}

    public static Minted mint() {
        String tokenId = UUID.randomUUID().toString();
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String token =
                PREFIX + tokenId + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        return new Minted(tokenId, token, hash(token));
    }

    /** The hex SHA-256 of a whole token string. */
    public static String hash(String token) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The live token this string stands for, read from the shared store on every call (no cache, so a
     * revocation holds at once on every instance); empty for a malformed, unknown, revoked or wrong one.
     * Expiry is for the caller to judge (it answers an expired token differently). Blocking.
     */
    public Optional<Grant> verify(String token) {
        if (token == null || !token.startsWith(PREFIX) || token.length() > 200) {
            return Optional.empty();
        }
        int dot = token.indexOf('.');
        if (dot < 0) {
            return Optional.empty();
        }
        String tokenId = token.substring(PREFIX.length(), dot);
        Document doc =
                mongo.getCollection(COLLECTION).find(Filters.eq("_id", tokenId)).first();
        if (doc == null) {
            return Optional.empty();
        }
        byte[] stored = doc.getString("hash").getBytes(StandardCharsets.US_ASCII);
        byte[] given = hash(token).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(stored, given) ? Optional.of(grantOf(doc)) : Optional.empty();
    }

    /** The account's live tokens, oldest first (no secrets, no hashes). */
    public List<Grant> of(String userId) {
        List<Grant> grants = new ArrayList<>();
        mongo.getCollection(COLLECTION)
                .find(Filters.eq("userId", userId))
                .sort(Sorts.ascending("createdAt"))
                .forEach(doc -> grants.add(grantOf(doc)));
        return grants;
    }

    void save(
            String tokenId, String userId, String name, List<AccessTokenScope> scopes, Instant expiresAt, String hash) {
        mongo.getCollection(COLLECTION)
                .insertOne(new Document("_id", tokenId)
                        .append("userId", userId)
                        .append("hash", hash)
                        .append("name", name)
                        .append(
                                "scopes",
                                scopes.stream().map(AccessTokenScope::wireName).toList())
                        .append("createdAt", new Date())
                        .append("expiresAt", expiresAt == null ? null : Date.from(expiresAt)));
    }

    void revoke(String userId, String tokenId) {
        mongo.getCollection(COLLECTION)
                .deleteOne(Filters.and(Filters.eq("_id", tokenId), Filters.eq("userId", userId)));
    }

    void revokeAllOf(String userId) {
        mongo.getCollection(COLLECTION).deleteMany(Filters.eq("userId", userId));
    }

    private static Grant grantOf(Document doc) {
        Date expires = doc.getDate("expiresAt");
        Date created = doc.getDate("createdAt");
        return new Grant(
                doc.getString("_id"),
                doc.getString("userId"),
                doc.getString("name"),
                doc.getList("scopes", String.class, List.of()).stream()
                        .flatMap(s -> AccessTokenScope.fromWire(s).stream())
                        .toList(),
                created == null ? null : created.toInstant(),
                expires == null ? null : expires.toInstant());
    }
}

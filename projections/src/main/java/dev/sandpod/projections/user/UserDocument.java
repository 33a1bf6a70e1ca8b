package dev.sandpod.projections.user;

import dev.sandpod.api.user.UserRole;
import dev.sandpod.api.user.UserView;
import java.time.Instant;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.index.Indexed;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * The user read model. Indexed by username for the lookups by name; not unique here: the command side's
 * lookup table enforces uniqueness, and a projection must never reject an event.
 */
@Document(UserDocument.COLLECTION)
public class UserDocument {

    public static final String COLLECTION = "users";

    @Id
    public String userId;

    @Indexed(name = "username")
    public String username;

    public String email;
    public UserRole role;
    public boolean active;
    public Instant createdAt;
    public Instant updatedAt;
    public Instant lastLoginAt;
    public long tokenVersion;
    public Instant lockedUntil;
    /** Kept as a tombstone: the front door must tell "deleted" from "not projected yet". */
    public boolean deleted;

    UserView toView() {
        return new UserView(userId, username, email, role, active, createdAt, updatedAt);
    }
}

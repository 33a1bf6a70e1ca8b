package dev.sandpod.web.security;

import dev.sandpod.api.settings.SystemSettings;
import dev.sandpod.web.ratelimit.RateLimitStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Login lockout: {@code max_login_attempts} failures for a username lock it for
 * {@code lockout_duration_minutes}; while locked even the right password gets 423; a success clears the
 * count; an admin can unlock. Counted per username (known or not, so that 423 says nothing about whether
 * an account exists), in the rate limiter's store, so every instance sees the same counts.
 */
@Component
public class LoginLockout {

    private final RateLimitStore store;
    private final CurrentSettings settings;
    private final String prefix;
    private final Clock clock;

    @Autowired
    LoginLockout(
            RateLimitStore store,
            CurrentSettings settings,
            @Value("${sandpod.rate-limit.key-prefix:sandpod:}") String prefix) {
        this(store, settings, prefix, Clock.systemUTC());
    }

    LoginLockout(RateLimitStore store, CurrentSettings settings, String prefix, Clock clock) {
        this.store = store;
        this.settings = settings;
        this.prefix = prefix;
        this.clock = clock;
    }

    /** When the lock on this username ends; empty when it is not locked. */
    public Mono<Instant> lockedUntil(String username) {
        return store.lockedUntil(lockKey(username), clock.millis());
    }

    /** Counts a failure; answers the end of the lock when this failure locked the username. */
    public Mono<Instant> recordFailure(String username) {
        return settings.get().flatMap(current -> {
            Duration lockout = Duration.ofMinutes(current.lockoutDurationMinutes());
            long now = clock.millis();
            return store.recordFailure(failuresKey(username), lockout, now).flatMap(failures -> {
                if (failures < threshold(current)) {
                    return Mono.empty();
                }
                Instant until = Instant.ofEpochMilli(now).plus(lockout);
                return store.lock(lockKey(username), until, now)
                        .then(store.delete(List.of(failuresKey(username))))
                        .thenReturn(until);
            });
        });
    }

    public Mono<Integer> threshold() {
        return settings.get().map(LoginLockout::threshold);
    }

    /** A successful login or an admin's unlock: no lock, no failures counted. */
    public Mono<Void> clear(String username) {
        return store.delete(List.of(failuresKey(username), lockKey(username)));
    }

    private static int threshold(SystemSettings settings) {
        return Math.max(1, settings.maxLoginAttempts());
    }

    private String failuresKey(String username) {
        return prefix + "login-failures:" + normalize(username);
    }

    private String lockKey(String username) {
        return prefix + "login-lock:" + normalize(username);
    }

    /** Case-insensitive like usernames; long input is hashed so a key never grows with what a client sends. */
    static String normalize(String username) {
        String lower = username == null ? "" : username.toLowerCase(Locale.ROOT);
        if (lower.length() <= 64 && lower.chars().allMatch(c -> c > 32 && c < 127)) {
            return lower;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(lower.getBytes(StandardCharsets.UTF_8));
            return "sha256-" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

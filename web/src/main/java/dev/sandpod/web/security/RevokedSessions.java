package dev.sandpod.web.security;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Sessions logged out on this instance: they count at once, before the users read model has the logout
 * (which is how a logout on another instance arrives, through {@code FindSessionStateQuery}).
 */
@Component
public class RevokedSessions {

    private final Set<String> local = ConcurrentHashMap.newKeySet();

    public void revoke(String sessionId) {
        local.add(sessionId);
    }

    boolean isRevokedHere(String sessionId) {
        return local.contains(sessionId);
    }
}

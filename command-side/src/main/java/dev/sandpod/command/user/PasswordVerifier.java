package dev.sandpod.command.user;

import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;

/**
 * Checks a password against the stored hash. An unknown user is checked against a dummy hash so that a
 * wrong username and a wrong password take the same time.
 */
@Component
public class PasswordVerifier {

    private final CredentialStore credentials;
    private final PasswordEncoder encoder;
    private final String dummyHash;

    PasswordVerifier(CredentialStore credentials, PasswordEncoder encoder) {
        this.credentials = credentials;
        this.encoder = encoder;
        this.dummyHash = encoder.encode("not-a-password-of-anyone");
    }

    public boolean matches(String userId, String password) {
        String hash = userId == null ? null : credentials.hashOf(userId).orElse(null);
        boolean matches = encoder.matches(password == null ? "" : password, hash == null ? dummyHash : hash);
        return hash != null && matches;
    }

    /** Burns the time of one hash check for a login whose username is unknown. */
    public void matchNobody(String password) {
        encoder.matches(password == null ? "" : password, dummyHash);
    }
}

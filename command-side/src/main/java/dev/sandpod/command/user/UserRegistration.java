package dev.sandpod.command.user;

import dev.sandpod.api.error.ErrorCode;
import dev.sandpod.api.error.SandpodException;
import dev.sandpod.api.user.RegisterUserCommand;
import dev.sandpod.api.user.UserRole;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;

/**
 * Registers an account: claim the username and email, store the hash, then create the aggregate. Each
 * step is undone when a later one fails, so a failed registration leaves no claim behind.
 */
@Service
public class UserRegistration {

    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);

    private final UserDirectory directory;
    private final CredentialStore credentials;
    private final PasswordEncoder encoder;
    private final CommandGateway commands;

    UserRegistration(
            UserDirectory directory, CredentialStore credentials, PasswordEncoder encoder, CommandGateway commands) {
        this.directory = directory;
        this.credentials = credentials;
        this.encoder = encoder;
        this.commands = commands;
    }

    public String register(String username, String email, String password, UserRole role) {
        return register(username, email, password, role, true);
    }

    /** Blocking (Mongo and the command bus): call it off the event loop. */
    public String register(String username, String email, String password, UserRole role, boolean active) {
        String userId = UUID.randomUUID().toString();
        if (!directory.claimUsername(username, userId)) {
            throw new SandpodException(ErrorCode.CONFLICT, "Username already registered");
        }
        if (!directory.claimEmail(email, userId)) {
            directory.releaseUsername(username);
            throw new SandpodException(ErrorCode.CONFLICT, "Email already registered");
        }
        try {
            credentials.save(userId, encoder.encode(password));
            commands.sendAndWait(
                    new RegisterUserCommand(userId, username, email, role, active),
                    COMMAND_TIMEOUT.toMillis(),
                    TimeUnit.MILLISECONDS);
            return userId;
        } catch (RuntimeException e) {
            credentials.delete(userId);
            directory.releaseEmail(email);
            directory.releaseUsername(username);
            throw e;
        }
    }

    public boolean exists(String username) {
        return directory.userIdOf(username).isPresent();
    }
}

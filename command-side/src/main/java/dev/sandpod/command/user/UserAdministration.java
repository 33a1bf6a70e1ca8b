package dev.sandpod.command.user;

import dev.sandpod.api.error.ErrorCode;
import dev.sandpod.api.error.SandpodException;
import dev.sandpod.api.user.ChangeUserDetailsCommand;
import dev.sandpod.api.user.UserDetailsChange;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.stereotype.Service;

/**
 * Changes an account's details, keeping the username/email table right: a new name is claimed before the
 * command and the old one released after it; a failed command releases the new claim again.
 */
@Service
public class UserAdministration {

    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);

    private final UserDirectory directory;
    private final CommandGateway commands;

    UserAdministration(UserDirectory directory, CommandGateway commands) {
        this.directory = directory;
        this.commands = commands;
    }

    /** Blocking: call it off the event loop. */
    public UserDetailsChange change(
            String currentUsername, String currentEmail, CommandMessage<ChangeUserDetailsCommand> message) {
        ChangeUserDetailsCommand command = message.getPayload();
        String userId = command.userId();
        boolean newName = !UserDirectory.sameUsername(currentUsername, command.username());
        boolean newEmail = !UserDirectory.sameEmail(currentEmail, command.email());
        if (newName && !directory.claimUsername(command.username(), userId)) {
            throw new SandpodException(ErrorCode.CONFLICT, "Username already registered");
        }
        if (newEmail && !directory.claimEmail(command.email(), userId)) {
            if (newName) {
                directory.releaseUsernameOf(command.username(), userId);
            }
            throw new SandpodException(ErrorCode.CONFLICT, "Email already registered");
        }
        UserDetailsChange change;
        try {
            change = commands.sendAndWait(message, COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            if (newName) {
                directory.releaseUsernameOf(command.username(), userId);
            }
            if (newEmail) {
                directory.releaseEmailOf(command.email(), userId);
            }
            throw e;
        }
        if (change != null && !UserDirectory.sameUsername(change.previousUsername(), command.username())) {
            directory.releaseUsernameOf(change.previousUsername(), userId);
        }
        if (change != null && !UserDirectory.sameEmail(change.previousEmail(), command.email())) {
            directory.releaseEmailOf(change.previousEmail(), userId);
        }
        return change;
    }
}

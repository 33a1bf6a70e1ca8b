package dev.sandpod.web.adminusers;

import dev.sandpod.web.security.LoginLockout;
import dev.sandpod.api.error.ErrorCode;
import dev.sandpod.api.error.SandpodException;
import dev.sandpod.api.user.FindUserQuery;
import dev.sandpod.api.user.UnlockUserCommand;
import dev.sandpod.api.user.UserView;
import dev.sandpod.api.web.Caller;
import dev.sandpod.web.support.Origin;
import java.time.Duration;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code POST /admin/users/{id}/unlock}: lifts a login lockout at once. It lives here, next to the lockout
 * counters it clears; the act itself is recorded on the account.
 */
@RestController
class UnlockController {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final QueryGateway queries;
    private final CommandGateway commands;
    private final LoginLockout lockout;

    UnlockController(QueryGateway queries, CommandGateway commands, LoginLockout lockout) {
        this.queries = queries;
        this.commands = commands;
        this.lockout = lockout;
    }

    record UnlockResponse(String userId, String message) {
    }

    @PostMapping({"/api/v1/admin/users/{userId}/unlock", "/api/v1/admin/users/{userId}/unlock/"})
    Mono<UnlockResponse> unlock(@PathVariable String userId, Caller caller, ServerHttpRequest http) {
        if (!caller.isAdmin()) {
            return Mono.error(new SandpodException(ErrorCode.ADMIN_REQUIRED, "Admin access required"));
        }
        return Mono.fromFuture(() -> queries.query(new FindUserQuery(userId), UserView.class))
                .switchIfEmpty(Mono.error(new SandpodException(ErrorCode.NOT_FOUND, "User not found")))
                .flatMap(user -> lockout.clear(user.username())
                        .then(Mono.fromFuture(() -> commands.send(Origin.command(new UnlockUserCommand(userId),
                                caller, http)))))
                .thenReturn(new UnlockResponse(userId, "User unlocked successfully"))
                .timeout(TIMEOUT);
    }
}

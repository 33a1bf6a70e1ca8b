package dev.sandpod.web.adminusers;

import dev.sandpod.command.user.AccountRules;
import dev.sandpod.command.user.UserAdministration;
import dev.sandpod.command.user.UserRegistration;
import dev.sandpod.web.support.ReadYourWrites;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.sandpod.api.error.ErrorCode;
import dev.sandpod.api.error.RequestValidationException;
import dev.sandpod.api.error.RequestValidationException.Violation;
import dev.sandpod.api.error.SandpodException;
import dev.sandpod.api.ratelimit.FindUserRateLimitsQuery;
import dev.sandpod.api.ratelimit.UserRateLimitsView;
import dev.sandpod.api.settings.FindSystemSettingsQuery;
import dev.sandpod.api.settings.SystemSettings;
import dev.sandpod.api.user.ChangeUserDetailsCommand;
import dev.sandpod.api.user.DeleteUserCommand;
import dev.sandpod.api.user.FindSessionStateQuery;
import dev.sandpod.api.user.FindUserQuery;
import dev.sandpod.api.user.ResetUserPasswordCommand;
import dev.sandpod.api.user.SessionStateView;
import dev.sandpod.api.user.UserDetailsChange;
import dev.sandpod.api.user.UserResponse;
import dev.sandpod.api.user.UserRole;
import dev.sandpod.api.user.UserView;
import dev.sandpod.api.web.Caller;
import dev.sandpod.web.support.Origin;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Admin changes to accounts (SPEC §9): create, update (name, email, role, active, password), delete,
 * reset-password. Each answers once the users read model shows the change, so a session ended here is
 * refused on its very next request. Reads are on the query side; unlock is at the front door, next to the
 * lockout counters.
 */
@RestController
class AdminUserController {

    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private final UserRegistration registration;
    private final UserAdministration administration;
    private final CommandGateway commands;
    private final QueryGateway queries;

    AdminUserController(UserRegistration registration, UserAdministration administration, CommandGateway commands,
            QueryGateway queries) {
        this.registration = registration;
        this.administration = administration;
        this.commands = commands;
        this.queries = queries;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record CreateUserRequest(String username, String email, String password, String role, Boolean isActive) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record UpdateUserRequest(String username, String email, String role, Boolean isActive, String password) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record PasswordResetRequest(String newPassword) {
    }

    record MessageResponse(String message) {
    }

    record DeleteUserResponse(boolean userDeleted, int executions, int savedScripts, int notifications,
            int userSettings, int events, int sagas) {
    }

    @PostMapping({"/api/v1/admin/users", "/api/v1/admin/users/"})
    Mono<UserResponse> create(@RequestBody CreateUserRequest request, Caller caller) {
        requireAdmin(caller);
        return passwordMinLength().flatMap(min -> {
            List<Violation> problems = new ArrayList<>();
            AccountRules.username(request.username(), problems);
            AccountRules.email(request.email(), problems);
            AccountRules.password("password", request.password(), min, problems);
            UserRole role = request.role() == null ? UserRole.USER : AccountRules.role(request.role(), problems);
            AccountRules.check(problems);
            boolean active = request.isActive() == null || request.isActive();
            return Mono.fromCallable(() -> registration.register(request.username(), request.email(),
                            request.password(), role, active))
                    .subscribeOn(Schedulers.boundedElastic())
                    .flatMap(userId -> ReadYourWrites.await(() -> user(userId), Objects::nonNull)
                            .then(response(userId)));
        }).timeout(TIMEOUT);
    }

    @PutMapping({"/api/v1/admin/users/{userId}", "/api/v1/admin/users/{userId}/"})
    Mono<UserResponse> update(@PathVariable String userId, @RequestBody UpdateUserRequest request, Caller caller,
            ServerHttpRequest http) {
        requireAdmin(caller);
        return existing(userId).zipWith(passwordMinLength()).flatMap(found -> {
            UserView current = found.getT1();
            List<Violation> problems = new ArrayList<>();
            String username = request.username() == null ? current.username() : request.username();
            String email = request.email() == null ? current.email() : request.email();
            if (request.username() != null) {
                AccountRules.username(username, problems);
            }
            if (request.email() != null) {
                AccountRules.email(email, problems);
            }
            UserRole role = request.role() == null ? current.role() : AccountRules.role(request.role(), problems);
            if (request.password() != null) {
                AccountRules.password("password", request.password(), found.getT2(), problems);
            }
            AccountRules.check(problems);
            boolean active = request.isActive() == null ? current.active() : request.isActive();
            if (caller.userId().equals(userId) && (!active || role != UserRole.ADMIN)) {
                return Mono.error(new SandpodException(ErrorCode.BAD_REQUEST,
                        "Cannot deactivate or demote your own account"));
            }
            var command = new ChangeUserDetailsCommand(userId, username, email, role, active);
            Mono<Long> details = Mono.fromCallable(() -> administration.change(current.username(), current.email(),
                            Origin.command(command, caller, http)))
                    .subscribeOn(Schedulers.boundedElastic())
                    .map(UserDetailsChange::tokenVersion);
            Mono<Long> version = request.password() == null ? details
                    : details.then(resetPassword(userId, request.password(), caller, http));
            return version.flatMap(v -> ReadYourWrites.await(() -> user(userId), view -> view != null
                            && view.username().equals(username) && view.email().equals(email)
                            && view.role() == role && view.active() == active)
                    .then(awaitSessionVersion(userId, v)))
                    .then(response(userId));
        }).timeout(TIMEOUT);
    }

    @DeleteMapping({"/api/v1/admin/users/{userId}", "/api/v1/admin/users/{userId}/"})
    Mono<DeleteUserResponse> delete(@PathVariable String userId,
            @RequestParam(name = "cascade", required = false, defaultValue = "true") String cascade, Caller caller,
            ServerHttpRequest http) {
        requireAdmin(caller);
        if (!"true".equalsIgnoreCase(cascade.trim()) && !"false".equalsIgnoreCase(cascade.trim())) {
            return Mono.error(RequestValidationException.of("query", "cascade", "Input should be a valid boolean"));
        }
        if (caller.userId().equals(userId)) {
            return Mono.error(new SandpodException(ErrorCode.BAD_REQUEST, "Cannot delete your own account"));
        }
        return existing(userId)
                .flatMap(view -> send(Origin.command(new DeleteUserCommand(userId), caller, http)))
                .then(ReadYourWrites.await(() -> user(userId), Objects::isNull))
                .thenReturn(new DeleteUserResponse(true, 0, 0, 0, 0, 0, 0))
                .timeout(TIMEOUT);
    }

    @PostMapping({"/api/v1/admin/users/{userId}/reset-password", "/api/v1/admin/users/{userId}/reset-password/"})
    Mono<MessageResponse> resetPassword(@PathVariable String userId, @RequestBody PasswordResetRequest request,
            Caller caller, ServerHttpRequest http) {
        requireAdmin(caller);
        return existing(userId).zipWith(passwordMinLength()).flatMap(found -> {
            List<Violation> problems = new ArrayList<>();
            AccountRules.password("new_password", request.newPassword(), found.getT2(), problems);
            AccountRules.check(problems);
            return resetPassword(userId, request.newPassword(), caller, http)
                    .flatMap(version -> awaitSessionVersion(userId, version));
        }).thenReturn(new MessageResponse("Password reset successfully")).timeout(TIMEOUT);
    }

    private Mono<Long> resetPassword(String userId, String password, Caller caller, ServerHttpRequest http) {
        return this.<Long>send(Origin.command(new ResetUserPasswordCommand(userId, password), caller, http));
    }

    private Mono<Boolean> awaitSessionVersion(String userId, long version) {
        return ReadYourWrites.await(
                () -> Mono.fromFuture(() -> queries.query(new FindSessionStateQuery(userId, null),
                        SessionStateView.class)),
                state -> state == null || state.tokenVersion() >= version);
    }

    private <R> Mono<R> send(Object command) {
        return Mono.fromFuture(() -> commands.<R>send(command))
                .onErrorMap(AggregateNotFoundException.class,
                        e -> new SandpodException(ErrorCode.NOT_FOUND, "User not found"));
    }

    private Mono<UserView> existing(String userId) {
        return user(userId).switchIfEmpty(Mono.error(new SandpodException(ErrorCode.NOT_FOUND, "User not found")));
    }

    private Mono<UserView> user(String userId) {
        return Mono.fromFuture(() -> queries.query(new FindUserQuery(userId), UserView.class));
    }

    private Mono<UserResponse> response(String userId) {
        Mono<UserRateLimitsView> limits = Mono.fromFuture(() -> queries.query(new FindUserRateLimitsQuery(userId),
                UserRateLimitsView.class));
        return existing(userId).flatMap(view -> limits.map(l -> UserResponse.of(view, l))
                .defaultIfEmpty(UserResponse.of(view)));
    }

    private Mono<Integer> passwordMinLength() {
        return Mono.fromFuture(() -> queries.query(new FindSystemSettingsQuery(), SystemSettings.class))
                .map(SystemSettings::passwordMinLength)
                .defaultIfEmpty(SystemSettings.DEFAULTS.passwordMinLength());
    }

    private static void requireAdmin(Caller caller) {
        if (!caller.isAdmin()) {
            throw new SandpodException(ErrorCode.ADMIN_REQUIRED, "Admin access required");
        }
    }
}

package dev.sandpod.web.adminusers;

import dev.sandpod.api.error.ErrorCode;
import dev.sandpod.api.error.RequestValidationException.Violation;
import dev.sandpod.api.error.SandpodException;
import dev.sandpod.api.execution.DeleteExecutionCommand;
import dev.sandpod.api.notification.DeleteNotificationCommand;
import dev.sandpod.api.ratelimit.FindUserRateLimitsQuery;
import dev.sandpod.api.ratelimit.UserRateLimitsView;
import dev.sandpod.api.script.DeleteScriptCommand;
import dev.sandpod.api.settings.FindSystemSettingsQuery;
import dev.sandpod.api.settings.SystemSettings;
import dev.sandpod.api.user.ChangeUserDetailsCommand;
import dev.sandpod.api.user.DeleteUserCommand;
import dev.sandpod.api.user.FindSessionStateQuery;
import dev.sandpod.api.user.FindUserQuery;
import dev.sandpod.api.user.FindUsersQuery;
import dev.sandpod.api.user.ResetUserPasswordCommand;
import dev.sandpod.api.user.SessionStateView;
import dev.sandpod.api.user.UnlockUserCommand;
import dev.sandpod.api.user.UserDetailsChange;
import dev.sandpod.api.user.UserPageView;
import dev.sandpod.api.user.UserResponse;
import dev.sandpod.api.user.UserRole;
import dev.sandpod.api.user.UserView;
import dev.sandpod.api.web.Caller;
import dev.sandpod.command.user.AccountRules;
import dev.sandpod.command.user.UserAdministration;
import dev.sandpod.command.user.UserRegistration;
import dev.sandpod.query.operations.UserData;
import dev.sandpod.web.adminusers.AdminUserPayloads.CreateUserRequest;
import dev.sandpod.web.adminusers.AdminUserPayloads.DeleteUserResponse;
import dev.sandpod.web.adminusers.AdminUserPayloads.MessageResponse;
import dev.sandpod.web.adminusers.AdminUserPayloads.PasswordResetRequest;
import dev.sandpod.web.adminusers.AdminUserPayloads.UnlockResponse;
import dev.sandpod.web.adminusers.AdminUserPayloads.UpdateUserRequest;
import dev.sandpod.web.adminusers.AdminUserPayloads.UserListResponse;
import dev.sandpod.web.security.LoginLockout;
import dev.sandpod.web.support.Origin;
import dev.sandpod.web.support.QueryParameters;
import dev.sandpod.web.support.ReadYourWrites;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The user administration, admins only: list (search, role filter, paging) and read accounts, create,
 * update (name, email, role, active, password), delete, reset a password, lift a login lockout. Each
 * change answers once the users read model shows it, so a session ended here is refused on its very next
 * request.
 *
 * <p>Its request and answer bodies are in {@link AdminUserPayloads}.
 */
@RestController
@Tag(name = "Admin: users", description = "Accounts: list, read, create, change, delete, reset a password, unlock")
class AdminUserController {

    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_SEARCH_LENGTH = 200;

    private final UserRegistration registration;
    private final UserAdministration administration;
    private final CommandGateway commands;
    private final QueryGateway queries;
    private final LoginLockout lockout;
    private final UserData userData;

    AdminUserController(
            UserRegistration registration,
            UserAdministration administration,
            CommandGateway commands,
            QueryGateway queries,
            LoginLockout lockout,
            UserData userData) {
        this.userData = userData;
        this.registration = registration;
        this.administration = administration;
        this.commands = commands;
        this.queries = queries;
        this.lockout = lockout;
    }

    @GetMapping({"/api/v1/admin/users", "/api/v1/admin/users/"})
    @Operation(summary = "Accounts, optionally searched (username or e-mail) and filtered by role")
    @ApiResponse(responseCode = "200", description = "One page of them")
    Mono<UserListResponse> list(
            @RequestParam(required = false, defaultValue = "100")
                    @Parameter(schema = @Schema(type = "integer", minimum = "1", maximum = "1000"))
                    String limit,
            @RequestParam(required = false, defaultValue = "0")
                    @Parameter(schema = @Schema(type = "integer", minimum = "0"))
                    String offset,
            @RequestParam(required = false) @Parameter(description = "Part of a username or e-mail") String search,
            @RequestParam(required = false) @Schema(implementation = UserRole.class) String role,
            Caller caller) {
        requireAdmin(caller);
        int parsedLimit = QueryParameters.integer("limit", limit, 1, 1000);
        int parsedOffset = QueryParameters.integer("offset", offset, 0, Integer.MAX_VALUE);
        if (search != null
                && (search.length() > MAX_SEARCH_LENGTH || search.chars().anyMatch(Character::isISOControl))) {
            throw QueryParameters.invalid(
                    "search", "search must be at most " + MAX_SEARCH_LENGTH + " characters without control characters");
        }
        UserRole parsedRole = QueryParameters.oneOf(
                "role", role == null ? null : role.trim(), UserRole::fromWire, UserRole.values(), UserRole::wireName);
        var query = new FindUsersQuery(search, parsedRole, parsedLimit, parsedOffset);
        return Mono.fromFuture(() -> queries.query(query, UserPageView.class))
                .flatMap(page -> Flux.fromIterable(page.users())
                        .concatMap(this::response)
                        .collectList()
                        .map(list -> new UserListResponse(list, page.total(), page.offset(), page.limit())))
                .timeout(READ_TIMEOUT);
    }

    @GetMapping({"/api/v1/admin/users/{userId}", "/api/v1/admin/users/{userId}/"})
    @Operation(summary = "One account")
    @ApiResponse(responseCode = "200", description = "The account")
    @ApiResponse(responseCode = "404", description = "No such user")
    Mono<UserResponse> get(@PathVariable String userId, Caller caller) {
        requireAdmin(caller);
        return response(userId).timeout(READ_TIMEOUT);
    }

    @PostMapping({"/api/v1/admin/users", "/api/v1/admin/users/"})
    @Operation(summary = "Create an account (any role)")
    @ApiResponse(responseCode = "200", description = "The new account")
    @ApiResponse(responseCode = "409", description = "The username or e-mail is already registered")
    Mono<UserResponse> create(@RequestBody CreateUserRequest request, Caller caller) {
        requireAdmin(caller);
        return passwordMinLength()
                .flatMap(min -> {
                    List<Violation> problems = new ArrayList<>();
                    AccountRules.username(request.username(), problems);
                    AccountRules.email(request.email(), problems);
                    AccountRules.password("password", request.password(), min, problems);
                    UserRole role =
                            request.role() == null ? UserRole.USER : AccountRules.role(request.role(), problems);
                    AccountRules.check(problems);
                    boolean active = request.isActive() == null || request.isActive();
                    return Mono.fromCallable(() -> registration.register(
                                    request.username(), request.email(), request.password(), role, active))
                            .subscribeOn(Schedulers.boundedElastic())
                            .flatMap(userId -> ReadYourWrites.await(() -> user(userId), Objects::nonNull)
                                    .then(response(userId)));
                })
                .timeout(TIMEOUT);
    }

    @PutMapping({"/api/v1/admin/users/{userId}", "/api/v1/admin/users/{userId}/"})
    @Operation(
            summary = "Change an account",
            description = "A new password, a deactivation or a role change ends the user's sessions at once.")
    @ApiResponse(responseCode = "200", description = "The account as changed")
    @ApiResponse(responseCode = "400", description = "Deactivating or demoting one's own account")
    @ApiResponse(responseCode = "404", description = "No such user")
    @ApiResponse(responseCode = "409", description = "The username or e-mail is already registered")
    Mono<UserResponse> update(
            @PathVariable String userId,
            @RequestBody UpdateUserRequest request,
            Caller caller,
            ServerHttpRequest http) {
        requireAdmin(caller);
        return existing(userId)
                .zipWith(passwordMinLength())
                .flatMap(found -> {
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
                    UserRole role =
                            request.role() == null ? current.role() : AccountRules.role(request.role(), problems);
                    if (request.password() != null) {
                        AccountRules.password("password", request.password(), found.getT2(), problems);
                    }
                    AccountRules.check(problems);
                    boolean active = request.isActive() == null ? current.active() : request.isActive();
                    if (caller.userId().equals(userId) && (!active || role != UserRole.ADMIN)) {
                        return Mono.error(new SandpodException(
                                ErrorCode.BAD_REQUEST, "Cannot deactivate or demote your own account"));
                    }
                    var command = new ChangeUserDetailsCommand(userId, username, email, role, active);
                    Mono<Long> details = Mono.fromCallable(() -> administration.change(
                                    current.username(), current.email(), Origin.command(command, caller, http)))
                            .subscribeOn(Schedulers.boundedElastic())
                            .map(UserDetailsChange::tokenVersion);
                    Mono<Long> version = request.password() == null
                            ? details
                            : details.then(resetPassword(userId, request.password(), caller, http));
                    return version.flatMap(v -> ReadYourWrites.await(
                                            () -> user(userId),
                                            view -> view != null
                                                    && view.username().equals(username)
                                                    && view.email().equals(email)
                                                    && view.role() == role
                                                    && view.active() == active)
                                    .then(awaitSessionVersion(userId, v)))
                            .then(response(userId));
                })
                .timeout(TIMEOUT);
    }

    @DeleteMapping({"/api/v1/admin/users/{userId}", "/api/v1/admin/users/{userId}/"})
    @Operation(summary = "Delete an account")
    @ApiResponse(responseCode = "200", description = "Deleted")
    @ApiResponse(responseCode = "400", description = "Deleting one's own account")
    @ApiResponse(responseCode = "404", description = "No such user")
    Mono<DeleteUserResponse> delete(
            @PathVariable String userId,
            @RequestParam(name = "cascade", required = false, defaultValue = "true")
                    @Parameter(schema = @Schema(type = "boolean"))
                    String cascade,
            Caller caller,
            ServerHttpRequest http) {
        requireAdmin(caller);
        boolean cascading = QueryParameters.bool("cascade", cascade);
        if (caller.userId().equals(userId)) {
            return Mono.error(new SandpodException(ErrorCode.BAD_REQUEST, "Cannot delete your own account"));
        }
        // With cascade, each execution, saved script and notification of the user is deleted through its own
        // command and counted only when that command succeeded; settings and the events themselves stay (the
        // settings have no delete, the event store is append-only), so they report 0.
        return existing(userId)
                .flatMap(view -> cascading
                        ? Mono.fromCallable(() -> userData.of(userId))
                                .subscribeOn(Schedulers.boundedElastic())
                                .flatMap(owned -> Mono.zip(
                                                deleteEach(
                                                        owned.executions(),
                                                        id -> new DeleteExecutionCommand(id, caller.userId()),
                                                        caller,
                                                        http),
                                                deleteEach(
                                                        owned.savedScripts(),
                                                        id -> new DeleteScriptCommand(id, userId),
                                                        caller,
                                                        http),
                                                deleteEach(
                                                        owned.notifications(),
                                                        id -> new DeleteNotificationCommand(id, userId),
                                                        caller,
                                                        http))
                                        .map(counts -> new DeleteUserResponse(
                                                true, counts.getT1(), counts.getT2(), counts.getT3(), 0, 0, (int)
                                                        owned.runningSagas())))
                        : Mono.just(new DeleteUserResponse(true, 0, 0, 0, 0, 0, 0)))
                .flatMap(response -> send(Origin.command(new DeleteUserCommand(userId), caller, http))
                        .then(ReadYourWrites.await(() -> user(userId), Objects::isNull))
                        .thenReturn(response))
                .timeout(TIMEOUT);
    }

    /** Sends one delete per id, one after the other, and counts those that went through. */
    private Mono<Integer> deleteEach(
            List<String> ids,
            java.util.function.Function<String, Object> command,
            Caller caller,
            ServerHttpRequest http) {
        return Flux.fromIterable(ids)
                .concatMap(id -> Mono.fromFuture(() -> commands.send(Origin.command(command.apply(id), caller, http)))
                        .thenReturn(1)
                        .onErrorReturn(0))
                .reduce(0, Integer::sum);
    }

    @PostMapping({"/api/v1/admin/users/{userId}/reset-password", "/api/v1/admin/users/{userId}/reset-password/"})
    @Operation(summary = "Set a new password; ends the user's sessions")
    @ApiResponse(responseCode = "200", description = "Done")
    @ApiResponse(responseCode = "404", description = "No such user")
    Mono<MessageResponse> resetPassword(
            @PathVariable String userId,
            @RequestBody PasswordResetRequest request,
            Caller caller,
            ServerHttpRequest http) {
        requireAdmin(caller);
        return existing(userId)
                .zipWith(passwordMinLength())
                .flatMap(found -> {
                    List<Violation> problems = new ArrayList<>();
                    AccountRules.password("new_password", request.newPassword(), found.getT2(), problems);
                    AccountRules.check(problems);
                    return resetPassword(userId, request.newPassword(), caller, http)
                            .flatMap(version -> awaitSessionVersion(userId, version));
                })
                .thenReturn(new MessageResponse("Password reset successfully"))
                .timeout(TIMEOUT);
    }

    /** Lifts a login lockout at once: the counters at the front door are cleared, the act recorded on the account. */
    @PostMapping({"/api/v1/admin/users/{userId}/unlock", "/api/v1/admin/users/{userId}/unlock/"})
    @Operation(summary = "Lift a login lockout at once")
    @ApiResponse(responseCode = "200", description = "Unlocked")
    @ApiResponse(responseCode = "404", description = "No such user")
    Mono<UnlockResponse> unlock(@PathVariable String userId, Caller caller, ServerHttpRequest http) {
        requireAdmin(caller);
        return existing(userId)
                .flatMap(user -> lockout.clear(user.username())
                        .then(Mono.fromFuture(
                                () -> commands.send(Origin.command(new UnlockUserCommand(userId), caller, http)))))
                .thenReturn(new UnlockResponse(userId, "User unlocked successfully"))
                .timeout(READ_TIMEOUT);
    }

    private Mono<Long> resetPassword(String userId, String password, Caller caller, ServerHttpRequest http) {
        return this.<Long>send(Origin.command(new ResetUserPasswordCommand(userId, password), caller, http));
    }

    private Mono<Boolean> awaitSessionVersion(String userId, long version) {
        return ReadYourWrites.await(
                () -> Mono.fromFuture(
                        () -> queries.query(new FindSessionStateQuery(userId, null), SessionStateView.class)),
                state -> state == null || state.tokenVersion() >= version);
    }

    private <R> Mono<R> send(Object command) {
        return Mono.fromFuture(() -> commands.<R>send(command))
                .onErrorMap(
                        AggregateNotFoundException.class,
                        e -> new SandpodException(ErrorCode.NOT_FOUND, "User not found"));
    }

    private Mono<UserView> existing(String userId) {
        return user(userId).switchIfEmpty(Mono.error(new SandpodException(ErrorCode.NOT_FOUND, "User not found")));
    }

    private Mono<UserView> user(String userId) {
        return Mono.fromFuture(() -> queries.query(new FindUserQuery(userId), UserView.class));
    }

    private Mono<UserResponse> response(String userId) {
        return existing(userId).flatMap(this::response);
    }

    /** The account with the rate-limit overrides an admin set on it, if any. */
    private Mono<UserResponse> response(UserView view) {
        return Mono.fromFuture(
                        () -> queries.query(new FindUserRateLimitsQuery(view.userId()), UserRateLimitsView.class))
                .map(limits -> UserResponse.of(view, limits))
                .defaultIfEmpty(UserResponse.of(view));
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

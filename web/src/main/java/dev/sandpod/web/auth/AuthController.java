package dev.sandpod.web.auth;

import dev.sandpod.api.error.ErrorCode;
import dev.sandpod.api.error.RequestValidationException;
import dev.sandpod.api.error.SandpodException;
import dev.sandpod.api.user.FindUserQuery;
import dev.sandpod.api.user.LogInUserCommand;
import dev.sandpod.api.user.LogOutUserCommand;
import dev.sandpod.api.user.LoginResult;
import dev.sandpod.api.user.RecordUserLockoutCommand;
import dev.sandpod.api.user.UserResponse;
import dev.sandpod.api.user.UserRole;
import dev.sandpod.api.user.UserView;
import dev.sandpod.api.web.Caller;
import dev.sandpod.command.user.PasswordVerifier;
import dev.sandpod.command.user.UserDirectory;
import dev.sandpod.web.ratelimit.EffectiveRateLimits;
import dev.sandpod.web.security.AuthenticationFilter;
import dev.sandpod.web.security.CurrentSettings;
import dev.sandpod.web.security.LoginLockout;
import dev.sandpod.web.security.RevokedSessions;
import dev.sandpod.web.security.SecurityProperties;
import dev.sandpod.web.security.SessionTokens;
import dev.sandpod.web.support.Origin;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.extensions.Extension;
import io.swagger.v3.oas.annotations.extensions.ExtensionProperty;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.queryhandling.QueryGateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.CacheControl;
import org.springframework.http.ResponseCookie;
import org.springframework.http.ResponseEntity;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Login, logout and "who am I". Registration is {@link RegistrationController}. */
@RestController
@RequestMapping("/api/v1/auth")
@Tag(name = "Authentication", description = "Register, sign in and out, and who the session belongs to")
class AuthController {

    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static final Logger log = LoggerFactory.getLogger(AuthController.class);

    private final UserDirectory directory;
    private final PasswordVerifier verifier;
    private final CommandGateway commands;
    private final QueryGateway queries;
    private final SessionTokens tokens;
    private final RevokedSessions revoked;
    private final SecurityProperties properties;
    private final LoginLockout lockout;
    private final CurrentSettings settings;
    private final EffectiveRateLimits rateLimits;

    AuthController(
            UserDirectory directory,
            PasswordVerifier verifier,
            CommandGateway commands,
            QueryGateway queries,
            SessionTokens tokens,
            RevokedSessions revoked,
            SecurityProperties properties,
            LoginLockout lockout,
            CurrentSettings settings,
            EffectiveRateLimits rateLimits) {
        this.directory = directory;
        this.verifier = verifier;
        this.commands = commands;
        this.queries = queries;
        this.tokens = tokens;
        this.revoked = revoked;
        this.properties = properties;
        this.lockout = lockout;
        this.settings = settings;
        this.rateLimits = rateLimits;
    }

    @Schema(name = "LoginResponse")
    record LoginResponse(
            String message,
            String username,
            @Schema(implementation = UserRole.class) String role,

            @Schema(description = "Send it back in X-CSRF-Token on every POST, PUT and DELETE")
            String csrfToken) {}

    @Schema(name = "MessageResponse")
    record MessageResponse(String message) {}

    /** The login form, for the API document: the handler reads the form itself. */
    @Schema(
            name = "LoginForm",
            description = "OAuth2 password-form fields other than username and password are accepted and ignored",
            extensions =
                    @Extension(
                            properties =
                                    @ExtensionProperty(
                                            name = "x-sandpod-ignored",
                                            value = "[\"grant_type\", \"scope\", \"client_id\", \"client_secret\"]",
                                            parseValue = true)))
    record LoginForm(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            String username,

            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, format = "password")
            String password) {}

    /**
     * A locked username gets 423 before its password is looked at; each wrong password (or unknown name)
     * counts towards the lock, and the one that reaches {@code max_login_attempts} starts it.
     */
    @PostMapping("/login")
    @Operation(
            summary = "Sign in",
            description = "Sets the session cookie (access_token, HttpOnly) and the csrf_token cookie.",
            requestBody =
                    @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            required = true,
                            content =
                                    @Content(
                                            mediaType = "application/x-www-form-urlencoded",
                                            schema = @Schema(implementation = LoginForm.class))))
    @ApiResponse(responseCode = "200", description = "Signed in")
    @ApiResponse(responseCode = "401", description = "Wrong username or password")
    @ApiResponse(responseCode = "403", description = "The account is deactivated")
    @ApiResponse(responseCode = "422", description = "username or password missing, or the form is malformed")
    @ApiResponse(responseCode = "423", description = "Locked after too many failed attempts; try again later")
    Mono<ResponseEntity<LoginResponse>> login(ServerWebExchange exchange) {
        return exchange.getFormData()
                // A body that is not valid form encoding (a '%' not followed by two hex digits) is the client's error.
                .onErrorMap(
                        IllegalArgumentException.class,
                        e -> new ServerWebInputException(
                                "The body is not valid application/x-www-form-urlencoded: " + e.getMessage()))
                .flatMap(form -> {
                    String username = form.getFirst("username");
                    String password = form.getFirst("password");
                    List<RequestValidationException.Violation> missing = new ArrayList<>();
                    requireField(form, "username", missing);
                    requireField(form, "password", missing);
                    if (!missing.isEmpty()) {
                        return Mono.error(new RequestValidationException(missing));
                    }
                    return lockout.lockedUntil(username)
                            .flatMap(until -> Mono.<ResponseEntity<LoginResponse>>error(locked(until)))
                            .switchIfEmpty(Mono.defer(() -> attempt(username, password, exchange)));
                });
    }

    private Mono<ResponseEntity<LoginResponse>> attempt(String username, String password, ServerWebExchange exchange) {
        String sessionId = UUID.randomUUID().toString();
        return Mono.fromCallable(() -> directory.userIdOf(username))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(userId -> {
                    if (userId.isEmpty()) {
                        return unknown(username, password, exchange);
                    }
                    return Mono.fromFuture(() -> commands.<LoginResult>send(Origin.command(
                                    new LogInUserCommand(userId.get(), password, sessionId),
                                    null,
                                    exchange.getRequest())))
                            .timeout(TIMEOUT)
                            .flatMap(result -> switch (result.outcome()) {
                                case SUCCEEDED ->
                                    lockout.clear(username)
                                            .then(settings.get())
                                            .map(current -> success(
                                                    userId.get(),
                                                    result,
                                                    Duration.ofMinutes(current.sessionTimeoutMinutes())));
                                case INACTIVE ->
                                    Mono.error(
                                            new SandpodException(ErrorCode.ACCOUNT_INACTIVE, "Account is deactivated"));
                                case WRONG_PASSWORD -> failed(username, userId.get(), exchange);
                            })
                            // A registration claims the name before it records the account (UserRegistration): a
                            // login in between finds the name but no account yet, as for a name nobody holds.
                            .onErrorResume(
                                    AggregateNotFoundException.class, e -> unknown(username, password, exchange));
                });
    }

    /** A name without an account: as long to answer as a wrong password, and counted the same way. */
    private <T> Mono<T> unknown(String username, String password, ServerWebExchange exchange) {
        return Mono.fromRunnable(() -> verifier.matchNobody(password))
                .subscribeOn(Schedulers.boundedElastic())
                .then(failed(username, null, exchange));
    }

    /** 401, after counting the failure; the failure that locks the name is recorded on the account too. */
    private <T> Mono<T> failed(String username, String userId, ServerWebExchange exchange) {
        return lockout.recordFailure(username)
                .flatMap(until -> userId == null
                        ? Mono.empty()
                        : lockout.threshold()
                                .flatMap(attempts -> Mono.fromFuture(() -> commands.send(Origin.command(
                                                new RecordUserLockoutCommand(userId, until, attempts),
                                                null,
                                                exchange.getRequest())))
                                        .timeout(TIMEOUT)
                                        .onErrorResume(e -> {
                                            log.warn("Could not record the lockout of an account", e);
                                            return Mono.empty();
                                        })))
                .then(Mono.error(invalid()));
    }

    private SandpodException locked(Instant until) {
        long minutes = Math.max(1, (Duration.between(Instant.now(), until).toSeconds() + 59) / 60);
        return new SandpodException(
                ErrorCode.ACCOUNT_LOCKED,
                "Account temporarily locked after too many failed " + "login attempts; try again in " + minutes
                        + (minutes == 1 ? " minute" : " minutes"));
    }

    @PostMapping("/logout")
    @Operation(summary = "Sign out: the session ends at once and its cookies are cleared")
    @ApiResponse(responseCode = "200", description = "Signed out")
    Mono<ResponseEntity<MessageResponse>> logout(Caller caller) {
        revoked.revoke(caller.sessionId());
        return Mono.fromFuture(() -> commands.send(new LogOutUserCommand(caller.userId(), caller.sessionId())))
                .timeout(TIMEOUT)
                .thenReturn(ResponseEntity.ok()
                        .cacheControl(CacheControl.noStore())
                        .header(
                                "Set-Cookie",
                                expired(AuthenticationFilter.ACCESS_COOKIE, true)
                                        .toString())
                        .header(
                                "Set-Cookie",
                                expired(AuthenticationFilter.CSRF_COOKIE, false).toString())
                        .body(new MessageResponse("Logout successful")));
    }

    /** The account, with the rate-limit overrides that apply to it now ({@code bypass_rate_limit}, multiplier). */
    @GetMapping("/me")
    @Operation(summary = "The signed-in user")
    @ApiResponse(responseCode = "200", description = "The session's user")
    Mono<ResponseEntity<UserResponse>> me(Caller caller) {
        return Mono.fromFuture(() -> queries.query(new FindUserQuery(caller.userId()), UserView.class))
                .timeout(TIMEOUT)
                .switchIfEmpty(Mono.error(new SandpodException(ErrorCode.UNAUTHORIZED, "Not authenticated")))
                .zipWith(rateLimits.of(caller.userId()))
                .map(found -> ResponseEntity.ok()
                        .cacheControl(CacheControl.noStore())
                        .body(UserResponse.of(found.getT1(), found.getT2().orElse(null))));
    }

    private ResponseEntity<LoginResponse> success(String userId, LoginResult result, Duration lifetime) {
        SessionTokens.Issued issued =
                tokens.issue(userId, result.username(), result.role(), result.tokenVersion(), lifetime);
        ResponseCookie access = ResponseCookie.from(AuthenticationFilter.ACCESS_COOKIE, issued.accessToken())
                .httpOnly(true)
                .secure(properties.secureCookies())
                .sameSite("Strict")
                .path("/")
                .maxAge(lifetime)
                .build();
        ResponseCookie csrf = ResponseCookie.from(AuthenticationFilter.CSRF_COOKIE, issued.csrfToken())
                .httpOnly(false)
                .secure(properties.secureCookies())
                .sameSite("Strict")
                .path("/")
                .maxAge(lifetime)
                .build();
        return ResponseEntity.ok()
                .cacheControl(CacheControl.noStore())
                .header("Set-Cookie", access.toString())
                .header("Set-Cookie", csrf.toString())
                .body(new LoginResponse(
                        "Login successful", result.username(), result.role().wireName(), issued.csrfToken()));
    }

    private ResponseCookie expired(String name, boolean httpOnly) {
        return ResponseCookie.from(name, "")
                .httpOnly(httpOnly)
                .secure(properties.secureCookies())
                .sameSite("Strict")
                .path("/")
                .maxAge(0)
                .build();
    }

    private static SandpodException invalid() {
        return new SandpodException(ErrorCode.INVALID_CREDENTIALS, "Invalid credentials");
    }

    private static void requireField(
            MultiValueMap<String, String> form, String field, List<RequestValidationException.Violation> missing) {
        String value = form.getFirst(field);
        if (value == null || value.isEmpty()) {
            missing.add(new RequestValidationException.Violation(List.of("body", field), "Field required", "missing"));
        }
    }
}

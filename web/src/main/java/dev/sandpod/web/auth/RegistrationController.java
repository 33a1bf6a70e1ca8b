package dev.sandpod.web.auth;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.sandpod.api.error.RequestValidationException;
import dev.sandpod.api.settings.FindSystemSettingsQuery;
import dev.sandpod.api.settings.SystemSettings;
import dev.sandpod.api.user.FindUserQuery;
import dev.sandpod.api.user.UserResponse;
import dev.sandpod.api.user.UserRole;
import dev.sandpod.api.user.UserView;
import dev.sandpod.command.user.AccountRules;
import dev.sandpod.command.user.UserRegistration;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.extensions.Extension;
import io.swagger.v3.oas.annotations.extensions.ExtensionProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Duration;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** {@code POST /auth/register}: creates a user (never an admin, never inactive) and does not log in. */
@RestController
@RequestMapping("/api/v1/auth")
@Tag(name = "Authentication")
class RegistrationController {

    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private final UserRegistration registration;
    private final QueryGateway queries;

    RegistrationController(UserRegistration registration, QueryGateway queries) {
        this.registration = registration;
        this.queries = queries;
    }

    /** Unknown fields such as {@code role} or {@code is_active} are ignored on purpose. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @Schema(
            name = "UserRegistration",
            description = "A new account: always a user, always active (role and is_active are accepted and ignored)",
            extensions =
                    @Extension(
                            properties =
                                    @ExtensionProperty(
                                            name = "x-sandpod-ignored",
                                            value = "[\"role\", \"is_active\"]",
                                            parseValue = true)))
    record RegisterRequest(
            @NotBlank
            @Size(min = 3, max = 50)
            @Pattern(regexp = "[A-Za-z0-9_.-]+", message = "may contain only letters, digits, '_', '.' and '-'")
            String username,

            @NotBlank @Email @Size(max = 254) @Schema(format = "email")
            String email,

            @NotBlank @Size(max = 128) String password) {}

    @PostMapping("/register")
    @Operation(summary = "Create an account (it does not sign in)")
    @ApiResponse(responseCode = "200", description = "The new account")
    @ApiResponse(responseCode = "409", description = "The username or e-mail is already registered")
    @ApiResponse(
            responseCode = "422",
            description = "A field is missing or invalid, or the password is shorter than password_min_length")
    Mono<UserResponse> register(@Valid @RequestBody RegisterRequest request) {
        return Mono.fromFuture(() -> queries.query(new FindSystemSettingsQuery(), SystemSettings.class))
                .map(SystemSettings::passwordMinLength)
                .defaultIfEmpty(SystemSettings.DEFAULTS.passwordMinLength())
                .flatMap(min -> request.password().length() < Math.max(AccountRules.PASSWORD_FLOOR, min)
                        ? Mono.error(RequestValidationException.of(
                                "body",
                                "password",
                                "Password must be at least " + Math.max(AccountRules.PASSWORD_FLOOR, min)
                                        + " characters"))
                        : registered(request));
    }

    private Mono<UserResponse> registered(RegisterRequest request) {
        return Mono.fromCallable(() ->
                        registration.register(request.username(), request.email(), request.password(), UserRole.USER))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(userId -> Mono.fromFuture(() -> queries.query(new FindUserQuery(userId), UserView.class))
                        .filter(view -> view != null)
                        // the users read model follows the event store a few milliseconds behind
                        .repeatWhenEmpty(100, attempts -> attempts.delayElements(Duration.ofMillis(50))))
                .map(UserResponse::of)
                .timeout(TIMEOUT);
    }
}

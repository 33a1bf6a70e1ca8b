package dev.sandpod.web.token;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.sandpod.api.error.RequestValidationException;
import dev.sandpod.api.user.AccessTokenScope;
import dev.sandpod.api.user.CreateAccessTokenCommand;
import dev.sandpod.api.user.RevokeAccessTokenCommand;
import dev.sandpod.api.web.Caller;
import dev.sandpod.command.user.AccessTokens;
import dev.sandpod.web.apidocs.Addition;
import dev.sandpod.web.support.Origin;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The caller's personal access tokens: create (the secret is in this one answer and nowhere else), list,
 * revoke. Only a browser session may manage them ({@code TokenScopes} refuses every token here). Creating and
 * revoking are events of the user's account; the front door checks tokens against the shared store.
 */
@RestController
@RequestMapping("/api/v1/user/tokens")
@Tag(name = "Access tokens", description = "Personal access tokens for scripts, CI jobs and graders")
class AccessTokenController {

    static final int MAX_NAME_LENGTH = 100;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final CommandGateway commands;
    private final AccessTokens tokens;
    private final Clock clock = Clock.systemUTC();

    AccessTokenController(CommandGateway commands, AccessTokens tokens) {
        this.commands = commands;
        this.tokens = tokens;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    @Schema(name = "AccessTokenCreateRequest")
    record CreateRequest(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, maxLength = MAX_NAME_LENGTH)
            String name,

            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            @ArraySchema(schema = @Schema(allowableValues = {"execute", "read", "scripts", "admin"}))
            List<String> scopes,

            @Schema(type = "string", format = "date-time", description = "When it stops working; absent or null: never")
            String expiresAt) {}

    @Schema(name = "AccessTokenResponse")
    record TokenResponse(
            String tokenId,
            String name,

            @ArraySchema(schema = @Schema(allowableValues = {"execute", "read", "scripts", "admin"}))
            List<String> scopes,

            Instant createdAt,
            Instant expiresAt) {

        static TokenResponse of(AccessTokens.Grant grant) {
            return new TokenResponse(
                    grant.tokenId(),
                    grant.name(),
                    grant.scopes().stream().map(AccessTokenScope::wireName).toList(),
                    grant.createdAt(),
                    grant.expiresAt());
        }
    }

    @Schema(name = "AccessTokenCreatedResponse")
    record CreatedResponse(
            String tokenId,
            String name,

            @ArraySchema(schema = @Schema(allowableValues = {"execute", "read", "scripts", "admin"}))
            List<String> scopes,

            Instant expiresAt,

            @Schema(description = "The secret, shown this once: send it as Authorization: Bearer <token>")
            String token) {}

    @Schema(name = "AccessTokenListResponse")
    record ListResponse(List<TokenResponse> tokens) {}

    @Addition
    @PostMapping({"", "/"})
    @Operation(
            summary = "Create a personal access token",
            description = "The answer holds the token once; only its hash is kept. Send it as "
                    + "Authorization: Bearer <token> (no cookie, no CSRF header). Scope admin is for admins only.")
    @ApiResponse(responseCode = "201", description = "Created; the token is in this answer only")
    @ApiResponse(responseCode = "403", description = "Scope admin asked by a non-admin, or called with a token")
    @ApiResponse(responseCode = "409", description = "The account already has the most tokens it may hold")
    @ApiResponse(responseCode = "422", description = "A missing or too long name, an unknown scope, a past expiry")
    Mono<ResponseEntity<CreatedResponse>> create(
            @RequestBody CreateRequest request, Caller caller, ServerHttpRequest http) {
        return Mono.fromCallable(() -> validated(request)).flatMap(valid -> {
            AccessTokens.Minted minted = AccessTokens.mint();
            var command = new CreateAccessTokenCommand(
                    caller.userId(),
                    minted.tokenId(),
                    valid.name(),
                    valid.scopes(),
                    valid.expiresAt(),
                    minted.secretHash());
            return Mono.fromFuture(() -> commands.send(Origin.command(command, caller, http)))
                    .timeout(TIMEOUT)
                    .thenReturn(ResponseEntity.status(HttpStatus.CREATED)
                            .body(new CreatedResponse(
                                    minted.tokenId(),
                                    valid.name(),
                                    valid.scopes().stream()
                                            .map(AccessTokenScope::wireName)
                                            .toList(),
                                    valid.expiresAt(),
                                    minted.token())));
        });
    }

    @Addition
    @GetMapping({"", "/"})
    @Operation(summary = "The caller's live access tokens (never their secrets)")
    @ApiResponse(responseCode = "200", description = "All of them, oldest first")
    Mono<ListResponse> list(Caller caller) {
        return Mono.fromCallable(() -> tokens.of(caller.userId()))
                .subscribeOn(Schedulers.boundedElastic())
                .map(all -> new ListResponse(all.stream().map(TokenResponse::of).toList()));
    }

    @Addition
    @DeleteMapping({"/{tokenId}", "/{tokenId}/"})
    @Operation(summary = "Revoke an access token", description = "It is refused (401) from the next request on.")
    @ApiResponse(responseCode = "204", description = "Revoked")
    @ApiResponse(responseCode = "404", description = "No such token of the caller")
    Mono<ResponseEntity<Void>> revoke(@PathVariable String tokenId, Caller caller, ServerHttpRequest http) {
        return Mono.fromFuture(() -> commands.send(
                        Origin.command(new RevokeAccessTokenCommand(caller.userId(), tokenId), caller, http)))
                .timeout(TIMEOUT)
                .thenReturn(ResponseEntity.status(HttpStatus.NO_CONTENT).<Void>build());
    }

    private record Valid(String name, List<AccessTokenScope> scopes, Instant expiresAt) {}

    private Valid validated(CreateRequest request) {
        String name = request.name() == null ? "" : request.name().strip();
        if (name.isEmpty() || name.length() > MAX_NAME_LENGTH || name.chars().anyMatch(Character::isISOControl)) {
            throw RequestValidationException.of(
                    "body", "name", "Name must be 1 to " + MAX_NAME_LENGTH + " characters, without control characters");
        }
        if (request.scopes() == null || request.scopes().isEmpty()) {
            throw RequestValidationException.of(
                    "body", "scopes", "Give at least one scope of " + AccessTokenScope.wireNames());
        }
        Set<AccessTokenScope> scopes = new LinkedHashSet<>();
        for (String scope : request.scopes()) {
            scopes.add(AccessTokenScope.fromWire(scope)
                    .orElseThrow(() -> RequestValidationException.of(
                            "body",
                            "scopes",
                            "Unknown scope '" + scope + "'. Known: " + AccessTokenScope.wireNames())));
        }
        Instant expiresAt = null;
        if (request.expiresAt() != null) {
            try {
                expiresAt = Instant.parse(request.expiresAt());
            } catch (DateTimeParseException e) {
                throw RequestValidationException.of(
                        "body", "expires_at", "expires_at must be an ISO-8601 instant such as 2030-01-01T00:00:00Z");
            }
            if (!expiresAt.isAfter(clock.instant())) {
                throw RequestValidationException.of("body", "expires_at", "expires_at must be in the future");
            }
        }
        return new Valid(name, List.copyOf(scopes), expiresAt);
    }
}

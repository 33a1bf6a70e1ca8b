package dev.sandpod.web.adminusers;

import dev.sandpod.api.error.ErrorCode;
import dev.sandpod.api.error.RequestValidationException;
import dev.sandpod.api.error.SandpodException;
import dev.sandpod.api.user.FindUsersQuery;
import dev.sandpod.api.user.UserResponse;
import dev.sandpod.api.user.UserRole;
import dev.sandpod.api.user.UserView;
import dev.sandpod.api.web.Caller;
import dev.sandpod.api.ratelimit.FindUserRateLimitsQuery;
import dev.sandpod.api.ratelimit.UserRateLimitsView;
import dev.sandpod.api.user.FindUserQuery;
import dev.sandpod.api.user.UserPageView;
import org.axonframework.queryhandling.QueryGateway;
import reactor.core.publisher.Flux;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** Admin reads of accounts (SPEC §9): the list with search, role filter and paging, and one account. */
@RestController
class AdminUserQueryController {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_SEARCH_LENGTH = 200;

    private final QueryGateway queries;

    AdminUserQueryController(QueryGateway queries) {
        this.queries = queries;
    }

    record UserListResponse(List<UserResponse> users, long total, int offset, int limit) {
    }

    @GetMapping({"/api/v1/admin/users", "/api/v1/admin/users/"})
    Mono<UserListResponse> list(@RequestParam(required = false, defaultValue = "100") String limit,
            @RequestParam(required = false, defaultValue = "0") String offset,
            @RequestParam(required = false) String search, @RequestParam(required = false) String role,
            Caller caller) {
        requireAdmin(caller);
        int parsedLimit = parseInt("limit", limit, 1, 1000);
        int parsedOffset = parseInt("offset", offset, 0, Integer.MAX_VALUE);
        if (search != null && (search.length() > MAX_SEARCH_LENGTH || search.chars().anyMatch(Character::isISOControl))) {
            throw RequestValidationException.of("query", "search",
                    "search must be at most " + MAX_SEARCH_LENGTH + " characters without control characters");
        }
        UserRole parsedRole = parseRole(role);
        var query = new FindUsersQuery(search, parsedRole, parsedLimit, parsedOffset);
        return Mono.fromFuture(() -> queries.query(query, UserPageView.class))
                .flatMap(page -> Flux.fromIterable(page.users()).concatMap(this::response).collectList()
                        .map(list -> new UserListResponse(list, page.total(), page.offset(), page.limit())))
                .timeout(TIMEOUT);
    }

    @GetMapping({"/api/v1/admin/users/{userId}", "/api/v1/admin/users/{userId}/"})
    Mono<UserResponse> get(@PathVariable String userId, Caller caller) {
        requireAdmin(caller);
        return Mono.fromFuture(() -> queries.query(new FindUserQuery(userId), UserView.class))
                .switchIfEmpty(Mono.error(new SandpodException(ErrorCode.NOT_FOUND, "User not found")))
                .flatMap(this::response)
                .timeout(TIMEOUT);
    }

    private Mono<UserResponse> response(UserView view) {
        return Mono.fromFuture(() -> queries.query(new FindUserRateLimitsQuery(view.userId()), UserRateLimitsView.class))
                .map(limits -> UserResponse.of(view, limits))
                .defaultIfEmpty(UserResponse.of(view));
    }

    private static UserRole parseRole(String role) {
        if (role == null || role.isBlank()) {
            return null;
        }
        try {
            return UserRole.fromWire(role.trim());
        } catch (RuntimeException e) {
            throw RequestValidationException.of("query", "role", "Input should be one of "
                    + Arrays.stream(UserRole.values()).map(UserRole::wireName).toList());
        }
    }

    private static int parseInt(String field, String value, int min, int max) {
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // answered below as a validation error
        }
        throw RequestValidationException.of("query", field, "Input should be an integer between " + min + " and " + max);
    }

    private static void requireAdmin(Caller caller) {
        if (!caller.isAdmin()) {
            throw new SandpodException(ErrorCode.ADMIN_REQUIRED, "Admin access required");
        }
    }
}

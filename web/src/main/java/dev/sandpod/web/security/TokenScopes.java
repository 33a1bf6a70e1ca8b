package dev.sandpod.web.security;

import dev.sandpod.api.user.AccessTokenScope;
import java.util.Collection;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.http.HttpMethod;

/**
 * Which scope a request made with a personal access token needs. {@code admin} covers every route (as far as
 * the account's role allows); {@code read} every read; {@code execute} running, cancelling and retrying scripts
 * and reading those runs; {@code scripts} the saved scripts. Managing tokens, and logging out, need a browser
 * session: no token can create, list or revoke tokens.
 */
final class TokenScopes {

    private static final Pattern SESSION_ONLY = Pattern.compile("^/api/v1/(user/tokens(/.*)?|auth/logout)$");
    private static final Pattern EXECUTE_WRITE =
            Pattern.compile("^/api/v1/(execute|executions/batch|executions/[^/]+/(cancel|retry))$");
    private static final Pattern EXECUTE_READ = Pattern.compile(
            "^/api/v1/(executions|executions/[^/]+/(result|events)|user/executions|events/executions/[^/]+"
                    + "|k8s-limits|example-scripts)$");
    private static final Pattern SCRIPTS = Pattern.compile("^/api/v1/scripts(/.*)?$");

    private TokenScopes() {}

    /**
     * Empty when the token's scopes allow the request; otherwise why not. {@code path} has no trailing slash.
     */
    static Optional<String> refusal(HttpMethod method, String path, Collection<AccessTokenScope> scopes) {
        if (SESSION_ONLY.matcher(path).matches()) {
            return Optional.of("Access tokens cannot be used here; sign in");
        }
        if (scopes.contains(AccessTokenScope.ADMIN)) {
            return Optional.empty();
        }
        boolean read = HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method);
        if (read && scopes.contains(AccessTokenScope.READ)) {
            return Optional.empty();
        }
        if (scopes.contains(AccessTokenScope.EXECUTE)
                && (read ? EXECUTE_READ : EXECUTE_WRITE).matcher(path).matches()) {
            return Optional.empty();
        }
        if (scopes.contains(AccessTokenScope.SCRIPTS) && SCRIPTS.matcher(path).matches()) {
            return Optional.empty();
        }
        return Optional.of("This access token's scopes do not allow this request");
    }
}

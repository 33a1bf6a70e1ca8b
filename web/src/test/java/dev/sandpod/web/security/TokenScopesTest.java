package dev.sandpod.web.security;

import static dev.sandpod.api.user.AccessTokenScope.ADMIN;
import static dev.sandpod.api.user.AccessTokenScope.EXECUTE;
import static dev.sandpod.api.user.AccessTokenScope.READ;
import static dev.sandpod.api.user.AccessTokenScope.SCRIPTS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sandpod.api.user.AccessTokenScope;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;

class TokenScopesTest {

    private static boolean allows(HttpMethod method, String path, AccessTokenScope... scopes) {
        return TokenScopes.refusal(method, path, List.of(scopes)).isEmpty();
    }

    @Test
    void executeRunsCancelsRetriesAndReadsRunsButNothingElse() {
        assertThat(allows(HttpMethod.POST, "/api/v1/execute", EXECUTE)).isTrue();
        assertThat(allows(HttpMethod.POST, "/api/v1/executions/batch", EXECUTE)).isTrue();
        assertThat(allows(HttpMethod.POST, "/api/v1/executions/e1/cancel", EXECUTE))
                .isTrue();
        assertThat(allows(HttpMethod.POST, "/api/v1/executions/e1/retry", EXECUTE))
                .isTrue();
        assertThat(allows(HttpMethod.GET, "/api/v1/executions/e1/result", EXECUTE))
                .isTrue();
        assertThat(allows(HttpMethod.GET, "/api/v1/executions", EXECUTE)).isTrue();
        assertThat(allows(HttpMethod.GET, "/api/v1/events/executions/e1", EXECUTE))
                .isTrue();
        assertThat(allows(HttpMethod.DELETE, "/api/v1/executions/e1", EXECUTE)).isFalse();
        assertThat(allows(HttpMethod.GET, "/api/v1/user/settings", EXECUTE)).isFalse();
        assertThat(allows(HttpMethod.POST, "/api/v1/scripts", EXECUTE)).isFalse();
        assertThat(allows(HttpMethod.GET, "/api/v1/admin/users", EXECUTE)).isFalse();
    }

    @Test
    void readReadsButNeverWrites() {
        assertThat(allows(HttpMethod.GET, "/api/v1/user/settings", READ)).isTrue();
        assertThat(allows(HttpMethod.HEAD, "/api/v1/notifications", READ)).isTrue();
        assertThat(allows(HttpMethod.POST, "/api/v1/execute", READ)).isFalse();
        assertThat(allows(HttpMethod.PUT, "/api/v1/user/settings", READ)).isFalse();
    }

    @Test
    void scriptsCoversTheSavedScriptsOnly() {
        assertThat(allows(HttpMethod.POST, "/api/v1/scripts", SCRIPTS)).isTrue();
        assertThat(allows(HttpMethod.DELETE, "/api/v1/scripts/s1", SCRIPTS)).isTrue();
        assertThat(allows(HttpMethod.GET, "/api/v1/user/executions", SCRIPTS)).isFalse();
    }

    @Test
    void noTokenManagesTokensOrLogsOutWhateverItsScopes() {
        for (AccessTokenScope scope : AccessTokenScope.values()) {
            assertThat(allows(HttpMethod.GET, "/api/v1/user/tokens", scope)).isFalse();
            assertThat(allows(HttpMethod.POST, "/api/v1/user/tokens", scope)).isFalse();
            assertThat(allows(HttpMethod.DELETE, "/api/v1/user/tokens/t1", scope))
                    .isFalse();
            assertThat(allows(HttpMethod.POST, "/api/v1/auth/logout", scope)).isFalse();
        }
        assertThat(allows(HttpMethod.PUT, "/api/v1/admin/settings", ADMIN)).isTrue();
    }
}

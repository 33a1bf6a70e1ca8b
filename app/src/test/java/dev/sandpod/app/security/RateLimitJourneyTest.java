package dev.sandpod.app.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Rate limits through HTTP with the default rules: per-user counting, headers, 429, admin overrides and what
 * the user is told about them. How the defaults hold against a person and against an abuser: {@link
 * RateLimitAbuseTest}.
 */
@FrontDoorTest
class RateLimitJourneyTest {

    private static final String EXECUTE = "/api/v1/execute";
    private static final Map<String, Object> SCRIPT =
            Map.of("script", "print('x')", "lang", "python", "lang_version", "3.11");

    @LocalServerPort
    int port;

    private Client.Reply execute(Client client) {
        return client.post(EXECUTE, SCRIPT);
    }

    @Test
    void theEleventhQuickExecuteOfOneUserIs429WithRetryAfterAndASecondUserIsUnaffected() {
        Client first = Accounts.user(port, "quick");
        Client second = Accounts.user(port, "other");

        for (int i = 1; i <= 10; i++) {
            Client.Reply reply = execute(first);
            assertThat(reply.status()).as("execute #%d", i).isIn(200, 429);
            if (reply.status() == 429) {
                // the per-user active-execution cap (5) may refuse too; it is not the rate limit
                assertThat(reply.body().get("detail").asText()).doesNotContain("Rate limit");
            }
            assertThat(reply.header("X-RateLimit-Limit")).isEqualTo("10");
            assertThat(reply.header("X-RateLimit-Remaining")).isEqualTo(Integer.toString(10 - i));
        }
        Client.Reply eleventh = execute(first);

        assertThat(eleventh.status()).isEqualTo(429);
        assertThat(eleventh.body().get("detail").asText()).isEqualTo("Rate limit exceeded");
        assertThat(eleventh.body().get("type").asText()).isNotBlank();
        long retryAfter = eleventh.body().get("retry_after").asLong();
        assertThat(retryAfter).isBetween(1L, 61L);
        assertThat(eleventh.header("Retry-After")).isEqualTo(Long.toString(retryAfter));
        assertThat(Instant.parse(eleventh.body().get("reset_at").asText())).isAfter(Instant.now());
        assertThat(eleventh.header("X-RateLimit-Remaining")).isEqualTo("0");

        assertThat(execute(second).status()).isEqualTo(200);
        assertThat(execute(second).header("X-RateLimit-Remaining")).isEqualTo("8");
    }

    @Test
    void anAdminOverrideRaisingTheLimitTakesEffectAtOnce() {
        Client user = Accounts.user(port, "raised");
        Client admin = Accounts.admin(port, "raiser");
        String userId = user.userId();
        for (int i = 0; i < 10; i++) {
            execute(user);
        }
        assertThat(execute(user).status()).isEqualTo(429);

        Client.Reply put = admin.put(
                "/api/v1/admin/rate-limits/" + userId,
                Client.body(
                        "global_multiplier",
                        1.0,
                        "notes",
                        "grader",
                        "rules",
                        List.of(Client.body(
                                "endpoint_pattern",
                                "^/api/v1/execute$",
                                "group",
                                "execution",
                                "requests",
                                1000,
                                "window_seconds",
                                60))));

        assertThat(put.status()).isEqualTo(200);
        assertThat(put.body().get("updated").asBoolean()).isTrue();
        JsonNode config = put.body().get("config");
        assertThat(config.get("user_id").asText()).isEqualTo(userId);
        assertThat(config.get("notes").asText()).isEqualTo("grader");
        assertThat(config.get("rules").get(0).get("requests").asInt()).isEqualTo(1000);
        assertThat(config.get("rules").get(0).get("algorithm").asText()).isEqualTo("sliding_window");
        Client.Reply after = execute(user);
        assertThat(after.header("X-RateLimit-Limit")).isEqualTo("1000");
        assertThat(after.body().get("detail") == null
                        || !after.body().get("detail").asText().equals("Rate limit exceeded"))
                .isTrue();

        Client.Reply read = admin.get("/api/v1/admin/rate-limits/" + userId);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.body().get("rate_limit_config").get("rules")).hasSize(1);
        assertThat(read.body()
                        .get("current_usage")
                        .get("execution")
                        .get("remaining")
                        .asInt())
                .isLessThan(1000);
        assertThat(read.body()
                        .get("current_usage")
                        .get("execution")
                        .get("algorithm")
                        .asText())
                .isEqualTo("sliding_window");
        Client.Reply listed = admin.get("/api/v1/admin/users/" + userId);
        assertThat(listed.body().get("has_custom_limits").asBoolean()).isTrue();
    }

    @Test
    void aMultiplierScalesTheDefaultsAndBypassSkipsCounting() {
        Client user = Accounts.user(port, "scaled");
        Client admin = Accounts.admin(port, "scaler");
        String userId = user.userId();

        admin.put("/api/v1/admin/rate-limits/" + userId, Client.body("global_multiplier", 3.0));
        assertThat(user.get("/api/v1/user/executions").header("X-RateLimit-Limit"))
                .isEqualTo("3600");

        admin.put("/api/v1/admin/rate-limits/" + userId, Client.body("bypass_rate_limit", true));
        Client.Reply bypassed = user.get("/api/v1/user/executions");
        assertThat(bypassed.status()).isEqualTo(200);
        assertThat(bypassed.header("X-RateLimit-Limit")).isNull();
    }

    @Test
    void theUsersOwnAccountReportsTheOverridesThatApplyToItNow() {
        Client user = Accounts.user(port, "me-limits");
        Client admin = Accounts.admin(port, "me-admin");
        String userId = user.userId();
        JsonNode before = user.get("/api/v1/auth/me").body();
        assertThat(before.get("bypass_rate_limit").asBoolean()).isFalse();
        assertThat(before.get("global_multiplier").asDouble()).isEqualTo(1.0);
        assertThat(before.get("has_custom_limits").asBoolean()).isFalse();

        Client.Reply put = admin.put(
                "/api/v1/admin/rate-limits/" + userId,
                Client.body(
                        "bypass_rate_limit",
                        true,
                        "global_multiplier",
                        2.5,
                        "rules",
                        List.of(Client.body(
                                "endpoint_pattern",
                                "^/api/v1/scripts",
                                "group",
                                "api",
                                "requests",
                                5000,
                                "window_seconds",
                                60))));
        assertThat(put.status()).isEqualTo(200);

        Client.Reply me = user.get("/api/v1/auth/me");
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.body().get("bypass_rate_limit").asBoolean()).isTrue();
        assertThat(me.body().get("global_multiplier").asDouble()).isEqualTo(2.5);
        assertThat(me.body().get("has_custom_limits").asBoolean()).isTrue();
        // and the front door applies what /me says: a bypassing user's answers carry no limit
        assertThat(me.header("X-RateLimit-Limit")).isNull();

        admin.post("/api/v1/admin/rate-limits/" + userId + "/reset", null);
        JsonNode after = user.get("/api/v1/auth/me").body();
        assertThat(after.get("bypass_rate_limit").asBoolean()).isFalse();
        assertThat(after.get("global_multiplier").asDouble()).isEqualTo(1.0);
        assertThat(after.get("has_custom_limits").asBoolean()).isFalse();
    }

    @Test
    void resettingDropsTheOverridesAndTheCounters() {
        Client user = Accounts.user(port, "reset");
        Client admin = Accounts.admin(port, "resetter");
        String userId = user.userId();
        admin.put("/api/v1/admin/rate-limits/" + userId, Client.body("global_multiplier", 2.0));
        for (int i = 0; i < 3; i++) {
            execute(user);
        }

        Client.Reply reset = admin.post("/api/v1/admin/rate-limits/" + userId + "/reset", null);

        assertThat(reset.status()).isEqualTo(200);
        assertThat(reset.body().get("message").asText()).isNotBlank();
        Client.Reply read = admin.get("/api/v1/admin/rate-limits/" + userId);
        assertThat(read.body().get("rate_limit_config").isNull()).isTrue();
        assertThat(read.body()
                        .get("current_usage")
                        .get("execution")
                        .get("remaining")
                        .asInt())
                .isEqualTo(10);
        assertThat(execute(user).header("X-RateLimit-Limit")).isEqualTo("10");
    }

    /**
     * Executions (a sandbox each), sign-ins and the admin API keep their limits; event-stream connects and the
     * rest of the API are sized for a person with two tabs whose every page load opens a notification stream.
     */
    @Test
    void theDefaultsKeepTheExecuteLimitAndAreSizedForAPersonOnStreamsAndReads() {
        Client admin = Accounts.admin(port, "defaults");

        Client.Reply defaults = admin.get("/api/v1/admin/rate-limits/defaults");

        assertThat(defaults.status()).isEqualTo(200);
        Map<String, Integer> byGroup = new java.util.HashMap<>();
        defaults.body().forEach(rule -> {
            assertThat(rule.get("window_seconds").asInt()).isEqualTo(60);
            assertThat(rule.get("enabled").asBoolean()).isTrue();
            byGroup.put(rule.get("group").asText(), rule.get("requests").asInt());
        });
        assertThat(byGroup)
                .containsEntry("execution", 10)
                .containsEntry("auth", 20)
                .containsEntry("admin", 100)
                .containsEntry("sse", 180)
                .containsEntry("api", 1200);
    }

    @Test
    void badOverridesAre422AndAnUnknownUserIs404() {
        Client admin = Accounts.admin(port, "validator");
        String userId = Accounts.user(port, "target").userId();

        Client.Reply bad = admin.put(
                "/api/v1/admin/rate-limits/" + userId,
                Client.body(
                        "global_multiplier",
                        -1,
                        "rules",
                        List.of(Client.body(
                                "endpoint_pattern",
                                "([",
                                "group",
                                "nope",
                                "requests",
                                0,
                                "window_seconds",
                                60,
                                "algorithm",
                                "leaky_bucket"))));
        assertThat(bad.status()).isEqualTo(422);
        assertThat(bad.body().get("detail").isArray()).isTrue();
        assertThat(bad.body().get("detail")).hasSizeGreaterThanOrEqualTo(5);

        assertThat(admin.get("/api/v1/admin/rate-limits/no-such-user").status()).isEqualTo(404);
        assertThat(admin.put("/api/v1/admin/rate-limits/no-such-user", Client.body())
                        .status())
                .isEqualTo(404);
    }

    @Test
    void anonymousCallersAreCountedByAddressAndForwardedForIsBelievedOnlyFromTrustedProxies() {
        String address = Accounts.address();
        Client anonymous = Client.anonymous(port, address);

        Client.Reply first = anonymous.get("/api/v1/k8s-limits");
        Client.Reply second = anonymous.get("/api/v1/k8s-limits");
        Client.Reply elsewhere = Client.anonymous(port, Accounts.address()).get("/api/v1/k8s-limits");

        assertThat(first.header("X-RateLimit-Limit")).isEqualTo("1200");
        assertThat(Integer.parseInt(second.header("X-RateLimit-Remaining")))
                .isEqualTo(Integer.parseInt(first.header("X-RateLimit-Remaining")) - 1);
        assertThat(elsewhere.header("X-RateLimit-Remaining")).isEqualTo("1199");
    }

    @Test
    void loginIsLimitedPerAddressAt20AMinute() {
        Client anonymous = Client.anonymous(port, Accounts.address());
        for (int i = 0; i < 20; i++) {
            assertThat(anonymous.login(Accounts.name("nobody"), "wrong").status())
                    .isEqualTo(401);
        }
        Client.Reply refused = anonymous.login(Accounts.name("nobody"), "wrong");
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.header("Retry-After")).isNotBlank();
    }
}

package dev.sandpod.app.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Sessions: a password reset, a deactivation, a role change or a deletion ends every existing
 * session of the account at once (401 on its very next request); {@code session_timeout_minutes} sets a
 * session's lifetime.
 */
@FrontDoorTest
class SessionHardeningJourneyTest {

    private static final String ME = "/api/v1/auth/me";

    @LocalServerPort
    int port;

    private record Victim(String username, String userId, Client first, Client second) {}

    private Victim victim(String prefix) {
        String username = Accounts.name(prefix);
        Client first = Client.register(port, Accounts.address(), username, Accounts.PASSWORD);
        Client second = Client.login(port, Accounts.address(), username, Accounts.PASSWORD);
        assertThat(first.get(ME).status()).isEqualTo(200);
        return new Victim(username, first.userId(), first, second);
    }

    @Test
    void afterAnAdminResetsAPasswordTheOldCookiesGet401AndOnlyTheNewPasswordSignsIn() {
        Victim victim = victim("reset");
        Client admin = Accounts.admin(port, "resetter");

        Client.Reply reset = admin.post(
                "/api/v1/admin/users/" + victim.userId() + "/reset-password",
                Client.body("new_password", "a-brand-new-password"));

        assertThat(reset.status()).isEqualTo(200);
        assertThat(reset.body().get("message").asText()).isNotBlank();
        assertThat(victim.first().get(ME).status()).isEqualTo(401);
        assertThat(victim.second().get(ME).status()).isEqualTo(401);
        assertThat(victim.first()
                        .post("/api/v1/execute", Client.body("script", "print(1)"))
                        .status())
                .isEqualTo(401);
        Client door = Client.anonymous(port, Accounts.address());
        assertThat(door.login(victim.username(), Accounts.PASSWORD).status()).isEqualTo(401);
        Client fresh = Client.login(port, Accounts.address(), victim.username(), "a-brand-new-password");
        assertThat(fresh.get(ME).status()).isEqualTo(200);
        assertThat(admin.get(ME).status())
                .as("the admin's own session is untouched")
                .isEqualTo(200);
    }

    @Test
    void aShortNewPasswordIs422() {
        Victim victim = victim("short");
        Client admin = Accounts.admin(port, "resetter");
        Client.Reply reply = admin.post(
                "/api/v1/admin/users/" + victim.userId() + "/reset-password", Client.body("new_password", "short"));
        assertThat(reply.status()).isEqualTo(422);
        assertThat(victim.first().get(ME).status()).isEqualTo(200);
    }

    @Test
    void deactivationEndsTheSessionsAtOnceAndTheAccountCannotSignIn() {
        Victim victim = victim("deactivated");
        Client admin = Accounts.admin(port, "deactivator");

        Client.Reply update = admin.put("/api/v1/admin/users/" + victim.userId(), Client.body("is_active", false));

        assertThat(update.status()).isEqualTo(200);
        assertThat(update.body().get("is_active").asBoolean()).isFalse();
        assertThat(victim.first().get(ME).status()).isEqualTo(401);
        assertThat(victim.second().get("/api/v1/user/executions").status()).isEqualTo(401);
        assertThat(Client.anonymous(port, Accounts.address())
                        .login(victim.username(), Accounts.PASSWORD)
                        .status())
                .isEqualTo(403);

        admin.put("/api/v1/admin/users/" + victim.userId(), Client.body("is_active", true));
        assertThat(Client.login(port, Accounts.address(), victim.username(), Accounts.PASSWORD)
                        .get(ME)
                        .status())
                .isEqualTo(200);
        assertThat(victim.first().get(ME).status())
                .as("a reactivation does not revive old sessions")
                .isEqualTo(401);
    }

    @Test
    void aRoleChangeEndsTheSessionsThatCarryTheOldRole() {
        Victim victim = victim("promoted");
        Client admin = Accounts.admin(port, "promoter");
        assertThat(victim.first().get("/api/v1/admin/users/").status()).isEqualTo(403);

        admin.put("/api/v1/admin/users/" + victim.userId(), Client.body("role", "admin"));

        assertThat(victim.first().get(ME).status()).isEqualTo(401);
        Client promoted = Client.login(port, Accounts.address(), victim.username(), Accounts.PASSWORD);
        assertThat(promoted.get("/api/v1/admin/users/").status()).isEqualTo(200);
    }

    @Test
    void deletionEndsTheSessionsAtOnceAndFreesTheName() {
        Victim victim = victim("deleted");
        Client admin = Accounts.admin(port, "deleter");

        Client.Reply deleted = admin.delete("/api/v1/admin/users/" + victim.userId());

        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.body().get("user_deleted").asBoolean()).isTrue();
        assertThat(victim.first().get(ME).status()).isEqualTo(401);
        assertThat(victim.second().get(ME).status()).isEqualTo(401);
        assertThat(admin.get("/api/v1/admin/users/" + victim.userId()).status()).isEqualTo(404);
        assertThat(Client.anonymous(port, Accounts.address())
                        .login(victim.username(), Accounts.PASSWORD)
                        .status())
                .isEqualTo(401);
        Client again = Client.register(port, Accounts.address(), victim.username(), "another-password-1");
        assertThat(again.userId()).isNotEqualTo(victim.userId());
    }

    @Test
    void anAdminCannotDeleteDemoteOrDeactivateThemselves() {
        Client admin = Accounts.admin(port, "self");
        String id = admin.userId();
        assertThat(admin.delete("/api/v1/admin/users/" + id).status()).isEqualTo(400);
        assertThat(admin.put("/api/v1/admin/users/" + id, Client.body("role", "user"))
                        .status())
                .isEqualTo(400);
        assertThat(admin.put("/api/v1/admin/users/" + id, Client.body("is_active", false))
                        .status())
                .isEqualTo(400);
        assertThat(admin.get(ME).status()).isEqualTo(200);
    }

    @Test
    void logoutEndsThatSessionOnly() {
        Victim victim = victim("logout");
        assertThat(victim.first().post("/api/v1/auth/logout", null).status()).isEqualTo(200);
        assertThat(victim.first().get(ME).status()).isEqualTo(401);
        assertThat(victim.second().get(ME).status()).isEqualTo(200);
    }

    @Test
    void theSessionLifetimeIsTheSessionTimeoutOfTheSystemSettings() {
        Client admin = Accounts.admin(port, "timeout");
        String username = Accounts.name("timed");
        Client.register(port, Accounts.address(), username, Accounts.PASSWORD);
        try {
            assertThat(admin.put("/api/v1/admin/settings/", Client.body("session_timeout_minutes", 7))
                            .status())
                    .isEqualTo(200);
            await().atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() -> {
                        Client.Reply login =
                                Client.anonymous(port, Accounts.address()).login(username, Accounts.PASSWORD);
                        assertThat(login.headers().get("Set-Cookie"))
                                .anySatisfy(c -> assertThat(c)
                                        .startsWith("access_token=")
                                        .contains("Max-Age=420"))
                                .anySatisfy(c ->
                                        assertThat(c).startsWith("csrf_token=").contains("Max-Age=420"));
                    });
        } finally {
            admin.put("/api/v1/admin/settings/", Client.body("session_timeout_minutes", 60));
        }
    }
}

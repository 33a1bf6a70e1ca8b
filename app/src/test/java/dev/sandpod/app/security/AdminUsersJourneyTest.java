package dev.sandpod.app.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/** User administration: list with search, role and paging, create, get, update, delete. */
@FrontDoorTest
class AdminUsersJourneyTest {

    private static final String USERS = "/api/v1/admin/users/";

    @LocalServerPort
    int port;

    @Test
    void anAdminCreatesAUserThatCanSignInAndSeesItInTheList() {
        Client admin = Accounts.admin(port, "creator");
        String username = Accounts.name("made");

        Client.Reply created = admin.post(
                USERS,
                Client.body(
                        "username",
                        username,
                        "email",
                        username + "@example.com",
                        "password",
                        Accounts.PASSWORD,
                        "role",
                        "moderator"));

        assertThat(created.status()).isEqualTo(200);
        JsonNode user = created.body();
        assertThat(user.get("username").asText()).isEqualTo(username);
        assertThat(user.get("role").asText()).isEqualTo("moderator");
        assertThat(user.get("is_active").asBoolean()).isTrue();
        assertThat(user.get("is_superuser").asBoolean()).isFalse();
        assertThat(user.get("bypass_rate_limit").asBoolean()).isFalse();
        assertThat(user.get("global_multiplier").asDouble()).isEqualTo(1.0);
        assertThat(user.has("password")).isFalse();
        assertThat(created.raw()).doesNotContain(Accounts.PASSWORD);
        assertThat(Client.login(port, Accounts.address(), username, Accounts.PASSWORD)
                        .get("/api/v1/auth/me")
                        .body()
                        .get("role")
                        .asText())
                .isEqualTo("moderator");

        JsonNode page = admin.get(USERS + "?search=" + username.toUpperCase() + "&limit=10")
                .body();
        assertThat(page.get("total").asLong()).isEqualTo(1);
        assertThat(page.get("limit").asInt()).isEqualTo(10);
        assertThat(page.get("offset").asInt()).isZero();
        assertThat(page.get("users").get(0).get("user_id").asText())
                .isEqualTo(user.get("user_id").asText());
        assertThat(admin.get(USERS + "?role=admin&limit=1000").body().get("users"))
                .allSatisfy(u -> assertThat(u.get("role").asText()).isEqualTo("admin"));
        assertThat(admin.get(USERS + user.get("user_id").asText())
                        .body()
                        .get("email")
                        .asText())
                .isEqualTo(username + "@example.com");
    }

    @Test
    void searchIsLiteralTextNotAPattern() {
        Client admin = Accounts.admin(port, "searcher");
        Client.Reply reply = admin.get(USERS + "?search=.*");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body().get("total").asLong()).isZero();
    }

    @Test
    void duplicatesAre409AndBadInputIs422() {
        Client admin = Accounts.admin(port, "dupes");
        String username = Accounts.name("twice");
        admin.post(
                USERS,
                Client.body("username", username, "email", username + "@example.com", "password", Accounts.PASSWORD));

        assertThat(admin.post(
                                USERS,
                                Client.body(
                                        "username",
                                        username.toUpperCase(),
                                        "email",
                                        "x" + username + "@example.com",
                                        "password",
                                        Accounts.PASSWORD))
                        .status())
                .isEqualTo(409);
        assertThat(admin.post(
                                USERS,
                                Client.body(
                                        "username",
                                        Accounts.name("new"),
                                        "email",
                                        username.toUpperCase() + "@EXAMPLE.com",
                                        "password",
                                        Accounts.PASSWORD))
                        .status())
                .isEqualTo(409);
        Client.Reply invalid =
                admin.post(USERS, Client.body("username", "a", "email", "nope", "password", "short", "role", "god"));
        assertThat(invalid.status()).isEqualTo(422);
        assertThat(invalid.body().get("detail")).hasSize(4);
        assertThat(admin.get(USERS + "?limit=0").status()).isEqualTo(422);
        assertThat(admin.get(USERS + "?role=god").status()).isEqualTo(422);
        assertThat(admin.get(USERS + "no-such-user").status()).isEqualTo(404);
        assertThat(admin.put(USERS + "no-such-user", Client.body("role", "user"))
                        .status())
                .isEqualTo(404);
        assertThat(admin.delete(USERS + "no-such-user").status()).isEqualTo(404);
    }

    @Test
    void renamingMovesTheNameAndTheEmail() {
        Client admin = Accounts.admin(port, "renamer");
        String before = Accounts.name("before");
        String after = Accounts.name("after");
        String id = admin.post(
                        USERS,
                        Client.body(
                                "username", before, "email", before + "@example.com", "password", Accounts.PASSWORD))
                .body()
                .get("user_id")
                .asText();

        Client.Reply renamed = admin.put(USERS + id, Client.body("username", after, "email", after + "@example.com"));

        assertThat(renamed.status()).isEqualTo(200);
        assertThat(renamed.body().get("username").asText()).isEqualTo(after);
        assertThat(Client.login(port, Accounts.address(), after, Accounts.PASSWORD)
                        .userId())
                .isEqualTo(id);
        assertThat(Client.anonymous(port, Accounts.address())
                        .login(before, Accounts.PASSWORD)
                        .status())
                .isEqualTo(401);
        Client reuse = Client.register(port, Accounts.address(), before, Accounts.PASSWORD);
        assertThat(reuse.userId()).isNotEqualTo(id);
        assertThat(admin.put(USERS + id, Client.body("username", before)).status())
                .isEqualTo(409);
    }

    @Test
    void aPasswordChangedThroughUpdateEndsTheSessionsToo() {
        Client admin = Accounts.admin(port, "changer");
        Client victim = Accounts.user(port, "changed");
        String id = victim.userId();

        assertThat(admin.put(USERS + id, Client.body("password", "another-long-password"))
                        .status())
                .isEqualTo(200);

        assertThat(victim.get("/api/v1/auth/me").status()).isEqualTo(401);
    }

    @Test
    void usersCannotReachTheUserAdministration() {
        Client user = Accounts.user(port, "plain");
        assertThat(user.get(USERS).status()).isEqualTo(403);
        assertThat(user.post(USERS, Client.body("username", "x")).status()).isEqualTo(403);
        assertThat(Client.anonymous(port, Accounts.address()).get(USERS).status())
                .isEqualTo(401);
    }
}

package dev.sandpod.app.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Locale;
import java.util.UUID;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.mongodb.core.MongoTemplate;

/** Login lockout through HTTP, with the thresholds of the system settings (5 attempts, 15 minutes). */
@FrontDoorTest
class LoginLockoutJourneyTest {

    private static final String WRONG = "not-the-password";

    @LocalServerPort
    int port;

    @Autowired
    MongoTemplate mongo;

    private String registered(String prefix) {
        String username = Accounts.name(prefix);
        Client.register(port, Accounts.address(), username, Accounts.PASSWORD);
        return username;
    }

    @Test
    void fiveWrongPasswordsLockTheAccountEvenForTheRightOneAndAnAdminUnlocksIt() {
        String username = registered("locked");
        Client door = Client.anonymous(port, Accounts.address());
        for (int i = 1; i <= 5; i++) {
            Client.Reply wrong = door.login(username, WRONG);
            assertThat(wrong.status()).as("attempt %d", i).isEqualTo(401);
            assertThat(wrong.body().get("detail").asText()).isEqualTo("Invalid credentials");
        }

        Client.Reply sixth = door.login(username, Accounts.PASSWORD);

        assertThat(sixth.status()).isEqualTo(423);
        assertThat(sixth.body().get("detail").asText()).contains("locked");
        assertThat(sixth.body().get("type").asText()).isNotBlank();
        assertThat(sixth.headers().get("Set-Cookie")).isNull();

        Client admin = Accounts.admin(port, "unlocker");
        String userId = admin.get("/api/v1/admin/users/?search=" + username)
                .body()
                .get("users")
                .get(0)
                .get("user_id")
                .asText();
        Client.Reply unlocked = admin.post("/api/v1/admin/users/" + userId + "/unlock", null);
        assertThat(unlocked.status()).isEqualTo(200);
        assertThat(unlocked.body().get("user_id").asText()).isEqualTo(userId);
        assertThat(unlocked.body().get("message").asText()).isNotBlank();

        assertThat(door.login(username, Accounts.PASSWORD).status()).isEqualTo(200);
    }

    @Test
    void aSuccessfulLoginClearsTheCount() {
        String username = registered("cleared");
        Client door = Client.anonymous(port, Accounts.address());
        for (int i = 0; i < 4; i++) {
            door.login(username, WRONG);
        }
        assertThat(door.login(username, Accounts.PASSWORD).status()).isEqualTo(200);
        for (int i = 0; i < 4; i++) {
            assertThat(door.login(username, WRONG).status()).isEqualTo(401);
        }
        assertThat(door.login(username, Accounts.PASSWORD).status()).isEqualTo(200);
    }

    @Test
    void anUnknownUsernameLocksLikeAKnownOneSo423SaysNothingAboutWhoExists() {
        String nobody = Accounts.name("ghost");
        Client door = Client.anonymous(port, Accounts.address());
        for (int i = 0; i < 5; i++) {
            assertThat(door.login(nobody, WRONG).status()).isEqualTo(401);
        }
        assertThat(door.login(nobody, WRONG).status()).isEqualTo(423);
    }

    @Test
    void aNameWhoseRegistrationIsUnderWayIsUnknownToALoginNotAServerError() {
        // A registration claims the name first and records the account after it: this is the moment between.
        String midway = Accounts.name("midway");
        mongo.getCollection("user_directory")
                .insertOne(new Document("_id", "username:" + midway.toLowerCase(Locale.ROOT))
                        .append("userId", UUID.randomUUID().toString()));
        Client.Reply reply = Client.anonymous(port, Accounts.address()).login(midway, Accounts.PASSWORD);
        assertThat(reply.status()).as(reply.body().toString()).isEqualTo(401);
        assertThat(reply.body().get("detail").asText()).isEqualTo("Invalid credentials");
    }

    @Test
    void theLockCountsForTheUsernameWhateverItsCaseAndAddress() {
        String username = registered("cased");
        for (int i = 0; i < 5; i++) {
            Client.anonymous(port, Accounts.address()).login(i % 2 == 0 ? username.toUpperCase() : username, WRONG);
        }
        assertThat(Client.anonymous(port, Accounts.address())
                        .login(username, Accounts.PASSWORD)
                        .status())
                .isEqualTo(423);
    }

    @Test
    void unlockingAnUnknownUserIs404() {
        Client admin = Accounts.admin(port, "unlocker");
        assertThat(admin.post("/api/v1/admin/users/no-such-user/unlock", null).status())
                .isEqualTo(404);
    }

    @Test
    void theThresholdFollowsTheSystemSettings() {
        Client admin = Accounts.admin(port, "settings");
        try {
            assertThat(admin.put("/api/v1/admin/settings/", Client.body("max_login_attempts", 3))
                            .status())
                    .isEqualTo(200);
            String username = registered("strict");
            // every instance reads the settings within a few seconds
            await().atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() -> {
                        String probe = Accounts.name("probe");
                        Client door = Client.anonymous(port, Accounts.address());
                        for (int i = 0; i < 3; i++) {
                            door.login(probe, WRONG);
                        }
                        assertThat(door.login(probe, WRONG).status()).isEqualTo(423);
                    });
            Client door = Client.anonymous(port, Accounts.address());
            for (int i = 0; i < 3; i++) {
                assertThat(door.login(username, WRONG).status()).isEqualTo(401);
            }
            assertThat(door.login(username, Accounts.PASSWORD).status()).isEqualTo(423);
        } finally {
            admin.put("/api/v1/admin/settings/", Client.body("max_login_attempts", 5));
        }
    }
}

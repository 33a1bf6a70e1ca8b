package dev.sandpod.app.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandpod.app.SandpodApplication;
import dev.sandpod.web.ratelimit.RateLimitStore;
import dev.sandpod.web.ratelimit.RedisProcess;
import java.nio.file.Files;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two app instances on one real {@code redis-server} ({@code SANDPOD_REDIS_URL}): rate-limit counters and
 * login lockouts are shared — a client cannot double its allowance by alternating instances.
 */
class RedisSharedCountersTest {

    private static RedisProcess redis;
    private static ConfigurableApplicationContext first;
    private static ConfigurableApplicationContext second;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisProcess.start();
        first = instance();
        second = instance();
    }

    @AfterAll
    static void stop() {
        for (ConfigurableApplicationContext context : new ConfigurableApplicationContext[] {first, second}) {
            if (context != null) {
                context.close();
            }
        }
        if (redis != null) {
            redis.close();
        }
    }

    private static ConfigurableApplicationContext instance() throws Exception {
        return new SpringApplicationBuilder(SandpodApplication.class)
                // As command-line arguments: they rank above application.yml (builder properties rank below it).
                .run(
                        "--server.port=0",
                        "--sandpod.data-dir=" + Files.createTempDirectory("sandpod-redis-instance"),
                        "--sandpod.security.bcrypt.cost=4",
                        "--sandpod.security.trusted-proxies=127.0.0.1",
                        "--sandpod.redis.url=" + redis.url(),
                        "--spring.data.redis.url=" + redis.url());
    }

    private static int portOf(ConfigurableApplicationContext context) {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }

    @Test
    void bothInstancesKeepTheirCountersInRedis() {
        assertThat(first.getBean(RateLimitStore.class).kind()).isEqualTo("redis");
        assertThat(second.getBean(RateLimitStore.class).kind()).isEqualTo("redis");
    }

    @Test
    void alternatingInstancesDoesNotDoubleTheLoginAllowanceOfAnAddress() {
        String address = Accounts.address();
        Client onFirst = Client.anonymous(portOf(first), address);
        Client onSecond = Client.anonymous(portOf(second), address);
        for (int i = 0; i < 20; i++) {
            Client door = i % 2 == 0 ? onFirst : onSecond;
            assertThat(door.login(Accounts.name("nobody"), "wrong").status())
                    .as("attempt %d", i + 1)
                    .isEqualTo(401);
        }

        Client.Reply refused = onFirst.login(Accounts.name("nobody"), "wrong");

        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.header("Retry-After")).isNotBlank();
        assertThat(onSecond.login(Accounts.name("nobody"), "wrong").status()).isEqualTo(429);
    }

    @Test
    void aLockoutOnOneInstanceHoldsOnTheOther() {
        String username = Accounts.name("shared-lock");
        for (int i = 0; i < 5; i++) {
            Client door = Client.anonymous(i % 2 == 0 ? portOf(first) : portOf(second), Accounts.address());
            assertThat(door.login(username, "wrong").status()).isEqualTo(401);
        }
        assertThat(Client.anonymous(portOf(second), Accounts.address())
                        .login(username, "wrong")
                        .status())
                .isEqualTo(423);
        assertThat(Client.anonymous(portOf(first), Accounts.address())
                        .login(username, "wrong")
                        .status())
                .isEqualTo(423);
    }
}

package dev.sandpod.app.security;

import dev.sandpod.app.SandpodApplication;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The one application context of the front-door tests: the built-in default rate-limit rules (nothing
 * raised), the loopback address trusted as a proxy so each test can speak from its own client address, and
 * one-second SSE heartbeats. Every class using it shares the context; each test uses its own users and
 * addresses, so counters never cross between tests. A metrics scrape token is configured.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
// Spring Boot tests switch metrics export off; the front door serves /actuator/prometheus as production does.
@AutoConfigureObservability(tracing = false)
@SpringBootTest(
        classes = SandpodApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            // A fresh data dir per context; read by the embedded infrastructure before the context starts.
            "sandpod.data-dir=${java.io.tmpdir}/sandpod-test-${random.uuid}",
            "sandpod.security.bcrypt.cost=4",
            "sandpod.security.trusted-proxies=127.0.0.1",
            "sandpod.execution.timeout-seconds=30",
            "sandpod.sse.heartbeat=1s",
            "sandpod.notifications.grafana-secret=front-door-grafana-secret",
            "sandpod.security.metrics-scrape-token=" + FrontDoorTest.SCRAPE_TOKEN,
        })
@interface FrontDoorTest {

    /** What a metrics scraper sends as {@code Authorization: Bearer …}. */
    String SCRAPE_TOKEN = "front-door-scrape-token-0123456789";
}

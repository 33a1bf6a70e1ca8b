package dev.sandpod.app.observability;

import dev.sandpod.app.SandpodApplication;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The one application context of the metrics tests, with metrics and tracing on as in production (Spring Boot
 * tests switch both off by default). The classes using it share the context; each measures differences between
 * two scrapes, so they do not disturb each other.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@AutoConfigureObservability
@SpringBootTest(
        classes = SandpodApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "sandpod.data-dir=${java.io.tmpdir}/sandpod-test-${random.uuid}",
            "sandpod.execution.timeout-seconds=5",
            "sandpod.security.bcrypt.cost=4",
            "sandpod.rate-limit.enabled=false",
        })
@interface ObservedApp {}

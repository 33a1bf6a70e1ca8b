package dev.sandpod.app;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The one executable: API, event processors and (by default) the local executor in one process. */
@SpringBootApplication(scanBasePackages = "dev.sandpod")
@ConfigurationPropertiesScan("dev.sandpod")
public class SandpodApplication {

    public static void main(String[] args) {
        // Axon's update checker phones home and logs stack traces on a closed network; only a system
        // property turns it off (a Spring property is read too late).
        System.setProperty("axoniq.update-checker.disabled", "true");
        SpringApplication.run(SandpodApplication.class, args);
    }
}

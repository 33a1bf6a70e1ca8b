package dev.sandpod.app;

import dev.sandpod.app.embedded.BackupCommand;
import dev.sandpod.app.roles.ExecutorOnlyApplication;
import dev.sandpod.app.roles.SandpodRoles;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The one executable: API, event processors and (by default) the local executor in one process; {@code SANDPOD_ROLES}
 * picks a subset ({@link SandpodRoles}).
 */
@SpringBootApplication(scanBasePackages = "dev.sandpod")
@ConfigurationPropertiesScan("dev.sandpod")
public class SandpodApplication {

    public static void main(String[] args) {
        if (args.length > 0 && (args[0].equals("backup") || args[0].equals("restore"))) {
            // ./sandpod backup|restore DIR: no application context, only the data directory.
            System.exit(BackupCommand.run(args, BackupCommand.dataDir(), System.out, System.err));
        }
        // Axon's update checker phones home and logs stack traces on a closed network; only a system
        // property turns it off (a Spring property is read too late).
        System.setProperty("axoniq.update-checker.disabled", "true");
        if (SandpodRoles.fromProcess(args, System::getProperty, System.getenv()).executorOnly()) {
            // SANDPOD_ROLES=executor: only Kafka, the runner and health (no Mongo, event store or JobRunr).
            ExecutorOnlyApplication.run(args);
            return;
        }
        SpringApplication.run(SandpodApplication.class, args);
    }
}

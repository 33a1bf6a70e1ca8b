package dev.sandpod.executor.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandpod.executor.ExecutorProperties;
import dev.sandpod.executor.TestSettings;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * H36's rule for the mode without root: runs would all share the JVM's uid and its per-uid kernel quotas, so the
 * runner refuses that mode (its capabilities say why, the log shows it as an error) unless an admin accepts it,
 * and then it is reported as shared.
 */
class SharedUidModeTest {

    @TempDir
    Path work;

    @Test
    void withoutRootTheRunnerRefusesUnlessSharingTheUidIsAccepted() {
        try (SandboxHost host = new SandboxHost(settings(false), "t1", false)) {
            assertThat(host.problem())
                    .contains("share its uid")
                    .contains("sandpod.executor.sandbox.allow-shared-uid=true");
            assertThat(host.describe(host.problem()).available()).isFalse();
        }
        try (SandboxHost host = new SandboxHost(settings(true), "t2", false)) {
            assertThat(host.problem()).isNull();
            assertThat(host.describe(null).runAs()).contains("SHARED");
            assertThat(host.protections())
                    .containsEntry("uidMode", "shared with the executor (uid " + SandboxHost.effectiveUid() + ")");
        }
    }

    private ExecutorProperties.Sandbox settings(boolean allow) {
        return TestSettings.executor(Map.of(
                        "sandpod.executor.sandbox.work-dir", work.toString(),
                        "sandpod.executor.sandbox.allow-shared-uid", Boolean.toString(allow),
                        "sandpod.executor.sandbox.cgroups", "none"))
                .sandbox();
    }
}

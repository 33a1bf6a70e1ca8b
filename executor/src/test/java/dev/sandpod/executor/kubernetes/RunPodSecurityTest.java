package dev.sandpod.executor.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandpod.executor.sandbox.SandboxLimits;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every field of the generated run pod that the run limits and the hostile-input rows living in the pod spec depend on
 * (H4/H12/H13 volume limits, H14 nothing writable outside the run's volumes, H15/H16 network policy, H18/H19 no
 * token and no service links, H20 non-root, no privilege escalation, no capabilities, H21 seccomp).
 */
class RunPodSecurityTest {

    private static final String ID = "0b7d6a8e-3c1f-4f2e-9a55-5d2b8f1c9e01";
    private static final SandboxLimits LIMITS =
            new SandboxLimits(Duration.ofSeconds(10), 128L << 20, 500, 64, 1L << 20, 10L << 20);
    private static final PodRuntime PYTHON = new PodRuntime(
            "python",
            "3.11",
            "python:3.11-slim",
            List.of("python", "main.py"),
            "main.py",
            Map.of("PYTHONUNBUFFERED", "1"));
    private static final RunPod.Spec SPEC = new RunPod.Spec(ID, PYTHON, "print('hi')\n", LIMITS);

    private final KubernetesRunnerProperties props =
            KubernetesTestSettings.properties(Map.of("sandpod.executor.kubernetes.runtime-class-name", "gvisor"));
    private final Pod pod = RunPod.pod(SPEC, "sandpod-runs", props, "executor-1", 1234L);
    private final PodSpec spec = pod.getSpec();
    private final Container container = spec.getContainers().get(0);

    @Test
    void thePodIsNamedAndLabelledAfterTheExecution() {
        assertThat(pod.getMetadata().getName()).isEqualTo("sandpod-run-" + ID);
        assertThat(pod.getMetadata().getNamespace()).isEqualTo("sandpod-runs");
        assertThat(pod.getMetadata().getLabels())
                .containsEntry("app.kubernetes.io/managed-by", "sandpod-executor")
                .containsEntry("app.kubernetes.io/name", "sandpod-run")
                .containsEntry("sandpod.dev/execution", ID)
                .containsEntry("sandpod.dev/runtime", "python-3.11");
        assertThat(pod.getMetadata().getAnnotations())
                .containsEntry("sandpod.dev/execution-id", ID)
                .containsEntry("sandpod.dev/owner", "executor-1")
                .containsEntry("sandpod.dev/lease-until", "1234");
    }

    @Test
    void anIdThatIsNoDnsLabelStillGivesAValidDistinctName() {
        String name = RunPod.name("Exec_ID/with weird chars and a lot more text than a label may hold");
        assertThat(name).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?").hasSizeLessThanOrEqualTo(63);
        assertThat(RunPod.name("Exec_ID/with weird chars and a lot more text than a label may hold!"))
                .isNotEqualTo(name);
    }

    @Test
    void thePodRunsOnceWithinItsDeadlineAndNoHostNamespaces() {
        assertThat(spec.getRestartPolicy()).isEqualTo("Never");
        assertThat(spec.getActiveDeadlineSeconds())
                .isEqualTo(10 + props.startAllowance().toSeconds());
        assertThat(spec.getTerminationGracePeriodSeconds()).isEqualTo(3);
        assertThat(spec.getHostNetwork()).isFalse();
        assertThat(spec.getHostPID()).isFalse();
        assertThat(spec.getHostIPC()).isFalse();
        assertThat(spec.getShareProcessNamespace()).isFalse();
        assertThat(spec.getHostUsers()).isFalse();
        assertThat(spec.getRuntimeClassName()).isEqualTo("gvisor");
    }

    @Test
    void thePodGetsNoServiceAccountTokenAndNoServiceLinks() {
        assertThat(spec.getAutomountServiceAccountToken()).isFalse();
        assertThat(spec.getEnableServiceLinks()).isFalse();
        assertThat(container.getEnv())
                .extracting(e -> e.getName())
                .containsExactlyInAnyOrder("HOME", "TMPDIR", "PYTHONUNBUFFERED");
        assertThat(container.getEnv())
                .allSatisfy(e -> assertThat(e.getValueFrom()).isNull());
        assertThat(container.getEnvFrom()).isEmpty();
    }

    @Test
    void everythingRunsAsANonRootUserWithoutPrivilegesOrCapabilities() {
        assertThat(spec.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(spec.getSecurityContext().getRunAsUser()).isEqualTo(65534L);
        assertThat(spec.getSecurityContext().getRunAsGroup()).isEqualTo(65534L);
        assertThat(spec.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        SecurityContext sc = container.getSecurityContext();
        assertThat(sc.getRunAsNonRoot()).isTrue();
        assertThat(sc.getRunAsUser()).isEqualTo(65534L);
        assertThat(sc.getAllowPrivilegeEscalation()).isFalse();
        assertThat(sc.getPrivileged()).isFalse();
        assertThat(sc.getReadOnlyRootFilesystem()).isTrue();
        assertThat(sc.getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(sc.getCapabilities().getAdd()).isEmpty();
        // The shipped Localhost profile (infra/seccomp/sandpod-run.json), stricter than RuntimeDefault (H26, H29, H30).
        assertThat(sc.getSeccompProfile().getType()).isEqualTo("Localhost");
        assertThat(sc.getSeccompProfile().getLocalhostProfile()).isEqualTo("sandpod/run.json");
        assertThat(container.getStdin()).isFalse();
        assertThat(container.getTty()).isFalse();
    }

    @Test
    void requestsEqualLimitsFromTheRunsLimits() {
        Map<String, Quantity> limits = container.getResources().getLimits();
        assertThat(container.getResources().getRequests()).isEqualTo(limits);
        assertThat(limits.get("cpu")).isEqualTo(new Quantity("500m"));
        assertThat(Quantity.getAmountInBytes(limits.get("memory")).longValue()).isEqualTo(128L << 20);
        assertThat(Quantity.getAmountInBytes(limits.get("ephemeral-storage")).longValue())
                .isEqualTo(props.ephemeralStorage().toBytes());
    }

    @Test
    void everyWritablePlaceIsASizeLimitedMemoryVolume() {
        Map<String, Volume> volumes =
                spec.getVolumes().stream().collect(java.util.stream.Collectors.toMap(Volume::getName, v -> v));
        assertThat(volumes).containsOnlyKeys("script", "workspace", "stdout", "stderr");
        assertThat(volumes.get("workspace").getEmptyDir().getMedium()).isEqualTo("Memory");
        assertThat(bytes(volumes.get("workspace").getEmptyDir().getSizeLimit())).isEqualTo(10L << 20);
        for (String stream : List.of("stdout", "stderr")) {
            assertThat(volumes.get(stream).getEmptyDir().getMedium()).isEqualTo("Memory");
            assertThat(bytes(volumes.get(stream).getEmptyDir().getSizeLimit())).isEqualTo((1L << 20) + 4096);
        }
        assertThat(volumes.get("script").getConfigMap().getName())
                .isEqualTo(pod.getMetadata().getName());
        assertThat(volumes.get("script").getConfigMap().getDefaultMode()).isEqualTo(0444);

        Map<String, VolumeMount> mounts = container.getVolumeMounts().stream()
                .collect(java.util.stream.Collectors.toMap(VolumeMount::getMountPath, m -> m));
        assertThat(mounts)
                .containsOnlyKeys(
                        "/sandpod/script", "/workspace", "/tmp", "/dev/shm", "/sandpod/stdout", "/sandpod/stderr");
        assertThat(mounts.get("/sandpod/script").getReadOnly()).isTrue();
        assertThat(mounts.get("/workspace").getSubPath()).isEqualTo("workspace");
        assertThat(mounts.get("/tmp").getSubPath()).isEqualTo("tmp");
        assertThat(mounts.get("/dev/shm").getSubPath()).isEqualTo("shm");
        assertThat(container.getWorkingDir()).isEqualTo("/workspace");
    }

    @Test
    void theContainerRunsTheRegistryImageUnderTheWrapper() {
        assertThat(container.getImage()).isEqualTo("python:3.11-slim");
        assertThat(container.getImagePullPolicy()).isEqualTo("IfNotPresent");
        assertThat(container.getCommand()).startsWith("/bin/sh", "-c");
        assertThat(container.getCommand().subList(3, container.getCommand().size()))
                .containsExactly("sandpod", "10", Long.toString(1L << 20), "main.py", "python", "main.py");
        assertThat(container.getTerminationMessagePath()).isEqualTo("/dev/termination-log");
        assertThat(container.getTerminationMessagePolicy()).isEqualTo("File");
    }

    @Test
    void theConfigMapHoldsTheScriptAndIsOwnedByThePod() {
        Pod created = new PodBuilder(pod)
                .editMetadata()
                .withUid("uid-1")
                .endMetadata()
                .build();
        ConfigMap configMap = RunPod.configMap(SPEC, created);
        assertThat(configMap.getMetadata().getName())
                .isEqualTo(pod.getMetadata().getName());
        assertThat(configMap.getData()).containsExactly(Map.entry("main.py", "print('hi')\n"));
        assertThat(configMap.getImmutable()).isTrue();
        assertThat(configMap.getMetadata().getOwnerReferences()).singleElement().satisfies(owner -> {
            assertThat(owner.getKind()).isEqualTo("Pod");
            assertThat(owner.getApiVersion()).isEqualTo("v1");
            assertThat(owner.getName()).isEqualTo(pod.getMetadata().getName());
            assertThat(owner.getUid()).isEqualTo("uid-1");
        });
    }

    @Test
    void theNetworkPolicyDeniesAllIngressAndEgressOfRunPods() {
        NetworkPolicy policy = NamespaceHardening.denyAll("sandpod-runs");
        assertThat(policy.getMetadata().getNamespace()).isEqualTo("sandpod-runs");
        assertThat(policy.getSpec().getPodSelector().getMatchLabels())
                .isEqualTo(Map.of(
                        "app.kubernetes.io/managed-by", "sandpod-executor", "app.kubernetes.io/name", "sandpod-run"));
        assertThat(pod.getMetadata().getLabels())
                .containsAllEntriesOf(policy.getSpec().getPodSelector().getMatchLabels());
        assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress");
        assertThat(policy.getSpec().getIngress()).isEmpty();
        assertThat(policy.getSpec().getEgress()).isEmpty();
    }

    @Test
    void theNamespaceEnforcesTheRestrictedPodSecurityStandard() {
        assertThat(NamespaceHardening.labels("sandpod-runs").getMetadata().getLabels())
                .containsEntry("pod-security.kubernetes.io/enforce", "restricted")
                .containsEntry("pod-security.kubernetes.io/enforce-version", "latest")
                .containsEntry("pod-security.kubernetes.io/audit", "restricted")
                .containsEntry("pod-security.kubernetes.io/warn", "restricted");
    }

    @Test
    void withoutUserNamespacesHostUsersIsLeftOut() {
        Pod plain = RunPod.pod(
                SPEC,
                "sandpod-runs",
                KubernetesTestSettings.properties(Map.of("sandpod.executor.kubernetes.user-namespace", "false")),
                "executor-1",
                0);
        assertThat(plain.getSpec().getHostUsers()).isNull();
        assertThat(plain.getSpec().getRuntimeClassName()).isNull();
    }

    private static long bytes(Quantity q) {
        return Quantity.getAmountInBytes(q).longValue();
    }
}

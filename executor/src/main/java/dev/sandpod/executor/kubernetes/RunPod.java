package dev.sandpod.executor.kubernetes;

import dev.sandpod.executor.sandbox.SandboxLimits;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The objects of one run: a Pod that runs the runtime image under {@link RunWrapper}, and a ConfigMap
 * holding the script, owned by the Pod so the cluster's garbage collector removes it with the Pod.
 *
 * <p>Every writable place of the run is a memory-backed emptyDir with a size limit: with
 * {@code medium: Memory} the kubelet mounts a tmpfs of that size, so a full volume is ENOSPC inside the run
 * (a disk-backed emptyDir past its limit gets the whole pod evicted instead). Their pages count towards the
 * container's memory limit. {@code /workspace}, {@code /tmp} and {@code /dev/shm} share one volume (one
 * workspace limit, like the local runner); stdout and stderr get one volume each, which is how the per-stream
 * caps apply.
 */
final class RunPod {

    static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    static final String MANAGER = "sandpod-executor";
    static final String NAME_LABEL = "app.kubernetes.io/name";
    static final String RUN = "sandpod-run";
    static final String EXECUTION_LABEL = "sandpod.dev/execution";
    static final String RUNTIME_LABEL = "sandpod.dev/runtime";

    static final String EXECUTION_ID = "sandpod.dev/execution-id";
    static final String OWNER = "sandpod.dev/owner";
    static final String LEASE_UNTIL = "sandpod.dev/lease-until";
    static final String CANCELLED = "sandpod.dev/cancelled";
    static final String MAX_OUTPUT_BYTES = "sandpod.dev/max-output-bytes";
    static final String TIMEOUT_SECONDS = "sandpod.dev/timeout-seconds";
    static final String MEMORY_BYTES = "sandpod.dev/memory-bytes";
    static final String IMAGE = "sandpod.dev/image";

    static final String CONTAINER = "run";

    private static final String PREFIX = "sandpod-run-";
    private static final Pattern LABEL_VALUE = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");
    private static final Pattern LABEL_SAFE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,38}[a-z0-9])?");

    private RunPod() {}

    /** What one pod runs. */
    record Spec(String executionId, PodRuntime runtime, String script, SandboxLimits limits) {}

    /** Name of the pod and its config map; a function of the execution id only, so a pod is never created twice. */
    static String name(String executionId) {
        return PREFIX + labelValue(executionId);
    }

    /**
     * The execution id when it is a DNS label already (UUIDs are); otherwise a readable prefix and a hash, so
     * names stay valid and distinct whatever the id looks like.
     */
    static String labelValue(String executionId) {
        if (LABEL_SAFE.matcher(executionId).matches()) {
            return executionId;
        }
        String readable =
                executionId.toLowerCase().replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        readable = readable.length() > 20 ? readable.substring(0, 20) : readable;
        return (readable.isEmpty() ? "" : readable + "-") + sha256(executionId).substring(0, 16);
    }

    static Map<String, String> selector() {
        return Map.of(MANAGED_BY, MANAGER, NAME_LABEL, RUN);
    }

    static Pod pod(Spec spec, String namespace, KubernetesRunnerProperties props, String owner, long leaseUntil) {
        SandboxLimits limits = spec.limits();
        String name = name(spec.executionId());
        long timeout = Math.max(1, (limits.timeout().toMillis() + 999) / 1000);
        long deadline = timeout + Math.max(1, props.startAllowance().toSeconds());

        Map<String, String> labels = new LinkedHashMap<>(selector());
        labels.put(EXECUTION_LABEL, labelValue(spec.executionId()));
        String runtimeLabel = spec.runtime().lang() + "-" + spec.runtime().version();
        if (LABEL_VALUE.matcher(runtimeLabel).matches()) {
            labels.put(RUNTIME_LABEL, runtimeLabel);
        }

        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put(EXECUTION_ID, spec.executionId());
        annotations.put(OWNER, owner);
        annotations.put(LEASE_UNTIL, Long.toString(leaseUntil));
        annotations.put(MAX_OUTPUT_BYTES, Long.toString(limits.maxOutputBytes()));
        annotations.put(TIMEOUT_SECONDS, Long.toString(timeout));
        annotations.put(MEMORY_BYTES, Long.toString(limits.memoryBytes()));
        annotations.put(IMAGE, spec.runtime().image());

        Map<String, Quantity> resources = new LinkedHashMap<>();
        resources.put("cpu", new Quantity(limits.cpuMillis() + "m"));
        resources.put("memory", new Quantity(Long.toString(limits.memoryBytes())));
        resources.put(
                "ephemeral-storage",
                new Quantity(Long.toString(props.ephemeralStorage().toBytes())));

        List<EnvVar> env = new ArrayList<>();
        env.add(new EnvVar("HOME", RunWrapper.WORKSPACE, null));
        env.add(new EnvVar("TMPDIR", "/tmp", null));
        spec.runtime().env().entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> env.add(new EnvVar(e.getKey(), e.getValue(), null)));

        String outputSize = Long.toString(RunWrapper.outputVolumeBytes(limits.maxOutputBytes()));
        return new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace)
                .withLabels(labels)
                .withAnnotations(annotations)
                .endMetadata()
                .withNewSpec()
                .withRestartPolicy("Never")
                .withActiveDeadlineSeconds(deadline)
                .withTerminationGracePeriodSeconds(
                        Math.max(1, props.terminationGrace().toSeconds()))
                .withAutomountServiceAccountToken(false)
                .withServiceAccountName(props.serviceAccountName())
                .withEnableServiceLinks(false)
                .withHostUsers(props.userNamespace() ? false : null)
                .withHostNetwork(false)
                .withHostPID(false)
                .withHostIPC(false)
                .withShareProcessNamespace(false)
                .withRuntimeClassName(blankToNull(props.runtimeClassName()))
                .withNodeSelector(props.nodeSelector().isEmpty() ? null : props.nodeSelector())
                .withImagePullSecrets(props.imagePullSecrets().stream()
                        .map(LocalObjectReference::new)
                        .toList())
                .withNewSecurityContext()
                .withRunAsNonRoot(true)
                .withRunAsUser(props.runAsUser())
                .withRunAsGroup(props.runAsGroup())
                .withNewSeccompProfile()
                .withType("RuntimeDefault")
                .endSeccompProfile()
                .endSecurityContext()
                .addNewContainer()
                .withName(CONTAINER)
                .withImage(spec.runtime().image())
                .withImagePullPolicy(props.imagePullPolicy())
                .withCommand(RunWrapper.command(
                        timeout,
                        limits.maxOutputBytes(),
                        spec.runtime().fileName(),
                        spec.runtime().command()))
                .withWorkingDir(RunWrapper.WORKSPACE)
                .withEnv(env)
                .withStdin(false)
                .withTty(false)
                .withTerminationMessagePath("/dev/termination-log")
                .withTerminationMessagePolicy("File")
                .withResources(new ResourceRequirementsBuilder()
                        .withRequests(resources)
                        .withLimits(resources)
                        .build())
                .withNewSecurityContext()
                .withRunAsNonRoot(true)
                .withRunAsUser(props.runAsUser())
                .withRunAsGroup(props.runAsGroup())
                .withAllowPrivilegeEscalation(false)
                .withPrivileged(false)
                .withReadOnlyRootFilesystem(true)
                .withNewCapabilities()
                .withDrop("ALL")
                .endCapabilities()
                .withSeccompProfile(seccompProfile(props))
                .endSecurityContext()
                .withVolumeMounts(
                        mount("script", RunWrapper.SCRIPT_DIR, null, true),
                        mount("workspace", RunWrapper.WORKSPACE, "workspace", false),
                        mount("workspace", "/tmp", "tmp", false),
                        mount("workspace", "/dev/shm", "shm", false),
                        mount("stdout", RunWrapper.STDOUT_DIR, null, false),
                        mount("stderr", RunWrapper.STDERR_DIR, null, false))
                .endContainer()
                .withVolumes(
                        new VolumeBuilder()
                                .withName("script")
                                .withNewConfigMap()
                                .withName(name)
                                .withOptional(false)
                                .withDefaultMode(0444)
                                .addNewItem()
                                .withKey(spec.runtime().fileName())
                                .withPath(spec.runtime().fileName())
                                .endItem()
                                .endConfigMap()
                                .build(),
                        memoryVolume("workspace", Long.toString(limits.workspaceBytes())),
                        memoryVolume("stdout", outputSize),
                        memoryVolume("stderr", outputSize))
                .endSpec()
                .build();
    }

    /** The script, owned by its (created) pod: deleting the pod deletes it. */
    static ConfigMap configMap(Spec spec, Pod created) {
        return new ConfigMapBuilder()
                .withNewMetadata()
                .withName(created.getMetadata().getName())
                .withNamespace(created.getMetadata().getNamespace())
                .withLabels(created.getMetadata().getLabels())
                .addToAnnotations(EXECUTION_ID, spec.executionId())
                .withOwnerReferences(new OwnerReferenceBuilder()
                        .withApiVersion("v1")
                        .withKind("Pod")
                        .withName(created.getMetadata().getName())
                        .withUid(created.getMetadata().getUid())
                        .withController(true)
                        .withBlockOwnerDeletion(false)
                        .build())
                .endMetadata()
                .withImmutable(true)
                .addToData(spec.runtime().fileName(), spec.script())
                .build();
    }

    private static io.fabric8.kubernetes.api.model.VolumeMount mount(
            String volume, String path, String subPath, boolean readOnly) {
        return new VolumeMountBuilder()
                .withName(volume)
                .withMountPath(path)
                .withSubPath(subPath)
                .withReadOnly(readOnly)
                .build();
    }

    private static io.fabric8.kubernetes.api.model.Volume memoryVolume(String name, String size) {
        return new VolumeBuilder()
                .withName(name)
                .withNewEmptyDir()
                .withMedium("Memory")
                .withSizeLimit(new Quantity(size))
                .endEmptyDir()
                .build();
    }

    /** The run container's profile: the shipped Localhost one (infra/seccomp/), or RuntimeDefault when blank. */
    static io.fabric8.kubernetes.api.model.SeccompProfile seccompProfile(KubernetesRunnerProperties props) {
        String localhost = blankToNull(props.seccompLocalhostProfile());
        return localhost == null
                ? new io.fabric8.kubernetes.api.model.SeccompProfile(null, "RuntimeDefault")
                : new io.fabric8.kubernetes.api.model.SeccompProfile(localhost, "Localhost");
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

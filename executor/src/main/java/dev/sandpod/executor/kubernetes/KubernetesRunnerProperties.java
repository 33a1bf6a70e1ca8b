package dev.sandpod.executor.kubernetes;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The Kubernetes runner ({@code sandpod.executor.kubernetes.*}, active with {@code SANDPOD_EXECUTOR=kubernetes}).
 * The cluster connection is fabric8's usual auto-configuration (in-cluster service account, {@code KUBECONFIG},
 * {@code ~/.kube/config}) unless {@code kubeconfig} or {@code master-url} says otherwise.
 *
 * @param namespace         where run pods, their config maps and the deny-all NetworkPolicy live; the executor's
 *                          RBAC is limited to it
 * @param kubeconfig        a kubeconfig file to use instead of the auto-configuration
 * @param masterUrl         API server URL to use instead of the auto-configuration (tests, kubectl proxy)
 * @param owner             this executor's name on the pods it watches (lease annotation); default the host name,
 *                          which is the pod name in a cluster
 * @param runtimeClassName  optional RuntimeClass of every run pod (gVisor, Kata)
 * @param serviceAccountName service account of the run pods; its token is never mounted either way
 * @param userNamespace     {@code hostUsers: false}: the pod's root is not the node's root (needs a cluster with
 *                          user namespaces; where the feature is off the API server drops the field)
 * @param runAsUser         non-root uid of the run container
 * @param runAsGroup        its gid
 * @param imagePullPolicy   of the runtime images; pre-pulled images start fastest
 * @param imagePullSecrets  secret names for private registries
 * @param nodeSelector      where run pods may go (a dedicated node pool)
 * @param startAllowance    added to the run's timeout for {@code activeDeadlineSeconds}, which counts from the
 *                          pod's start, image pull included; the wrapper in the pod enforces the timeout itself
 *                          from the program's start
 * @param terminationGrace  time the wrapper gets after SIGTERM (deadline, eviction) to write its output
 * @param imagePullGrace    how long ErrImagePull/ImagePullBackOff may last before the run fails (system_error)
 * @param pendingTimeout    how long a pod may stay unscheduled/not started before the run fails (system_error)
 * @param resync            full resync period of the pod informer
 * @param tick              how often tracked runs are re-examined (grace periods, orphans, cleanup retries)
 * @param lease             how long a pod stays with its executor without renewal; an executor that dies
 *                          without handing its pods over loses them to another after this
 * @param ephemeralStorage  ephemeral-storage request = limit of the run container (its log, mostly)
 * @param hardenNamespace   apply the deny-all NetworkPolicy at start and refuse to start when that fails
 * @param podSecurityLabels also apply the restricted Pod Security labels to the namespace at start
 * @param seccompLocalhostProfile the run container's seccomp profile, relative to the kubelet's seccomp directory
 *                          ({@code infra/seccomp/sandpod-run.json} installed as
 *                          {@code /var/lib/kubelet/seccomp/sandpod/run.json} on every run node): RuntimeDefault
 *                          leaves rare socket families (AF_ALG, RxRPC, …; H26), the ptrace equivalents and
 *                          clone namespace flags open. Blank: RuntimeDefault (logged as a warning)
 */
@ConfigurationProperties("sandpod.executor.kubernetes")
public record KubernetesRunnerProperties(
        @DefaultValue("sandpod-runs") String namespace,
        String kubeconfig,
        String masterUrl,
        String owner,
        String runtimeClassName,
        String serviceAccountName,
        @DefaultValue("true") boolean userNamespace,
        @DefaultValue("65534") long runAsUser,
        @DefaultValue("65534") long runAsGroup,
        @DefaultValue("IfNotPresent") String imagePullPolicy,
        List<String> imagePullSecrets,
        Map<String, String> nodeSelector,
        @DefaultValue("10s") Duration startAllowance,
        @DefaultValue("3s") Duration terminationGrace,
        @DefaultValue("60s") Duration imagePullGrace,
        @DefaultValue("5m") Duration pendingTimeout,
        @DefaultValue("30s") Duration resync,
        @DefaultValue("1s") Duration tick,
        @DefaultValue("30s") Duration lease,
        @DefaultValue("64MB") DataSize ephemeralStorage,
        @DefaultValue("true") boolean hardenNamespace,
        @DefaultValue("true") boolean podSecurityLabels,
        @DefaultValue("sandpod/run.json") String seccompLocalhostProfile) {

    public KubernetesRunnerProperties {
        imagePullSecrets = imagePullSecrets == null ? List.of() : List.copyOf(imagePullSecrets);
        nodeSelector = nodeSelector == null ? Map.of() : Map.copyOf(nodeSelector);
    }
}

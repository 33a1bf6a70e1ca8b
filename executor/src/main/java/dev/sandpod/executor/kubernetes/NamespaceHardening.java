package dev.sandpod.executor.kubernetes;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the run namespace must look like before the first pod goes there, applied at every start with
 * server-side apply, which is idempotent and only owns the fields it sets (labels other tools put on the
 * namespace stay): a NetworkPolicy that selects every run pod and allows no ingress and no egress (no rule at all
 * for either type), and the {@code restricted} Pod Security labels, so the API server itself refuses a run pod
 * that is not locked down. The infra manifests carry the same objects; applying them here as well means an
 * executor never runs pods into a namespace that lost them.
 */
final class NamespaceHardening {

    static final String FIELD_MANAGER = "sandpod-executor";
    static final String POLICY_NAME = "sandpod-runs-deny-all";
    static final Map<String, String> POD_SECURITY = podSecurity();

    private static final Logger log = LoggerFactory.getLogger(NamespaceHardening.class);

    private NamespaceHardening() {}

    static NetworkPolicy denyAll(String namespace) {
        return new NetworkPolicyBuilder()
                .withNewMetadata()
                .withName(POLICY_NAME)
                .withNamespace(namespace)
                .addToLabels(RunPod.MANAGED_BY, RunPod.MANAGER)
                .endMetadata()
                .withNewSpec()
                .withNewPodSelector()
                .withMatchLabels(RunPod.selector())
                .endPodSelector()
                .withPolicyTypes("Ingress", "Egress")
                .endSpec()
                .build();
    }

    static Namespace labels(String namespace) {
        return new NamespaceBuilder()
                .withNewMetadata()
                .withName(namespace)
                .withLabels(POD_SECURITY)
                .endMetadata()
                .build();
    }

    /** Fails (and with it the executor's start) when the policy cannot be applied: no isolation, no runs. */
    static void apply(KubernetesClient client, KubernetesRunnerProperties props) {
        String namespace = props.namespace();
        client.resource(denyAll(namespace))
                .fieldManager(FIELD_MANAGER)
                .forceConflicts()
                .serverSideApply();
        log.info("namespace {}: NetworkPolicy {} applied (no ingress, no egress for run pods)", namespace, POLICY_NAME);
        if (props.podSecurityLabels()) {
            client.resource(labels(namespace))
                    .fieldManager(FIELD_MANAGER)
                    .forceConflicts()
                    .serverSideApply();
            log.info("namespace {}: Pod Security labels applied ({})", namespace, POD_SECURITY);
        }
    }

    private static Map<String, String> podSecurity() {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("pod-security.kubernetes.io/enforce", "restricted");
        labels.put("pod-security.kubernetes.io/enforce-version", "latest");
        labels.put("pod-security.kubernetes.io/audit", "restricted");
        labels.put("pod-security.kubernetes.io/warn", "restricted");
        return java.util.Collections.unmodifiableMap(labels);
    }
}

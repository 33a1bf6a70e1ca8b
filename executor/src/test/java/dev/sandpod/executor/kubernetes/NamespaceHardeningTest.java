package dev.sandpod.executor.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Namespace hardening at the executor's start, against the mock API server. */
class NamespaceHardeningTest {

    private final SimulatedCluster cluster = new SimulatedCluster();
    private final KubernetesClient client = cluster.client();
    private final KubernetesRunnerProperties props =
            KubernetesTestSettings.properties(Map.of("sandpod.executor.kubernetes.namespace", "runs"));

    @AfterEach
    void stop() {
        cluster.close();
    }

    @Test
    void theDenyAllPolicyAndThePodSecurityLabelsAreServerSideApplied() {
        NamespaceHardening.apply(client, props);

        assertThat(cluster.applied()).hasSize(2).allSatisfy(applied -> {
            assertThat(applied.contentType()).startsWith("application/apply-patch+yaml");
            assertThat(applied.path()).contains("fieldManager=sandpod-executor").contains("force=true");
        });
        assertThat(cluster.applied().get(0).path())
                .startsWith("/apis/networking.k8s.io/v1/namespaces/runs/networkpolicies/sandpod-runs-deny-all?");
        assertThat(cluster.applied().get(1).path()).startsWith("/api/v1/namespaces/runs?");
        NetworkPolicy stored = client.network()
                .v1()
                .networkPolicies()
                .inNamespace("runs")
                .withName(NamespaceHardening.POLICY_NAME)
                .get();
        assertThat(stored.getSpec())
                .isEqualTo(NamespaceHardening.denyAll("runs").getSpec());
    }

    @Test
    void applyingAgainChangesNothingAndKeepsOtherLabels() {
        client.namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName("runs")
                        .addToLabels("team", "sandbox")
                        .endMetadata()
                        .build())
                .create();

        NamespaceHardening.apply(client, props);
        NamespaceHardening.apply(client, props);

        assertThat(client.network()
                        .v1()
                        .networkPolicies()
                        .inNamespace("runs")
                        .list()
                        .getItems())
                .hasSize(1);
        assertThat(client.namespaces().withName("runs").get().getMetadata().getLabels())
                .containsEntry("team", "sandbox")
                .containsAllEntriesOf(NamespaceHardening.POD_SECURITY);
    }

    @Test
    void theLabelsCanBeLeftToTheManifests() {
        NamespaceHardening.apply(
                client,
                KubernetesTestSettings.properties(Map.of(
                        "sandpod.executor.kubernetes.namespace", "runs",
                        "sandpod.executor.kubernetes.pod-security-labels", "false")));

        assertThat(cluster.applied())
                .singleElement()
                .satisfies(applied -> assertThat(applied.path()).contains("networkpolicies"));
    }

    @Test
    void anUnreachableApiServerFailsTheStart() {
        try (KubernetesClient nowhere = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder()
                        .withMasterUrl("http://127.0.0.1:1")
                        .withRequestRetryBackoffLimit(0)
                        .build())
                .build()) {
            assertThatThrownBy(() -> NamespaceHardening.apply(nowhere, props))
                    .isInstanceOf(KubernetesClientException.class);
        }
    }
}

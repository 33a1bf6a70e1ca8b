package dev.sandpod.executor.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every manifest of {@code infra/k8s}, loaded with the fabric8 client as {@code kubectl apply} would read it: the
 * kinds, the executor's RBAC (least privilege, the run namespace only), and agreement with the code (the policy
 * and labels the executor applies, the environment the runner reads).
 */
class InfraManifestsTest {

    private static final Path MANIFESTS = Path.of(System.getProperty("sandpod.infra.dir", "../infra/k8s"));
    private static final String RUNS = "sandpod-runs";

    private static KubernetesClient client;
    private static List<HasMetadata> objects;

    @BeforeAll
    static void load() throws IOException {
        client = new KubernetesClientBuilder()
                .withConfig(
                        new ConfigBuilder().withMasterUrl("http://127.0.0.1:1").build())
                .build();
        objects = new ArrayList<>();
        try (Stream<Path> files = Files.list(MANIFESTS)) {
            for (Path file :
                    files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                try (InputStream in = Files.newInputStream(file)) {
                    List<HasMetadata> items = client.load(in).items();
                    assertThat(items).as(file.toString()).isNotEmpty().doesNotContainNull();
                    objects.addAll(items);
                }
            }
        }
    }

    @AfterAll
    static void close() {
        client.close();
    }

    @Test
    void theManifestsHoldExactlyTheseKinds() {
        Map<String, Long> kinds =
                objects.stream().collect(Collectors.groupingBy(HasMetadata::getKind, Collectors.counting()));
        assertThat(kinds)
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "Namespace", 2L,
                        "ServiceAccount", 3L,
                        "Role", 1L,
                        "RoleBinding", 1L,
                        "ClusterRole", 1L,
                        "ClusterRoleBinding", 1L,
                        "NetworkPolicy", 2L,
                        "ResourceQuota", 1L,
                        "Deployment", 2L,
                        "Service", 1L));
        assertThat(objects)
                .filteredOn(
                        o -> !o.getKind().startsWith("Cluster") && !o.getKind().equals("Namespace"))
                .allSatisfy(o -> assertThat(o.getMetadata().getNamespace()).isIn("sandpod", RUNS));
    }

    @Test
    void theExecutorMayOnlyTouchRunPodsTheirLogsConfigMapsAndTheNetworkPolicyOfTheRunNamespace() {
        Role role = one(Role.class);
        assertThat(role.getMetadata().getNamespace()).isEqualTo(RUNS);
        assertThat(rules(role.getRules()))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "/pods", Set.of("create", "get", "list", "watch", "patch", "delete"),
                        "/pods/log", Set.of("get"),
                        "/configmaps", Set.of("create", "delete"),
                        "networking.k8s.io/networkpolicies", Set.of("get", "create", "patch")));
        assertThat(role.getRules()).allSatisfy(rule -> {
            assertThat(rule.getResourceNames()).isEmpty();
            assertThat(rule.getNonResourceURLs()).isEmpty();
        });

        RoleBinding binding = one(RoleBinding.class);
        assertThat(binding.getMetadata().getNamespace()).isEqualTo(RUNS);
        assertThat(binding.getRoleRef().getKind()).isEqualTo("Role");
        assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
        assertThat(binding.getSubjects()).singleElement().satisfies(s -> {
            assertThat(s.getKind()).isEqualTo("ServiceAccount");
            assertThat(s.getName()).isEqualTo("sandpod-executor");
            assertThat(s.getNamespace()).isEqualTo("sandpod");
        });
    }

    @Test
    void theOnlyClusterWideRightIsToReadAndLabelTheRunNamespaceItself() {
        ClusterRole role = one(ClusterRole.class);
        assertThat(role.getRules()).singleElement().satisfies(rule -> {
            assertThat(rule.getApiGroups()).containsExactly("");
            assertThat(rule.getResources()).containsExactly("namespaces");
            assertThat(rule.getResourceNames()).containsExactly(RUNS);
            assertThat(rule.getVerbs()).containsExactlyInAnyOrder("get", "patch");
        });
        ClusterRoleBinding binding = one(ClusterRoleBinding.class);
        assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
        assertThat(binding.getSubjects())
                .singleElement()
                .satisfies(s -> assertThat(s.getName()).isEqualTo("sandpod-executor"));
    }

    @Test
    void noRuleGrantsWildcardsOrSecrets() {
        List<PolicyRule> all = new ArrayList<>(one(Role.class).getRules());
        all.addAll(one(ClusterRole.class).getRules());
        assertThat(all).allSatisfy(rule -> {
            assertThat(rule.getVerbs()).doesNotContain("*", "escalate", "bind", "impersonate");
            assertThat(rule.getResources()).doesNotContain("*", "secrets", "pods/exec", "pods/attach");
            assertThat(rule.getApiGroups()).doesNotContain("*");
        });
    }

    @Test
    void theRunNamespaceIsHardenedAsTheExecutorHardensIt() {
        Namespace runs = objects.stream()
                .filter(Namespace.class::isInstance)
                .map(Namespace.class::cast)
                .filter(n -> n.getMetadata().getName().equals(RUNS))
                .findFirst()
                .orElseThrow();
        assertThat(runs.getMetadata().getLabels()).containsAllEntriesOf(NamespaceHardening.POD_SECURITY);
        NetworkPolicy denyRuns = policy(NamespaceHardening.POLICY_NAME);
        assertThat(denyRuns.getSpec())
                .isEqualTo(NamespaceHardening.denyAll(RUNS).getSpec());
        NetworkPolicy denyAll = policy("default-deny-all");
        assertThat(denyAll.getSpec().getPodSelector().getMatchLabels()).isEmpty();
        assertThat(denyAll.getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress");
        assertThat(denyAll.getSpec().getIngress()).isEmpty();
        assertThat(denyAll.getSpec().getEgress()).isEmpty();
    }

    @Test
    void theExecutorRunsPodsInTheRunNamespaceWithItsOwnAccount() {
        Deployment executor = deployment("sandpod-executor");
        PodSpec spec = executor.getSpec().getTemplate().getSpec();
        assertThat(spec.getServiceAccountName()).isEqualTo("sandpod-executor");
        Map<String, EnvVar> env = env(spec.getContainers().get(0));
        assertThat(env.get("SANDPOD_ROLES").getValue()).isEqualTo("executor");
        assertThat(env.get("SANDPOD_EXECUTOR").getValue()).isEqualTo("kubernetes");
        assertThat(env.get("SANDPOD_EXECUTOR_KUBERNETES_NAMESPACE").getValue()).isEqualTo(RUNS);
        assertThat(env.get("SANDPOD_EXECUTOR_KUBERNETES_OWNER")
                        .getValueFrom()
                        .getFieldRef()
                        .getFieldPath())
                .isEqualTo("metadata.name");
        assertLockedDown(spec);
    }

    @Test
    void theApiInstancesRunNothingAndHaveNoToken() {
        PodSpec spec = deployment("sandpod-app").getSpec().getTemplate().getSpec();
        assertThat(spec.getServiceAccountName()).isEqualTo("sandpod-app");
        assertThat(spec.getAutomountServiceAccountToken()).isFalse();
        Map<String, EnvVar> env = env(spec.getContainers().get(0));
        assertThat(env.get("SANDPOD_ROLES").getValue()).isEqualTo("api,processors");
        assertThat(env.get("SANDPOD_EXECUTOR").getValue()).isEqualTo("kubernetes");
        assertLockedDown(spec);
    }

    private static void assertLockedDown(PodSpec spec) {
        assertThat(spec.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(spec.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(spec.getEnableServiceLinks()).isFalse();
        assertThat(spec.getContainers()).allSatisfy(c -> {
            assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
            assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
            assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
            assertThat(c.getResources().getLimits()).containsKeys("cpu", "memory");
        });
    }

    private static Map<String, Set<String>> rules(List<PolicyRule> rules) {
        return rules.stream()
                .flatMap(rule -> rule.getApiGroups().stream()
                        .flatMap(group -> rule.getResources().stream()
                                .map(resource -> Map.entry(group + "/" + resource, Set.copyOf(rule.getVerbs())))))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    private static Map<String, EnvVar> env(Container container) {
        return container.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
    }

    private static Deployment deployment(String name) {
        return objects.stream()
                .filter(Deployment.class::isInstance)
                .map(Deployment.class::cast)
                .filter(d -> d.getMetadata().getName().equals(name))
                .findFirst()
                .orElseThrow();
    }

    private static NetworkPolicy policy(String name) {
        return objects.stream()
                .filter(NetworkPolicy.class::isInstance)
                .map(NetworkPolicy.class::cast)
                .filter(p -> p.getMetadata().getName().equals(name))
                .findFirst()
                .orElseThrow();
    }

    private static <T> T one(Class<T> type) {
        List<T> found =
                objects.stream().filter(type::isInstance).map(type::cast).toList();
        assertThat(found).hasSize(1);
        return found.get(0);
    }
}

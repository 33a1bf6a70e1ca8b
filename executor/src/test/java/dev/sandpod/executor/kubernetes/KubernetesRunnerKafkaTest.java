package dev.sandpod.executor.kubernetes;

import static dev.sandpod.executor.kubernetes.RunReports.finished;
import static dev.sandpod.executor.kubernetes.RunReports.request;
import static dev.sandpod.executor.kubernetes.RunReports.streamed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sandpod.api.avro.CancelRun;
import dev.sandpod.api.avro.OutputStream;
import dev.sandpod.api.avro.RunFinished;
import dev.sandpod.api.avro.RunOutcome;
import dev.sandpod.api.avro.RunReport;
import dev.sandpod.api.avro.RunRequested;
import dev.sandpod.api.avro.RunStarted;
import dev.sandpod.api.kafka.Topics;
import dev.sandpod.api.runtime.RuntimeCatalog;
import dev.sandpod.executor.ExecutorTestApplication;
import dev.sandpod.executor.runner.Runner;
import dev.sandpod.executor.sandbox.SandboxLimits;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The Kubernetes runner end to end: run commands through a real (embedded) Kafka broker, pods in fabric8's mock API
 * server moved through their phases by a simulated kubelet, run reports back through Kafka.
 */
@SpringBootTest(
        classes = ExecutorTestApplication.class,
        properties = {
            "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
            "spring.kafka.producer.key-serializer=org.apache.kafka.common.serialization.StringSerializer",
            "spring.kafka.producer.value-serializer=org.apache.kafka.common.serialization.ByteArraySerializer",
            "spring.kafka.consumer.key-deserializer=org.apache.kafka.common.serialization.StringDeserializer",
            "spring.kafka.consumer.value-deserializer=org.apache.kafka.common.serialization.ByteArrayDeserializer",
            "spring.kafka.consumer.auto-offset-reset=earliest",
            "sandpod.executor.runner=kubernetes",
            "sandpod.executor.workers=4",
            "sandpod.executor.kubernetes.owner=executor-main",
            "sandpod.executor.kubernetes.image-pull-grace=1s",
            "sandpod.executor.kubernetes.tick=200ms",
            "sandpod.executor.kubernetes.lease=5s",
            "sandpod.executor.kubernetes.resync=10s",
            "sandpod.executor.kubernetes.termination-grace=1s"
        })
@EmbeddedKafka(
        kraft = true,
        partitions = 1,
        topics = {
            KubernetesRunnerKafkaTest.REQUESTS,
            KubernetesRunnerKafkaTest.REPORTS,
            KubernetesRunnerKafkaTest.RESTART_REQUESTS,
            Topics.RUN_CLAIMS
        })
class KubernetesRunnerKafkaTest {

    static final String REQUESTS = "sandpod.run-requests";
    static final String REPORTS = "sandpod.run-reports";
    static final String RESTART_REQUESTS = "sandpod.run-requests.restart";
    static final String NAMESPACE = "sandpod-runs";
    static final String RESTART_NAMESPACE = "restart-runs";
    private static final Duration WAIT = RunReports.WAIT;

    private static final SimulatedCluster cluster = new SimulatedCluster();
    private static final SimulatedKubelet kubelet = cluster.kubelet(NAMESPACE);
    private static RunReports reports;

    @Autowired
    private KafkaTemplate<String, byte[]> kafka;

    @DynamicPropertySource
    static void cluster(DynamicPropertyRegistry registry) {
        registry.add("sandpod.executor.kubernetes.master-url", cluster::url);
    }

    @BeforeAll
    static void readReports(@Autowired EmbeddedKafkaBroker broker) {
        reports = new RunReports(broker, REPORTS);
    }

    /**
     * The mock API server lives as long as the JVM, like the cached Spring context that points at it, so that a
     * rerun of a failed test (surefire's rerunFailingTestsCount) still finds it.
     */
    @AfterAll
    static void stop() {
        reports.close();
    }

    @Test
    void theRunnerChoiceIsVisibleInTheCatalog(@Autowired RuntimeCatalog catalog, @Autowired Runner runner) {
        assertThat(catalog.runnerKind()).isEqualTo("kubernetes");
        assertThat(runner).isInstanceOf(KubernetesRunner.class);
        assertThat(catalog.supportedRuntimes()).containsKeys("python", "node", "ruby", "bash", "go");
        assertThat(catalog.supportedRuntimes().get("python").versions()).contains("3.7", "3.11", "3.12");
        assertThat(catalog.rejection("python", "3.11")).isEmpty();
        assertThat(catalog.rejection("cobol", "1")).get().asString().startsWith("Language 'cobol' not supported");
    }

    @Test
    void theNamespaceIsHardenedAtStart() {
        assertThat(cluster.client()
                        .network()
                        .v1()
                        .networkPolicies()
                        .inNamespace(NAMESPACE)
                        .withName(NamespaceHardening.POLICY_NAME)
                        .get()
                        .getSpec()
                        .getPolicyTypes())
                .containsExactly("Ingress", "Egress");
        assertThat(cluster.client()
                        .namespaces()
                        .withName(NAMESPACE)
                        .get()
                        .getMetadata()
                        .getLabels())
                .containsEntry("pod-security.kubernetes.io/enforce", "restricted");
    }

    @Test
    void aRunCompletesWithItsOutputAndExitCodeZero() {
        String id = newId();
        String script = "print('hi')\n";
        send(id, request("python", "3.11", script, 10));

        Pod pod = kubelet.awaitPod(id);
        ConfigMap configMap = kubelet.awaitConfigMap(id);
        assertThat(configMap.getData()).containsEntry("main.py", script);
        assertThat(configMap.getMetadata().getOwnerReferences()).singleElement().satisfies(owner -> {
            assertThat(owner.getKind()).isEqualTo("Pod");
            assertThat(owner.getUid()).isEqualTo(pod.getMetadata().getUid());
        });
        assertThat(pod.getSpec().getContainers().get(0).getImage()).isEqualTo("python:3.11-slim");
        kubelet.pending(pod, "ContainerCreating", null);
        kubelet.running(pod);
        kubelet.exit(pod, 0, "hi\n", "");

        List<RunReport> mine = reports.awaitFinished(id);
        assertThat(mine.get(0).getPayload()).isInstanceOf(RunStarted.class);
        assertThat(mine)
                .extracting(RunReport::getSequence)
                .containsExactlyElementsOf(
                        LongStream.range(0, mine.size()).boxed().toList());
        assertThat(mine).allSatisfy(r -> assertThat(r.getRunner()).startsWith("kubernetes@"));
        assertThat(streamed(mine, OutputStream.STDOUT)).isEqualTo("hi\n");
        RunFinished finished = finished(mine);
        assertThat(finished.getOutcome()).isEqualTo(RunOutcome.COMPLETED);
        assertThat(finished.getExitCode()).isZero();
        assertThat(finished.getStdout()).isEqualTo("hi\n");
        assertThat(finished.getStderr()).isEmpty();
        assertThat(finished.getErrorType()).isNull();
        assertThat(finished.getWallSeconds()).isEqualTo(1.23);
        assertThat(finished.getCpuTimeJiffies()).isEqualTo(45);
        assertThat(finished.getClkTckHertz()).isEqualTo(100);
        assertThat(finished.getPeakMemoryKb()).isEqualTo(10240);
        assertNothingLeft(id);
        assertThat(cluster.logRequests())
                .anySatisfy(path -> assertThat(path).contains(RunPod.name(id) + "/log?container=run&limitBytes="));
    }

    @Test
    void aRunWithInputsGetsItsLauncherAsTheOnlyConfigMapEntryAndRunsItWithSh() {
        String id = newId();
        RunRequested request = request("python", "3.11", "import helper\n", 10);
        request.setStdin("line 1\nline 2\n");
        request.setArgs(List.of("a b", "it's"));
        request.setFiles(List.of(new dev.sandpod.api.avro.RunFile("helper.py", "X = 1\n")));
        send(id, request);

        Pod pod = kubelet.awaitPod(id);
        ConfigMap configMap = kubelet.awaitConfigMap(id);
        assertThat(configMap.getData()).containsOnlyKeys("sandpod-run.sh");
        String launcher = configMap.getData().get("sandpod-run.sh");
        assertThat(launcher)
                .contains("import helper\n", "X = 1\n", "line 1\nline 2\n", "exec 'python' 'main.py' 'a b' 'it'\\''s'");
        List<String> command = pod.getSpec().getContainers().get(0).getCommand();
        assertThat(command.subList(command.size() - 2, command.size())).containsExactly("sh", "sandpod-run.sh");
        assertThat(pod.getSpec().getVolumes())
                .filteredOn(v -> v.getConfigMap() != null)
                .singleElement()
                .satisfies(v -> assertThat(v.getConfigMap().getItems())
                        .singleElement()
                        .satisfies(item -> assertThat(item.getKey()).isEqualTo("sandpod-run.sh")));
        kubelet.running(pod);
        kubelet.exit(pod, 0, "ok\n", "");
        assertThat(finished(reports.awaitFinished(id)).getStdout()).isEqualTo("ok\n");
        assertNothingLeft(id);
    }

    @Test
    void aRunWhoseFilesAreRefusedNeverGetsAPod() {
        String id = newId();
        RunRequested request = request("python", "3.11", "print(1)\n", 10);
        request.setFiles(List.of(new dev.sandpod.api.avro.RunFile("../escape.py", "x")));
        send(id, request);
        RunFinished finished = finished(reports.awaitFinished(id));
        assertThat(finished.getOutcome()).isEqualTo(RunOutcome.FAILED);
        assertThat(finished.getErrorType()).isEqualTo("system_error");
        assertThat(kubelet.gone(id)).isTrue();
    }

    @Test
    void aNonZeroExitIsCompletedWithThatCode() {
        String id = newId();
        send(id, request("python", "3.11", "import sys\nsys.exit(3)\n", 10));

        Pod pod = kubelet.awaitPod(id);
        kubelet.running(pod);
        kubelet.exit(pod, 3, "partial\n", "Traceback: boom\n");

        RunFinished finished = finished(reports.awaitFinished(id));
        assertThat(finished.getOutcome()).isEqualTo(RunOutcome.COMPLETED);
        assertThat(finished.getExitCode()).isEqualTo(3);
        assertThat(finished.getStdout()).isEqualTo("partial\n");
        assertThat(finished.getStderr()).isEqualTo("Traceback: boom\n");
        assertThat(finished.getErrorType()).isNull();
        assertNothingLeft(id);
    }

    @Test
    void anOomKilledContainerFailsWithResourceLimit() {
        String id = newId();
        send(id, request("python", "3.11", "x = bytearray(10**10)\n", 10));

        Pod pod = kubelet.awaitPod(id);
        kubelet.running(pod);
        kubelet.oomKilled(pod);

        RunFinished finished = finished(reports.awaitFinished(id));
        assertThat(finished.getOutcome()).isEqualTo(RunOutcome.FAILED);
        assertThat(finished.getErrorType()).isEqualTo("resource_limit");
        assertThat(finished.getErrorMessage()).contains("Memory limit of 128 MiB");
        assertThat(finished.getPeakMemoryKb()).isEqualTo(128 * 1024);
        assertNothingLeft(id);
    }

    @Test
    void anExceededDeadlineIsATimeoutThatKeepsTheOutput() {
        String id = newId();
        send(id, request("python", "3.11", "print('tick')\nwhile True: pass\n", 2));

        Pod pod = kubelet.awaitPod(id);
        assertThat(pod.getSpec().getActiveDeadlineSeconds()).isEqualTo(2 + 10);
        kubelet.running(pod);
        kubelet.deadlineExceeded(pod, "tick\n");

        RunFinished finished = finished(reports.awaitFinished(id));
        assertThat(finished.getOutcome()).isEqualTo(RunOutcome.TIMEOUT);
        assertThat(finished.getExitCode()).isEqualTo(-1);
        assertThat(finished.getErrorType()).isEqualTo("timeout");
        assertThat(finished.getStdout()).isEqualTo("tick\n");
        assertNothingLeft(id);
    }

    @Test
    void anImageThatCannotBePulledFailsWithSystemErrorAfterTheGracePeriod() {
        String id = newId();
        send(id, request("ruby", "3.3", "puts 1\n", 10));

        Pod pod = kubelet.awaitPod(id);
        kubelet.imagePullBackOff(pod);

        RunFinished finished = finished(reports.awaitFinished(id));
        assertThat(finished.getOutcome()).isEqualTo(RunOutcome.FAILED);
        assertThat(finished.getErrorType()).isEqualTo("system_error");
        assertThat(finished.getErrorMessage()).contains("ruby:3.3-alpine").contains("ImagePullBackOff");
        assertNothingLeft(id);
    }

    @Test
    void aCancelDeletesThePodAndIsReportedCancelled() {
        String id = newId();
        send(id, request("python", "3.11", "import time\ntime.sleep(60)\n", 60));
        Pod pod = kubelet.awaitPod(id);
        kubelet.running(pod);

        long cancelled = System.nanoTime();
        send(id, CancelRun.newBuilder().setReason("test").build());
        List<RunReport> mine = reports.awaitFinished(id);

        assertThat((System.nanoTime() - cancelled) / 1e9).isLessThan(2.0);
        assertThat(finished(mine).getOutcome()).isEqualTo(RunOutcome.CANCELLED);
        assertThat(mine).filteredOn(r -> r.getPayload() instanceof RunFinished).hasSize(1);
        assertNothingLeft(id);
    }

    @Test
    void aPodLeftByAnExecutorThatDiedIsAdoptedAndReportedOnce() {
        String id = newId();
        Pod orphan = orphan(id, "executor-dead", System.currentTimeMillis() - 1000);
        cluster.client().pods().inNamespace(NAMESPACE).resource(orphan).create();
        await().atMost(WAIT)
                .until(() -> "executor-main"
                        .equals(kubelet.pod(RunPod.name(id))
                                .getMetadata()
                                .getAnnotations()
                                .get(RunPod.OWNER)));
        kubelet.running(kubelet.pod(RunPod.name(id)));
        kubelet.exit(kubelet.pod(RunPod.name(id)), 0, "adopted\n", "");

        List<RunReport> mine = reports.awaitFinished(id);
        assertThat(finished(mine).getStdout()).isEqualTo("adopted\n");
        assertNothingLeft(id);
        assertThat(reports.of(id))
                .filteredOn(r -> r.getPayload() instanceof RunFinished)
                .hasSize(1);
    }

    @Test
    void aPodOfALiveExecutorIsLeftAlone() throws InterruptedException {
        String id = newId();
        Pod foreign = orphan(id, "executor-alive", System.currentTimeMillis() + 60_000);
        cluster.client().pods().inNamespace(NAMESPACE).resource(foreign).create();
        // Left alone means: for a while after its creation, still owned by the live executor and unreported.
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(kubelet.pod(RunPod.name(id)).getMetadata().getAnnotations())
                    .containsEntry(RunPod.OWNER, "executor-alive");
            assertThat(reports.of(id)).isEmpty();
        });
        cluster.client().pods().inNamespace(NAMESPACE).withName(RunPod.name(id)).delete();
    }

    @Test
    void aPodThatFinishedWhileNoExecutorWatchedIsReportedAndReaped() {
        String id = newId();
        Pod orphan = orphan(id, "executor-dead", 0);
        cluster.client().pods().inNamespace(NAMESPACE).resource(orphan).create();
        // Finished before anybody could watch it; the claim may race with the kubelet's write, both retry.
        kubelet.exit(kubelet.pod(RunPod.name(id)), 7, "", "late\n");

        RunFinished finished = finished(reports.awaitFinished(id));
        assertThat(finished.getOutcome()).isEqualTo(RunOutcome.COMPLETED);
        assertThat(finished.getExitCode()).isEqualTo(7);
        assertThat(finished.getStderr()).isEqualTo("late\n");
        assertNothingLeft(id);
    }

    @Test
    void anExecutorRestartWhileAPodRunsEndsTheRunExactlyOnce(@Autowired EmbeddedKafkaBroker broker)
            throws InterruptedException {
        SimulatedKubelet restartKubelet = cluster.kubelet(RESTART_NAMESPACE);
        String id = newId();
        ConfigurableApplicationContext first = restartExecutor(broker);
        Pod pod;
        try {
            send(RESTART_REQUESTS, id, request("python", "3.11", "import time\ntime.sleep(5)\nprint('done')\n", 30));
            pod = restartKubelet.awaitPod(id);
            restartKubelet.awaitConfigMap(id);
            restartKubelet.running(pod);
            await().atMost(WAIT)
                    .until(() -> reports.of(id).stream().anyMatch(r -> r.getPayload() instanceof RunStarted));
        } finally {
            first.close();
        }
        // Handed over, not ended: the pod is still there and nothing final was reported.
        assertThat(restartKubelet.pod(pod.getMetadata().getName()).getMetadata().getAnnotations())
                .containsEntry(RunPod.LEASE_UNTIL, "0");
        assertThat(reports.of(id)).noneMatch(r -> r.getPayload() instanceof RunFinished);

        cluster.failNextWatchesWithGone(1);
        ConfigurableApplicationContext second = restartExecutor(broker);
        try {
            await().atMost(WAIT)
                    .until(() -> second.getBean(KubernetesRunner.class)
                            .watchedExecutions()
                            .contains(id));
            assertThat(cluster.pendingGoneWatches()).isZero();
            restartKubelet.exit(restartKubelet.pod(pod.getMetadata().getName()), 0, "done\n", "");

            List<RunReport> mine = reports.awaitFinished(id);
            assertThat(finished(mine).getOutcome()).isEqualTo(RunOutcome.COMPLETED);
            assertThat(finished(mine).getStdout()).isEqualTo("done\n");
            await().atMost(WAIT).until(() -> restartKubelet.gone(id));
            // Exactly once: no second report turns up in the time a duplicate would take to arrive.
            await().during(Duration.ofMillis(1500))
                    .atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> {
                        assertThat(reports.of(id))
                                .filteredOn(r -> r.getPayload() instanceof RunFinished)
                                .hasSize(1);
                        assertThat(reports.of(id))
                                .filteredOn(r -> r.getPayload() instanceof RunStarted)
                                .hasSize(1);
                    });
        } finally {
            second.close();
        }
    }

    private ConfigurableApplicationContext restartExecutor(EmbeddedKafkaBroker broker) {
        return new SpringApplicationBuilder(ExecutorTestApplication.class)
                .web(WebApplicationType.NONE)
                .properties(
                        "spring.kafka.bootstrap-servers=" + broker.getBrokersAsString(),
                        "spring.kafka.producer.key-serializer=org.apache.kafka.common.serialization.StringSerializer",
                        "spring.kafka.producer.value-serializer=org.apache.kafka.common.serialization.ByteArraySerializer",
                        "spring.kafka.consumer.key-deserializer=org.apache.kafka.common.serialization.StringDeserializer",
                        "spring.kafka.consumer.value-deserializer=org.apache.kafka.common.serialization.ByteArrayDeserializer",
                        "spring.kafka.consumer.auto-offset-reset=earliest",
                        "sandpod.executor.runner=kubernetes",
                        "sandpod.executor.requests-topic=" + RESTART_REQUESTS,
                        "sandpod.executor.group-id=restart-executor",
                        "sandpod.executor.kubernetes.master-url=" + cluster.url(),
                        "sandpod.executor.kubernetes.namespace=" + RESTART_NAMESPACE,
                        "sandpod.executor.kubernetes.owner=executor-restarted",
                        "sandpod.executor.kubernetes.tick=200ms",
                        "sandpod.executor.kubernetes.lease=5s")
                .run();
    }

    /** A pod as an executor called {@code owner} would have created it, its lease running until {@code leaseUntil}. */
    private static Pod orphan(String id, String owner, long leaseUntil) {
        RunPod.Spec spec = new RunPod.Spec(
                id,
                new PodRuntime(
                        "python",
                        "3.11",
                        "python:3.11-slim",
                        List.of("python", "main.py"),
                        "main.py",
                        java.util.Map.of()),
                "print(1)\n",
                SandboxLimits.defaults());
        Pod pod = RunPod.pod(spec, NAMESPACE, KubernetesTestSettings.defaults(), owner, leaseUntil);
        return new PodBuilder(pod).build();
    }

    private void assertNothingLeft(String id) {
        await().atMost(WAIT).until(() -> kubelet.gone(id));
    }

    private void send(String id, Object payload) {
        send(REQUESTS, id, payload);
    }

    private void send(String topic, String id, Object payload) {
        RunReports.send(kafka, topic, id, payload);
    }

    private static String newId() {
        return UUID.randomUUID().toString();
    }
}

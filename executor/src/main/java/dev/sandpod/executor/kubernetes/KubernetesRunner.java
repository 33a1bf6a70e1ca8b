package dev.sandpod.executor.kubernetes;

import dev.sandpod.api.execution.ExecutionInputs;
import dev.sandpod.executor.kafka.RunReportPublisher;
import dev.sandpod.executor.runner.RunInputsPolicy;
import dev.sandpod.executor.runner.Runner;
import dev.sandpod.executor.sandbox.OutputSink;
import dev.sandpod.executor.sandbox.RunLauncher;
import dev.sandpod.executor.sandbox.SandboxLimits;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Set;

/**
 * Runs each execution as one pod. This class ties the parts together:
 * {@link PodRun} creates an execution's pod and its config map ({@link RunPod}) and waits for its end;
 * {@link PodMonitor} watches every run pod of the namespace to its end, with {@link PodVerdict} judging from each
 * look at a pod whether and how its run ended; {@link PodLeases} makes sure exactly one executor watches a pod,
 * reports it once and deletes it, also for pods adopted after their executor stopped or died; {@link PodCleanup}
 * deletes a pod only after the broker acknowledged its final report, so a report that cannot be delivered leaves
 * the pod in place and it is adopted and reported again.
 */
public final class KubernetesRunner implements Runner, AutoCloseable {

    private final KubernetesClient client;
    private final KubernetesRuntimeCatalog catalog;
    private final KubernetesRunnerProperties props;
    private final String owner;
    private final PodMonitor monitor;

    public KubernetesRunner(
            KubernetesClient client,
            KubernetesRuntimeCatalog catalog,
            KubernetesRunnerProperties props,
            RunReportPublisher publisher,
            int frameBytes,
            String owner) {
        this.client = client;
        this.catalog = catalog;
        this.props = props;
        this.owner = owner;
        this.monitor = new PodMonitor(client, props, publisher, frameBytes, owner);
    }

    /** Hardens the namespace, lists the pods already there (adopting or reaping them) and starts watching. */
    public void start() {
        if (props.hardenNamespace()) {
            NamespaceHardening.apply(client, props);
        }
        monitor.start();
    }

    @Override
    public Run prepare(
            String executionId, String lang, String version, String script, SandboxLimits limits, OutputSink sink) {
        PodRuntime runtime = catalog.runtime(lang, version).orElseThrow();
        return new PodRun(monitor, client, props, owner, new RunPod.Spec(executionId, runtime, script, limits), sink);
    }

    /**
     * With stdin, arguments or files, the pod's one ConfigMap entry is {@link RunLauncher}'s script instead of the
     * bare script, and the container runs it with {@code sh}: it writes the script and files into the workspace
     * volume and runs the runtime's command with them. Everything in it comes from validated inputs.
     */
    @Override
    public Run prepare(
            String executionId,
            String lang,
            String version,
            String script,
            ExecutionInputs inputs,
            SandboxLimits limits,
            OutputSink sink) {
        if (!inputs.feedsRun()) {
            return prepare(executionId, lang, version, script, limits, sink);
        }
        PodRuntime runtime = catalog.runtime(lang, version).orElseThrow();
        String launcher = RunLauncher.script(
                runtime.fileName(), script, runtime.command(), inputs, RunInputsPolicy.compileTogether(lang));
        PodRuntime launched = new PodRuntime(
                runtime.lang(),
                runtime.version(),
                runtime.image(),
                List.of("sh", RunLauncher.FILE_NAME),
                RunLauncher.FILE_NAME,
                runtime.env());
        return new PodRun(
                monitor, client, props, owner, new RunPod.Spec(executionId, launched, launcher, limits), sink);
    }

    @Override
    public int clkTck() {
        return PodOutcomes.CLK_TCK;
    }

    /**
     * A cancel for an execution the dispatcher holds no job for: an adopted pod here, or a pod another executor
     * watches — that one sees the annotation, deletes the pod and reports the cancellation.
     */
    @Override
    public void cancelElsewhere(String executionId, String reason) {
        monitor.cancel(executionId, reason);
    }

    /** Executions whose pods this executor watches right now (tests, health). */
    public Set<String> watchedExecutions() {
        return monitor.watchedExecutions();
    }

    /** Stops watching; pods still going are handed over (lease released) for the next executor to adopt. */
    @Override
    public void close() {
        monitor.close();
    }
}

package dev.sandpod.executor.runner;

import dev.sandpod.api.execution.ExecutionInputs;
import dev.sandpod.executor.sandbox.OutputSink;
import dev.sandpod.executor.sandbox.RunResult;
import dev.sandpod.executor.sandbox.SandboxLimits;
import java.util.concurrent.CompletionStage;

/**
 * What the {@link dev.sandpod.executor.kafka.RunDispatcher} needs of a runner (local sandbox or Kubernetes pod):
 * turn an accepted request into a run it can execute, cancel and abandon. Runtime validation stays with the
 * {@link dev.sandpod.api.runtime.RuntimeCatalog}: {@link #prepare} is only called for a runtime it accepted.
 */
public interface Runner {

    /** A run of an execution the catalog accepted; {@code sink} gets live output, if the runner has any. */
    Run prepare(String executionId, String lang, String version, String script, SandboxLimits limits, OutputSink sink);

    /**
     * A run with stdin, arguments and extra files ({@code inputs}; its expected output is not the runner's
     * business). A runner that takes none refuses a run that has some.
     */
    default Run prepare(
            String executionId,
            String lang,
            String version,
            String script,
            ExecutionInputs inputs,
            SandboxLimits limits,
            OutputSink sink) {
        if (inputs.feedsRun()) {
            throw new UnsupportedOperationException("this runner takes no stdin, arguments or files");
        }
        return prepare(executionId, lang, version, script, limits, sink);
    }

    /** Tick rate of the CPU times this runner reports. */
    int clkTck();

    /**
     * A cancel for an execution this dispatcher holds no job for. A runner whose runs outlive the process that
     * started them (pods) stops it anyway; the local runner has nothing to do.
     */
    default void cancelElsewhere(String executionId, String reason) {}

    /** One run. {@link #cancel()} and {@link #abortForShutdown()} may come from any thread at any time. */
    interface Run {

        /**
         * Blocks until the run is over. {@code null} when the run was handed over instead of ended here (a pod
         * that goes on while this executor stops, or one another executor already watches): whoever watches it
         * to its end reports it, so the caller must not.
         */
        RunResult execute();

        void cancel();

        /** This executor is stopping: end the run (local) or leave it to the next executor (Kubernetes). */
        void abortForShutdown();

        /** The final report was handed to Kafka; {@code delivery} completes when the broker has it. */
        default void reported(CompletionStage<?> delivery) {}
    }
}

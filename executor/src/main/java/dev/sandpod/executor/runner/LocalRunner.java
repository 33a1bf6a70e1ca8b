package dev.sandpod.executor.runner;

import dev.sandpod.api.execution.ExecutionInputs;
import dev.sandpod.executor.runtime.LocalRuntimeCatalog;
import dev.sandpod.executor.runtime.ResolvedRuntime;
import dev.sandpod.executor.sandbox.LocalSandboxRunner;
import dev.sandpod.executor.sandbox.OutputSink;
import dev.sandpod.executor.sandbox.RunResult;
import dev.sandpod.executor.sandbox.RunSpec;
import dev.sandpod.executor.sandbox.SandboxLimits;
import dev.sandpod.executor.sandbox.SandboxRun;

/** The local sandbox as a {@link Runner}: the catalog maps the runtime to a host interpreter. */
public final class LocalRunner implements Runner {

    private final LocalSandboxRunner sandbox;
    private final LocalRuntimeCatalog catalog;

    public LocalRunner(LocalSandboxRunner sandbox, LocalRuntimeCatalog catalog) {
        this.sandbox = sandbox;
        this.catalog = catalog;
    }

    @Override
    public Run prepare(
            String executionId, String lang, String version, String script, SandboxLimits limits, OutputSink sink) {
        return prepare(executionId, lang, version, script, ExecutionInputs.NONE, limits, sink);
    }

    @Override
    public Run prepare(
            String executionId,
            String lang,
            String version,
            String script,
            ExecutionInputs inputs,
            SandboxLimits limits,
            OutputSink sink) {
        ResolvedRuntime runtime = catalog.resolve(lang, version).orElseThrow();
        SandboxRun run = sandbox.prepare(
                RunSpec.of(executionId, runtime, script, inputs, RunInputsPolicy.compileTogether(lang), limits), sink);
        return new Run() {
            @Override
            public RunResult execute() {
                return run.execute();
            }

            @Override
            public void cancel() {
                run.cancel();
            }

            @Override
            public void abortForShutdown() {
                run.abortForShutdown();
            }
        };
    }

    @Override
    public int clkTck() {
        return sandbox.clkTck();
    }
}

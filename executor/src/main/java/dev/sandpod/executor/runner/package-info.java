/**
 * What the dispatcher needs of a runner, and the names of a run's three stages, used the same way in every
 * runner:
 * <ul>
 *   <li><b>spec</b>: what is asked to run, immutable, in the runner's own terms: {@code sandbox.RunSpec} (script,
 *       interpreter argv, environment, limits) for the local sandbox, {@code kubernetes.RunPod.Spec} (script,
 *       image, limits) for a pod;</li>
 *   <li><b>run</b>: one run in progress, executed once, cancellable from any thread: {@link
 *       dev.sandpod.executor.runner.Runner.Run} is what the dispatcher holds; {@code sandbox.SandboxRun} and
 *       {@code kubernetes.PodRun} are the local and the pod run. {@code SandboxRun} is not itself a
 *       {@code Runner.Run}: the sandbox package knows nothing of the dispatcher (the runtime probes and the
 *       benchmark run sandboxes without one), so {@link dev.sandpod.executor.runner.LocalRunner} adapts it;</li>
 *   <li><b>result</b>: how a run ended, {@code sandbox.RunResult}, whichever runner ran it; its
 *       {@code Outcome} (completed, timeout, failed, cancelled) is the kind of end the final report carries.</li>
 * </ul>
 * Helpers are named for what they are, not as another kind of run: a {@code StartedSandbox} is a launched
 * process chain waiting for a run's script, a {@code WatchedPod} is the pod monitor's record of a pod, and a
 * {@code SandboxVerdict} or {@code PodVerdict} decides from what was observed whether and how a run ended.
 */
package dev.sandpod.executor.runner;

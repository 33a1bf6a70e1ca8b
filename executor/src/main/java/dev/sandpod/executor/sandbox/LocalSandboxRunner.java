package dev.sandpod.executor.sandbox;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sandpod.executor.ExecutorProperties;
import dev.sandpod.executor.ExecutorProperties.CgroupMode;
import dev.sandpod.executor.ExecutorProperties.OutputOverflow;
import dev.sandpod.executor.sandbox.SandboxCapabilities.Enforcement;
import dev.sandpod.executor.sandbox.SandboxRun.Termination;
import dev.sandpod.executor.sandbox.cgroup.CgroupSupport;
import dev.sandpod.executor.sandbox.cgroup.Controller;
import dev.sandpod.executor.sandbox.cgroup.RunCgroup;

/**
 * Runs scripts on this host inside bubblewrap (SPEC §4, local runner).
 *
 * <p>Each run is started as a chain of execs in one host process, so nothing of it ever exists outside its
 * cgroups and a single SIGKILL ends it. As root: {@code unshare --mount --pid --fork} (a private mount
 * namespace that only this run's processes hold, and a pid namespace whose init is the rest of the chain, so
 * the kernel reaps every process of the run when it ends; the forking parent only waits) → {@code sh} (writes
 * its own pid into the run's cgroups, opens the status/script fds, mounts the run's tmpfs with a size and an
 * inode limit, sets rlimits with the {@code ulimit} builtin) → {@code setpriv} (a per-run unprivileged host uid,
 * no_new_privs) → {@code bwrap} (fresh user/pid/mount/net/ipc/uts/cgroup namespaces, read-only host binds, the
 * tmpfs as {@code /workspace}, {@code /tmp}, {@code /var/tmp} and {@code /dev/shm}, no capabilities, seccomp)
 * → the interpreter. Where the host has a C compiler, the links before bwrap are one exec of {@code sandpod-launch}
 * instead ({@link LaunchHelper}): the same steps in the same order, 4–7 ms less CPU per run (measured on the
 * 2-core development host) than four dynamically linked programs.
 *
 * <p>The run's files live only in that tmpfs, which exists only in the run's own mount namespace: when the last
 * process of the run dies the kernel frees it, so removing the workspace never walks a tree the run wrote and
 * nothing can be left mounted on the host. The host side only ever touches its own files (the run's script and
 * status, and one empty mount point shared by all runs), never a path inside the sandbox. Without root, the
 * run's tmpfs comes from bwrap instead (sized, but without an inode limit) and runs keep the JVM's uid.
 *
 * <p>The script reaches the sandbox through the chain's stdin pipe, which the shell link moves to the fd bwrap
 * copies into the workspace file ({@code --file}); the run's own stdin is /dev/null. Until the script is written
 * and the pipe closed, bwrap sits in that read with every namespace, mount, uid and cgroup of the run in place and
 * nothing of the user's code started. That is what the {@link SandboxPool} keeps ready: a run claims such a
 * sandbox, gets its own memory/pids/CPU limits written to the sandbox's cgroups, and only pays for the rest of
 * bwrap's set-up and the interpreter. A run without a ready sandbox starts one the same way and writes its script
 * at once, so pooled and cold runs go through the same launch; only the waiting differs. Limits that are fixed on
 * the command line (workspace size, rlimits) are part of the pool's run shape, so a sandbox is only ever claimed
 * by a run it was started for.
 */
public final class LocalSandboxRunner implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalSandboxRunner.class);

    static final String WORKSPACE = "/workspace";
    private static final String SANDBOX_HOME = WORKSPACE;
    private static final int SANDBOX_UID = 1000;
    private static final int UID_RANGE = 65536;
    private static final int FSIZE_BLOCK = 512;
    private static final String TMP_DIR = WORKSPACE + "/.tmp";
    /** The host directory each run's own tmpfs is mounted on, inside the run's mount namespace. */
    static final String MOUNT_POINT = "mnt";
    private static final int READ_CHUNK = 8 * 1024;
    /** Scripts up to this size fit into the pipe's buffer: written on the run's thread without a hand-off. */
    private static final int SYNC_SCRIPT_BYTES = 4096;
    /** How long a run may crawl at its memory limit before it counts as out of memory (see LiveOutput). */
    private static final Duration THRASH_WINDOW = Duration.ofMillis(500);
    private static final int MAX_SETUP_MESSAGE = 2000;
    /** How long {@link #drainPool()} waits for the clean-up of finished runs; a loaded host can be slow. */
    private static final Duration DRAIN_WAIT = Duration.ofSeconds(60);
    private static final Pattern EXIT_CODE = Pattern.compile("\"exit-code\"\\s*:\\s*(-?\\d+)");
    private static final Pattern INSTANCE = Pattern.compile("(\\d+)-[a-z0-9]+");
    private static final AtomicLong RUN_COUNTER = new AtomicLong();
    private static final FileAttribute<Set<PosixFilePermission>> PRIVATE_FILE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    /** Others may pass through (to the runs' mount point) but never list or read. */
    private static final FileAttribute<Set<PosixFilePermission>> RUN_DIR_PERMISSIONS =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx--x--x"));

    /**
     * The shell link of the chain; everything it does is a builtin except the tmpfs mount. Failing to join a
     * cgroup, open a file, mount or set a limit exits before bwrap runs, so the status file then lacks
     * {@code exit-code} and the run is reported as a setup failure. The script arrives on stdin (a pipe from the
     * JVM), which moves to fd 4 for bwrap's {@code --file}; stdin itself becomes /dev/null. Arguments: status
     * file, passwd, group, seccomp program, mount point and tmpfs options (both empty: no own mount), rlimits as
     * {@code letter=value} words for dash's {@code ulimit}, the cgroup.procs files to join, {@code --}, the rest
     * of the chain.
     */
    private static final String LAUNCHER = String.join("\n",
            "s=$1 p=$2 g=$3 c=$4 m=$5 o=$6 l=$7",
            "shift 7",
            "while [ \"$1\" != -- ]; do echo $$ > \"$1\" || exit 125; shift; done",
            "shift",
            "exec 3>\"$s\" 4<&0 0</dev/null 5<\"$p\" 6<\"$g\" 7<\"$c\" || exit 125",
            "if [ -n \"$m\" ]; then mount -n -t tmpfs -o \"$o\" sandpod-run \"$m\" || exit 125; fi",
            "for r in $l; do ulimit -${r%=*} ${r#*=} || exit 125; done",
            "exec \"$@\"");

    private final ExecutorProperties.Sandbox settings;
    private final int frameBytes;
    private final Duration frameInterval;
    private final HostTools tools;
    private final String instance;
    private final boolean root;
    private final Path bwrap;
    private final Path sh;
    private final Path setpriv;
    private final Path unshare;
    private final Path mount;
    /** The compiled {@code sandpod-launch} replacing unshare → sh → mount → setpriv, or null (see LaunchHelper). */
    private final Path launchHelper;
    private final CgroupSupport cgroups;
    private final UidPool uids;
    private final int clkTck;
    private final List<String> mountArgs;
    private final Path instanceDir;
    private final Path seccompProgram;
    private final ScheduledExecutorService ticker;
    private final ExecutorService readers;
    /** Frees cgroups, uids and files of finished runs after their results went out; see {@link #finish}. */
    private final ExecutorService cleaner;
    private final Set<SandboxRun> active = ConcurrentHashMap.newKeySet();
    private final SandboxCapabilities capabilities;
    /** Null when pooling is off or the sandbox is unavailable: every run then starts cold. */
    private final SandboxPool<RunShape, StartedSandbox> pool;
    private volatile boolean closed;

    public LocalSandboxRunner(ExecutorProperties.Sandbox settings, int frameBytes, Duration frameInterval) {
        this.settings = settings;
        this.frameBytes = frameBytes;
        this.frameInterval = frameInterval;
        this.tools = new HostTools(settings.toolsPath());
        this.instance = ProcessHandle.current().pid() + "-"
                + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
        this.root = effectiveUid() == 0;
        this.bwrap = tools.find("bwrap").orElse(null);
        this.sh = tools.find("sh").orElse(null);
        this.setpriv = root ? tools.find("setpriv").orElse(null) : null;
        this.unshare = root ? tools.find("unshare").orElse(null) : null;
        this.mount = root ? tools.find("mount").orElse(null) : null;
        this.clkTck = tools.capture(settings.probeTimeout().toMillis(), "getconf", "CLK_TCK")
                .map(String::trim).map(LocalSandboxRunner::parseIntOrZero).filter(v -> v > 0).orElse(100);
        UidPool pool = null;
        String uidProblem = null;
        if (root) {
            try {
                pool = new UidPool(settings.uidBase(), UID_RANGE, settings.effectiveUidLockDir());
            } catch (IOException | RuntimeException e) {
                uidProblem = "cannot claim sandbox uids: " + e.getMessage();
            }
        }
        this.uids = pool;
        this.mountArgs = mountArgs(settings.readOnlyBinds());
        this.ticker = Executors.newSingleThreadScheduledExecutor(daemon("sandpod-sandbox-ticker"));
        this.readers = Executors.newCachedThreadPool(daemon("sandpod-sandbox-output"));
        this.cleaner = Executors.newSingleThreadExecutor(daemon("sandpod-sandbox-cleanup"));

        String problem = uidProblem != null ? uidProblem : missingTools();
        Path dir = null;
        if (problem == null) {
            try {
                dir = prepareWorkDir(settings.effectiveWorkDir(), instance);
            } catch (IOException | RuntimeException e) {
                problem = "cannot prepare work dir " + settings.effectiveWorkDir() + ": " + e.getMessage();
            }
        }
        this.instanceDir = dir;
        this.launchHelper = problem == null && root && uids != null
                && settings.launcher() == ExecutorProperties.Launcher.AUTO
                ? LaunchHelper.prepare(tools, settings.effectiveWorkDir(), dir, settings.probeTimeout()).orElse(null)
                : null;
        this.seccompProgram = problem == null && settings.seccomp() ? writeSeccompProgram(dir) : null;
        this.cgroups = problem == null ? detectCgroups(settings, instance) : CgroupSupport.none();
        if (problem == null) {
            problem = canary();
        }
        this.capabilities = describe(problem);
        if (capabilities.available()) {
            log.info(capabilities.summary());
        } else {
            log.error(capabilities.summary());
        }
        ExecutorProperties.Pool poolSettings = settings.pool();
        this.pool = capabilities.available() && poolSettings.size() > 0
                ? new SandboxPool<>(new PoolStarter(), poolSettings, settings.killGrace().multipliedBy(2)) : null;
        if (pool != null) {
            log.info("sandbox pool: up to {} pre-started sandboxes for each of the {} most recently used run shapes, "
                    + "dropped after {} unused", poolSettings.size(), poolSettings.shapes(), poolSettings.idle());
        }
    }

    /** What is fixed when a sandbox starts, apart from its cgroup limits: a pooled sandbox serves only this. */
    record RunShape(List<String> argv, String fileName, Map<String, String> env, long workspaceBytes,
                    String rlimits) {
    }

    /**
     * A launched chain, blocked in bwrap's read of the script until {@link #writeScript} (at once for a cold
     * run, at claim for a pooled one). Belongs to exactly one run, or to nobody once discarded.
     */
    record StartedSandbox(String name, Process process, RunCgroup group, Integer uid, Path status,
                          long startedNanos) {
    }

    private final class PoolStarter implements SandboxPool.Starter<StartedSandbox> {

        @Override
        public StartedSandbox start(RunSpec template) throws IOException {
            return LocalSandboxRunner.this.start(template, "pooled");
        }

        @Override
        public boolean usable(StartedSandbox sandbox) {
            return sandbox.process().isAlive();
        }

        @Override
        public void discard(StartedSandbox sandbox) {
            LocalSandboxRunner.this.discard(sandbox);
        }
    }

    public SandboxCapabilities capabilities() {
        return capabilities;
    }

    /** Where bwrap's monitor sits below the process the JVM starts: {@code unshare --fork} puts it one level down. */
    private int monitorDepth() {
        return ownWorkspaceMount() ? 1 : 0;
    }

    /** As root every run gets its own tmpfs, mounted in its own mount namespace with an inode limit. */
    private boolean ownWorkspaceMount() {
        return uids != null;
    }

    /** Whether {@code uid} is one this runner gives its runs (tests look for leftover processes by uid). */
    boolean ownsUid(int uid) {
        return uids != null && uids.owns(uid);
    }

    /** Where this runner keeps its per-run files (tests check that nothing of a run is left there). */
    Path instanceDir() {
        return instanceDir;
    }

    /** This runner's cgroup directories, one per used hierarchy (tests check that no run group is left). */
    List<Path> cgroupDirs() {
        return cgroups.instanceDirs();
    }

    public int clkTck() {
        return clkTck;
    }

    /**
     * A run that has not started yet; nothing is created on the host for it until {@link SandboxRun#execute()},
     * which takes a pre-started sandbox of the run's shape if one is ready.
     */
    public SandboxRun prepare(RunSpec spec, OutputSink sink) {
        return new SandboxRun(this, spec, sink, true);
    }

    /**
     * A run that always starts its own sandbox and teaches the pool nothing: for one-off runs such as the
     * interpreter probes, whose shapes no user run has.
     */
    public SandboxRun prepareOneOff(RunSpec spec, OutputSink sink) {
        return new SandboxRun(this, spec, sink, false);
    }

    /** How often runs found a pre-started sandbox ready; all zero when pooling is off. */
    public PoolStatistics poolStatistics() {
        return pool == null ? new PoolStatistics(0, 0, 0) : pool.statistics();
    }

    /** Ready pre-started sandboxes (tests look at it). */
    int pooledSandboxes() {
        return pool == null ? 0 : pool.ready();
    }

    /** Ready pre-started sandboxes for runs of {@code spec}'s shape. */
    int pooledSandboxes(RunSpec spec) {
        return pool == null ? 0 : pool.ready(shape(spec));
    }

    /**
     * Discards every pre-started sandbox, forgets the used shapes and waits until finished runs are cleaned up
     * (tests check the host after it).
     */
    void drainPool() {
        if (pool != null) {
            pool.drain();
        }
        try {
            cleaner.submit(() -> { }).get(DRAIN_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | java.util.concurrent.RejectedExecutionException e) {
            log.warn("clean-up of finished runs not done: {}", e.toString());
        }
    }

    /** Kills every run still going (SHUTDOWN), discards the pool and removes this instance's cgroups and files. */
    @Override
    public void close() {
        closed = true;
        if (pool != null) {
            pool.close();
        }
        for (SandboxRun run : active) {
            run.terminate(Termination.SHUTDOWN);
        }
        // Let the killed runs clean up after themselves and return their results before the threads go.
        long deadline = System.nanoTime() + settings.killGrace().multipliedBy(2).toNanos();
        while (!active.isEmpty() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        ticker.shutdownNow();
        cleaner.shutdown();
        try {
            if (!cleaner.awaitTermination(settings.killGrace().toMillis() * 2, TimeUnit.MILLISECONDS)) {
                log.warn("clean-up of finished runs still going after {}", settings.killGrace().multipliedBy(2));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        readers.shutdown();
        try {
            if (!readers.awaitTermination(settings.killGrace().toMillis(), TimeUnit.MILLISECONDS)) {
                readers.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        cgroups.close();
        if (instanceDir != null) {
            deleteTree(instanceDir);
        }
        if (uids != null) {
            uids.close();
        }
    }

    RunResult execute(SandboxRun run) {
        if (!capabilities.available()) {
            return RunResult.notStarted(RunResult.Outcome.FAILED, "system_error",
                    "local sandbox unavailable: " + capabilities.problem(), clkTck);
        }
        // Registered before the closed check: close() either sees this run or this run sees close().
        active.add(run);
        try {
            if (closed) {
                run.terminate(Termination.SHUTDOWN);
            }
            if (run.termination() != null) {
                return terminatedBeforeStart(run.termination());
            }
            return executeStarted(run, run.poolable() && pool != null);
        } finally {
            active.remove(run);
        }
    }

    private RunResult executeStarted(SandboxRun run, boolean pooled) {
        RunSpec spec = run.spec();
        StartedSandbox sandbox = pooled ? claim(spec) : null;
        try {
            // A ready sandbox's clock starts at the claim: its set-up was no part of this run.
            long started = System.nanoTime();
            if (sandbox == null) {
                sandbox = start(spec, spec.name());
                started = sandbox.startedNanos();
            }
            return monitor(run, sandbox, started);
        } catch (IOException | RuntimeException e) {
            log.warn("sandbox setup failed for {}: {}", spec.name(), e.toString());
            return RunResult.notStarted(RunResult.Outcome.FAILED, "system_error",
                    "sandbox setup failed: " + e.getMessage(), clkTck);
        } finally {
            if (sandbox != null) {
                finish(sandbox);
            }
            if (pooled) {
                pool.replenish(shape(spec));
            }
        }
    }

    /**
     * Ends a run's sandbox: every process of it is dead before this returns, so before the run's result goes out.
     * Freeing its cgroups (already killed and empty: the whole pid namespace is gone once the chain's first
     * process exited), its uid and its status file waits on the clean-up thread, out of the run's latency;
     * {@link #close()} waits for it. Removing a v1 memory cgroup alone can take milliseconds.
     */
    private void finish(StartedSandbox sandbox) {
        Process process = sandbox.process();
        if (process.isAlive()) {
            SandboxRun.killChain(process, monitorDepth());
            waitForExit(process);
        }
        closeQuietly(process.getOutputStream());
        try {
            cleaner.execute(() -> release(sandbox.group(), sandbox.uid(), sandbox.status()));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            release(sandbox.group(), sandbox.uid(), sandbox.status());
        }
    }

    /**
     * A pre-started sandbox of the run's shape with the run's own cgroup limits, or null (start cold). One the
     * kernel will not give the run's limits (a memory limit below what its set-up already uses) is discarded.
     */
    private StartedSandbox claim(RunSpec spec) {
        StartedSandbox sandbox = pool.claim(shape(spec), spec);
        if (sandbox != null && sandbox.group() != null) {
            SandboxLimits limits = spec.limits();
            try {
                sandbox.group().relimit(limits.memoryBytes(), limits.pids(), limits.cpuMillis());
            } catch (IOException | RuntimeException e) {
                log.debug("pre-started sandbox refused the limits of {}, starting cold: {}", spec.name(),
                        e.toString());
                discard(sandbox);
                return null;
            }
        }
        return sandbox;
    }

    private RunShape shape(RunSpec spec) {
        return new RunShape(spec.argv(), spec.fileName(), spec.env(), spec.limits().workspaceBytes(),
                String.join(" ", rlimits(spec.limits())));
    }

    /**
     * Launches the chain for a run of {@code spec}'s shape, with the spec's limits; it blocks in bwrap until its
     * script is written. Whatever it created is removed again when launching fails.
     */
    private StartedSandbox start(RunSpec spec, String label) throws IOException {
        String name = runName(label);
        Path status = instanceDir.resolve(name + ".status");
        RunCgroup group = null;
        Integer uid = null;
        boolean launched = false;
        try {
            Files.createFile(status, PRIVATE_FILE);
            // One mount point serves every run: each run mounts its tmpfs there in its own mount namespace only.
            Path mountPoint = ownWorkspaceMount() ? instanceDir.resolve(MOUNT_POINT) : null;
            SandboxLimits limits = spec.limits();
            if (cgroups.active()) {
                group = cgroups.create(name, limits.memoryBytes(), limits.pids(), limits.cpuMillis());
            }
            uid = uids != null ? uids.acquire() : null;
            ProcessBuilder pb = new ProcessBuilder(command(spec, group, uid, status, mountPoint))
                    .directory(new File("/"));
            pb.environment().clear();
            pb.environment().put("PATH", tools.path());
            long started = System.nanoTime();
            Process process = pb.start();
            launched = true;
            return new StartedSandbox(name, process, group, uid, status, started);
        } finally {
            if (!launched) {
                release(group, uid, status);
            }
        }
    }

    /** Kills what is left of the sandbox's chain and frees its cgroups, uid and status file. */
    private void discard(StartedSandbox sandbox) {
        Process process = sandbox.process();
        if (process.isAlive()) {
            // Killed before its script pipe closes, so a discarded sandbox never gets to run anything. A waiting
            // sandbox may be at any stage of its set-up, so the whole run group goes first: everything that joined it
            // dies at once, and unshare, outside the group, reaps it and exits. The chain walk then only matters for
            // a chain that has not joined its group yet.
            if (sandbox.group() != null) {
                sandbox.group().killAll();
            }
            SandboxRun.killChain(process, monitorDepth());
            waitForExit(process);
        }
        closeQuietly(process.getOutputStream());
        release(sandbox.group(), sandbox.uid(), sandbox.status());
    }

    private void release(RunCgroup group, Integer uid, Path status) {
        if (group != null) {
            group.remove();
        }
        if (uid != null) {
            uids.release(uid);
        }
        deleteQuietly(status);
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            log.debug("closing a sandbox pipe: {}", e.toString());
        }
    }

    /** Gives the sandbox its script: bwrap copies it into the workspace and, at the pipe's end, goes on. */
    private void writeScript(Process process, byte[] script, RunSpec spec) {
        try (var in = process.getOutputStream()) {
            in.write(script);
        } catch (IOException e) {
            // The sandbox died before taking it: the status file then lacks exit-code, a setup failure.
            log.debug("script of {} not delivered: {}", spec.name(), e.toString());
        }
    }

    private RunResult monitor(SandboxRun run, StartedSandbox sandbox, long started) {
        Process process = sandbox.process();
        RunCgroup group = sandbox.group();
        Path status = sandbox.status();
        RunSpec spec = run.spec();
        SandboxLimits limits = spec.limits();
        OutputCapture out = new OutputCapture(StreamKind.STDOUT, limits.maxOutputBytes(), frameBytes);
        OutputCapture err = new OutputCapture(StreamKind.STDERR, limits.maxOutputBytes(), frameBytes);
        run.attach(process, group, monitorDepth());
        LiveOutput live = new LiveOutput(run, List.of(out, err), group, process.toHandle(),
                (int) Math.max(2, THRASH_WINDOW.toMillis() / Math.max(1, frameInterval.toMillis())));
        Future<?> outReader = readers.submit(() -> pump(process.getInputStream(), out, run));
        Future<?> errReader = readers.submit(() -> pump(process.getErrorStream(), err, run));
        byte[] script = spec.script().getBytes(StandardCharsets.UTF_8);
        if (script.length <= SYNC_SCRIPT_BYTES) {
            writeScript(process, script, spec);
        } else {
            // A large script could fill the pipe before bwrap reads it; the run's timeout must still apply.
            readers.submit(() -> writeScript(process, script, spec));
        }
        ScheduledFuture<?> tick = ticker.scheduleWithFixedDelay(live::tick, frameInterval.toMillis(),
                frameInterval.toMillis(), TimeUnit.MILLISECONDS);
        boolean interrupted = false;
        int exitValue;
        try {
            if (!process.waitFor(limits.timeout().toNanos(), TimeUnit.NANOSECONDS)) {
                run.terminate(Termination.TIMEOUT);
            }
        } catch (InterruptedException e) {
            // The worker is being stopped: end the run like a shutdown, clean up, then pass the interrupt on.
            interrupted = true;
            run.terminate(Termination.SHUTDOWN);
        }
        try {
            exitValue = waitForExit(process);
        } finally {
            tick.cancel(false);
        }
        double wallSeconds = (System.nanoTime() - started) / 1e9;
        if (group != null) {
            group.killAll();
        }
        awaitReader(outReader, process.getInputStream());
        awaitReader(errReader, process.getErrorStream());
        live.finish();

        if (group != null && group.memoryLimitHit()) {
            run.terminate(Termination.MEMORY_LIMIT);
        }
        OptionalLong cpuNanos = group == null ? OptionalLong.empty() : group.cpuNanos();
        long cpuJiffies = cpuNanos.isPresent() ? cpuNanos.getAsLong() * clkTck / 1_000_000_000L
                : live.sampledCpuNanos() * clkTck / 1_000_000_000L;
        OptionalLong peakBytes = group == null ? OptionalLong.empty() : group.peakMemoryBytes();
        long peakKb = peakBytes.isPresent() ? peakBytes.getAsLong() / 1024 : live.sampledPeakKb();
        Integer reportedExit = reportedExitCode(status);

        Termination termination = run.termination();
        RunResult.Outcome outcome;
        String errorType = null;
        String message = null;
        int exitCode = reportedExit != null ? reportedExit : exitValue;
        if (termination == Termination.TIMEOUT) {
            outcome = RunResult.Outcome.TIMEOUT;
            errorType = "timeout";
            exitCode = -1;
            message = "Execution timed out after " + seconds(limits.timeout()) + " s";
        } else if (termination == Termination.CANCELLED) {
            outcome = RunResult.Outcome.CANCELLED;
            exitCode = -1;
            message = "Execution cancelled";
        } else if (termination == Termination.SHUTDOWN) {
            outcome = RunResult.Outcome.FAILED;
            errorType = "system_error";
            exitCode = -1;
            message = "Executor shut down while the run was going";
        } else if (termination == Termination.MEMORY_LIMIT) {
            outcome = RunResult.Outcome.FAILED;
            errorType = "resource_limit";
            message = "Memory limit of " + mib(limits.memoryBytes()) + " MiB exceeded";
        } else if (termination == Termination.OUTPUT_LIMIT) {
            outcome = RunResult.Outcome.FAILED;
            errorType = "resource_limit";
            exitCode = -1;
            message = "Output limit of " + limits.maxOutputBytes() + " bytes per stream exceeded";
        } else if (reportedExit == null) {
            // bwrap never reported the program's exit: the sandbox itself could not be set up.
            outcome = RunResult.Outcome.FAILED;
            errorType = "system_error";
            exitCode = -1;
            message = "sandbox setup failed: " + truncate(err.text().trim(), MAX_SETUP_MESSAGE);
            log.warn("sandbox setup failed for {} (exit {}): {}", spec.name(), exitValue, message);
        } else {
            outcome = RunResult.Outcome.COMPLETED;
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return new RunResult(outcome, exitCode, errorType, message, out.text(), err.text(), out.truncated(),
                err.truncated(), wallSeconds, cpuJiffies, clkTck, peakKb);
    }

    /**
     * Copies one pipe into its capture. Past the cap the run is killed (KILL) or the pipe is still drained and
     * dropped (DISCARD), so the program never blocks on a full pipe.
     */
    private void pump(InputStream in, OutputCapture capture, SandboxRun run) {
        byte[] buffer = new byte[READ_CHUNK];
        try (in) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                if (capture.accept(buffer, n) && settings.outputOverflow() == OutputOverflow.KILL) {
                    run.terminate(Termination.OUTPUT_LIMIT);
                }
            }
        } catch (IOException e) {
            log.debug("{} of {} closed: {}", capture.kind(), run.spec().name(), e.toString());
        }
    }

    private int waitForExit(Process process) {
        try {
            if (process.waitFor(settings.killGrace().toMillis(), TimeUnit.MILLISECONDS)) {
                return process.exitValue();
            }
            log.warn("run's first process {} still alive {} after the kill; killing it", process.pid(),
                    settings.killGrace());
            process.destroyForcibly();
            return process.waitFor();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Pipes reach EOF once the pid namespace is gone; a holder that escaped would only delay us by the grace. */
    private void awaitReader(Future<?> reader, InputStream stream) {
        try {
            reader.get(settings.killGrace().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            log.warn("output pipe still open {} after the run ended; abandoning it", settings.killGrace());
            reader.cancel(true);
            try {
                stream.close();
            } catch (IOException ignored) {
                // The reader is abandoned either way.
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            log.warn("output reader failed", e.getCause());
        }
    }

    private List<String> command(RunSpec spec, RunCgroup group, Integer uid, Path status, Path mountPoint) {
        SandboxLimits limits = spec.limits();
        List<String> cmd = new ArrayList<>();
        if (launchHelper != null && mountPoint != null && uid != null) {
            // The same steps as the chain below in one exec (sandpod-launch.c); nosuid and nodev are mount flags
            // there, not tmpfs options.
            cmd.addAll(LaunchHelper.arguments(launchHelper, status, instanceDir.resolve("passwd"),
                    instanceDir.resolve("group"), seccompProgram != null ? seccompProgram.toString() : "/dev/null",
                    mountPoint, tmpfsOptions(limits, uid), uid, String.join(" ", rlimits(limits))));
            if (group != null) {
                group.procsFiles().forEach(p -> cmd.add(p.toString()));
            }
            cmd.add("--");
            return sandbox(cmd, spec, limits, mountPoint);
        }
        if (mountPoint != null) {
            // The forked child is pid 1 of a pid namespace around bwrap, so every process of the run (bwrap's
            // own reaper included, which its monitor leaves unreaped) is reaped by the kernel when the monitor
            // exits, instead of lingering as a zombie of the host's init; unshare itself waits for that child.
            cmd.addAll(List.of(unshare.toString(), "--mount", "--propagation", "private", "--pid", "--fork",
                    "--kill-child", "--"));
        }
        cmd.add(sh.toString());
        cmd.add("-c");
        cmd.add(LAUNCHER);
        cmd.add("sandpod-launch");
        cmd.add(status.toString());
        cmd.add(instanceDir.resolve("passwd").toString());
        cmd.add(instanceDir.resolve("group").toString());
        cmd.add(seccompProgram != null ? seccompProgram.toString() : "/dev/null");
        if (mountPoint != null) {
            cmd.add(mountPoint.toString());
            cmd.add(tmpfsOptions(limits, uid) + ",nosuid,nodev");
        } else {
            cmd.add("");
            cmd.add("");
        }
        cmd.add(String.join(" ", rlimits(limits)));
        if (group != null) {
            group.procsFiles().forEach(p -> cmd.add(p.toString()));
        }
        cmd.add("--");

        if (uid != null) {
            cmd.addAll(List.of(setpriv.toString(), "--reuid=" + uid, "--regid=" + uid, "--clear-groups",
                    "--no-new-privs", "--"));
        }
        return sandbox(cmd, spec, limits, mountPoint);
    }

    /** The run's whole writable space: size and inode count bounded; never a setuid binary or a device either. */
    private String tmpfsOptions(SandboxLimits limits, Integer uid) {
        return "size=" + limits.workspaceBytes() + ",nr_inodes=" + settings.workspaceInodes()
                + ",mode=0700,uid=" + uid + ",gid=" + uid;
    }

    /** Appends bwrap and the program to the root-side links in {@code cmd}. */
    private List<String> sandbox(List<String> cmd, RunSpec spec, SandboxLimits limits, Path mountPoint) {
        cmd.add(bwrap.toString());
        cmd.addAll(List.of("--unshare-all", "--unshare-user", "--disable-userns", "--die-with-parent",
                "--new-session", "--cap-drop", "ALL", "--hostname", "sandpod",
                "--uid", Integer.toString(SANDBOX_UID), "--gid", Integer.toString(SANDBOX_UID)));
        cmd.add("--clearenv");
        for (Map.Entry<String, String> e : environment(spec).entrySet()) {
            cmd.addAll(List.of("--setenv", e.getKey(), e.getValue()));
        }
        cmd.addAll(mountArgs);
        cmd.addAll(List.of("--proc", "/proc", "--dev", "/dev"));
        if (mountPoint != null) {
            // One tmpfs for everything writable: /tmp, /var/tmp and /dev/shm share the workspace's size and inodes.
            // bwrap checks bind sources before it creates anything, so the tmp directory (made by --dir inside
            // the tmpfs, no mkdir process needed) is bound with --bind-try: by then it exists. Tests write to
            // /dev/shm and count its space and inodes against the workspace, so a missed bind cannot go unseen.
            cmd.addAll(List.of("--bind", mountPoint.toString(), WORKSPACE,
                    "--dir", TMP_DIR,
                    "--bind-try", mountPoint.resolve(".tmp").toString(), "/dev/shm"));
        } else {
            String size = Long.toString(limits.workspaceBytes());
            cmd.addAll(List.of("--size", size, "--tmpfs", "/dev/shm",
                    "--size", size, "--tmpfs", WORKSPACE,
                    "--dir", TMP_DIR));
        }
        cmd.addAll(List.of(
                "--symlink", TMP_DIR, "/tmp",
                "--dir", "/var",
                "--symlink", TMP_DIR, "/var/tmp",
                // Written into bwrap's root tmpfs (read-only after --remount-ro /): no mount, unlike --ro-bind-data.
                "--perms", "0644", "--file", "5", "/etc/passwd",
                "--perms", "0644", "--file", "6", "/etc/group",
                // Last of the set-up that can wait: a pre-started sandbox blocks here until its script comes.
                "--perms", "0644", "--file", "4", WORKSPACE + "/" + spec.fileName(),
                // Only the tmpfs mounts stay writable: a full root or /dev would be writable and unlimited.
                "--remount-ro", "/dev",
                "--remount-ro", "/",
                "--chdir", WORKSPACE,
                "--json-status-fd", "3"));
        if (seccompProgram != null) {
            cmd.addAll(List.of("--seccomp", "7"));
        }
        cmd.add("--");
        cmd.addAll(spec.argv());
        return cmd;
    }

    /** The run's rlimits as words for dash's {@code ulimit}; they are fixed at launch, so part of the run shape. */
    private List<String> rlimits(SandboxLimits limits) {
        List<String> rlimits = new ArrayList<>();
        rlimits.add("c=0");
        rlimits.add("f=" + ((limits.workspaceBytes() + FSIZE_BLOCK - 1) / FSIZE_BLOCK));
        rlimits.add("n=" + settings.openFiles());
        if (!cgroups.enforces(Controller.PIDS) && uids != null) {
            rlimits.add("p=" + (limits.pids() + 2));
        }
        if (!cgroups.enforces(Controller.MEMORY)) {
            // Data segment, not address space: V8 and Go reserve huge PROT_NONE ranges they never touch.
            rlimits.add("d=" + Math.max(1, limits.memoryBytes() / 1024));
        }
        return rlimits;
    }

    private static Map<String, String> environment(RunSpec spec) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.put("HOME", SANDBOX_HOME);
        env.put("USER", "sandbox");
        env.put("LOGNAME", "sandbox");
        env.put("LANG", "C.UTF-8");
        env.put("TMPDIR", "/tmp");
        env.putAll(spec.env());
        return env;
    }

    /**
     * Read-only binds at the same path; merged-/usr links (/bin → usr/bin) are recreated as links, and so is a bind
     * that is a symbolic link into another bound directory (/etc/localtime → /usr/share/zoneinfo/...): bwrap
     * creates a link in its root tmpfs without a mount, while every bind is a mount and a remount that each re-read
     * the mount table. Decided when the runner starts, like which binds exist.
     */
    private static List<String> mountArgs(List<String> binds) {
        List<String> args = new ArrayList<>();
        List<Path> boundDirs = new ArrayList<>();
        for (String bind : binds) {
            Path p = Path.of(bind);
            if (!Files.isSymbolicLink(p) && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                boundDirs.add(p.normalize());
            }
        }
        for (String bind : binds) {
            Path p = Path.of(bind);
            if (!Files.exists(p)) {
                continue;
            }
            Optional<String> link = linkIntoBound(p, boundDirs);
            if (link.isPresent()) {
                args.addAll(List.of("--symlink", link.get(), bind));
            } else {
                args.addAll(List.of("--ro-bind-try", bind, bind));
            }
        }
        for (String top : List.of("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")) {
            Path p = Path.of(top);
            try {
                if (Files.isSymbolicLink(p)) {
                    args.addAll(List.of("--symlink", Files.readSymbolicLink(p).toString(), top));
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    args.addAll(List.of("--ro-bind", top, top));
                }
            } catch (IOException e) {
                log.debug("skipping {}: {}", top, e.toString());
            }
        }
        return List.copyOf(args);
    }

    /**
     * The target of {@code path} when it is a symbolic link whose target, as written and fully resolved on the
     * host, lies in one of the bound directories: the same link inside the sandbox then shows the same file.
     */
    private static Optional<String> linkIntoBound(Path path, List<Path> boundDirs) {
        try {
            if (!Files.isSymbolicLink(path)) {
                return Optional.empty();
            }
            Path target = Files.readSymbolicLink(path);
            Path lexical = path.getParent() == null ? target : path.getParent().resolve(target).normalize();
            Path real = path.toRealPath();
            for (Path dir : boundDirs) {
                if (lexical.startsWith(dir) && real.startsWith(dir.toRealPath())) {
                    return Optional.of(target.toString());
                }
            }
        } catch (IOException | RuntimeException e) {
            log.debug("binding {} instead of linking it: {}", path, e.toString());
        }
        return Optional.empty();
    }

    private String missingTools() {
        if (bwrap == null) {
            return "bwrap not found in " + settings.toolsPath() + " (install the Debian package bubblewrap)";
        }
        if (sh == null) {
            return "sh not found in " + settings.toolsPath();
        }
        if (root && (setpriv == null || unshare == null || mount == null)) {
            return "setpriv, unshare or mount not found in " + settings.toolsPath()
                    + " (util-linux, mount): refusing to run sandboxes as host root";
        }
        return null;
    }

    private static Path writeSeccompProgram(Path dir) {
        return SeccompFilter.forCurrentArchitecture().map(program -> {
            try {
                return Files.write(dir.resolve("seccomp.bpf"), program);
            } catch (IOException e) {
                log.warn("seccomp program not written, runs go without it: {}", e.toString());
                return null;
            }
        }).orElse(null);
    }

    private static CgroupSupport detectCgroups(ExecutorProperties.Sandbox settings, String instance) {
        CgroupMode mode = settings.cgroups();
        if (mode == CgroupMode.NONE) {
            return CgroupSupport.none();
        }
        return CgroupSupport.detect(mode != CgroupMode.V1, mode != CgroupMode.V2, settings.cgroupParent(),
                instance);
    }

    private SandboxCapabilities describe(String problem) {
        String version = bwrap == null ? "bwrap missing"
                : tools.capture(settings.probeTimeout().toMillis(), bwrap.toString(), "--version")
                .map(String::trim).orElse("bwrap (version unknown)");
        Enforcement memory = enforcement(Controller.MEMORY, Enforcement.RLIMIT);
        Enforcement pids = enforcement(Controller.PIDS, uids != null ? Enforcement.RLIMIT : Enforcement.NONE);
        Enforcement cpu = enforcement(Controller.CPU, Enforcement.NONE);
        String cpuAccounting = cgroups.enforces(Controller.CPUACCT)
                ? cgroups.source(Controller.CPUACCT) : "procfs sampling";
        String memAccounting = cgroups.enforces(Controller.MEMORY)
                ? cgroups.source(Controller.MEMORY) : "procfs sampling";
        String kill = "pid namespace teardown"
                + (cgroups.killMethod() == null ? "" : " + " + cgroups.killMethod());
        String runAs = uids != null
                ? "a per-run host uid from " + uids.firstUid() + " (uid " + SANDBOX_UID + " inside), set up by "
                        + (launchHelper != null ? launchHelper.getFileName() + " (compiled sandpod-launch.c)"
                        : "unshare, sh, mount and setpriv")
                : "the JVM's uid " + effectiveUid() + " (uid " + SANDBOX_UID + " inside)";
        String workspace = ownWorkspaceMount()
                ? "one tmpfs per run for " + WORKSPACE + ", /tmp, /var/tmp and /dev/shm, in the run's own mount "
                        + "namespace, size and " + settings.workspaceInodes() + " inodes bounded"
                : "bwrap tmpfs for " + WORKSPACE + " (with /tmp, /var/tmp) and /dev/shm, size bounded, inodes "
                        + "not bounded (needs root)";
        return new SandboxCapabilities(problem == null, problem, version, runAs, memory, pids, cpu,
                Enforcement.RLIMIT, "cpu=" + cpuAccounting + ", memory=" + memAccounting, kill,
                "user+pid+mount+net+ipc+uts+cgroup namespaces, no network, no capabilities, no_new_privs, "
                        + "nested user namespaces disabled, read-only " + settings.readOnlyBinds(),
                workspace, seccompDescription(), clkTck);
    }

    private String seccompDescription() {
        if (seccompProgram != null) {
            return SeccompFilter.DENIED_X86_64.size() + " syscalls denied with EPERM, foreign ABIs killed";
        }
        return settings.seccomp() ? "none (no filter for " + System.getProperty("os.arch") + ")" : "none (disabled)";
    }

    private Enforcement enforcement(Controller controller, Enforcement fallback) {
        String source = cgroups.source(controller);
        if (source == null) {
            return fallback;
        }
        return source.endsWith("2") ? Enforcement.CGROUP_V2 : Enforcement.CGROUP_V1;
    }

    /** Runs {@code true} through the whole chain once: proves namespaces, binds and cgroups work here. */
    private String canary() {
        Optional<Path> trueBin = tools.find("true");
        if (trueBin.isEmpty()) {
            return "no 'true' binary in " + settings.toolsPath();
        }
        SandboxLimits limits = SandboxLimits.defaults().withTimeout(settings.probeTimeout());
        RunSpec spec = new RunSpec("canary", "canary", "", List.of(trueBin.get().toString()), Map.of(), limits);
        RunResult result = executeStarted(new SandboxRun(this, spec, OutputSink.NONE, false), false);
        if (result.outcome() == RunResult.Outcome.COMPLETED && result.exitCode() == 0) {
            return null;
        }
        String detail = result.errorMessage() != null ? result.errorMessage() : result.stderr().trim();
        return "canary run failed (" + result.outcome() + ", exit " + result.exitCode() + "): " + detail;
    }

    private RunResult terminatedBeforeStart(Termination termination) {
        return termination == Termination.CANCELLED
                ? RunResult.notStarted(RunResult.Outcome.CANCELLED, null, "Execution cancelled", clkTck)
                : RunResult.notStarted(RunResult.Outcome.FAILED, "system_error",
                "Executor shut down before the run started", clkTck);
    }

    /** {@code <workDir>/<pid>-<random>}, after removing directories of executors that are gone. */
    private static Path prepareWorkDir(Path workDir, String instance) throws IOException {
        Files.createDirectories(workDir);
        if (Files.isSymbolicLink(workDir) || !Files.isDirectory(workDir, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("not a plain directory");
        }
        int owner = (Integer) Files.getAttribute(workDir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        if (owner != effectiveUid()) {
            // A shared /tmp: another user could have planted this directory to read or redirect our files.
            throw new IOException("owned by uid " + owner + ", not by this process");
        }
        try (var children = Files.list(workDir)) {
            for (Path child : children.toList()) {
                Matcher m = INSTANCE.matcher(child.getFileName().toString());
                if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
                    log.info("removing run files of a dead executor: {}", child);
                    deleteTree(child);
                }
            }
        }
        Path dir = workDir.resolve(instance);
        Files.createDirectory(dir, RUN_DIR_PERMISSIONS);
        String passwd = "sandbox:x:" + SANDBOX_UID + ":" + SANDBOX_UID + ":sandbox:" + SANDBOX_HOME + ":/bin/sh\n"
                + "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n";
        String group = "sandbox:x:" + SANDBOX_UID + ":\nnogroup:x:65534:\n";
        // Traversable by the runs' uids (bwrap binds the run's tmpfs from here), never listable; empty on the host.
        Files.createDirectory(dir.resolve(MOUNT_POINT), RUN_DIR_PERMISSIONS);
        Files.writeString(dir.resolve("passwd"), passwd, StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("group"), group, StandardCharsets.UTF_8);
        return dir;
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("cannot remove {}: {}", file, e.toString());
        }
    }

    /** Deletes without following symbolic links (walkFileTree never does). */
    static void deleteTree(Path dir) {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) {
            log.warn("cannot remove {}: {}", dir, e.toString());
        }
    }

    private static Integer reportedExitCode(Path status) {
        try {
            Matcher m = EXIT_CODE.matcher(Files.readString(status, StandardCharsets.UTF_8));
            return m.find() ? Integer.valueOf(m.group(1)) : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String runName(String label) {
        String safe = label == null ? "run" : label.replaceAll("[^A-Za-z0-9_-]", "_");
        if (safe.length() > 40) {
            safe = safe.substring(0, 40);
        }
        return "run-" + safe + "-" + RUN_COUNTER.incrementAndGet();
    }

    static int effectiveUid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | UnsupportedOperationException e) {
            return -1;
        }
    }

    private static int parseIntOrZero(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? Long.toString(d.toSeconds()) : String.format(Locale.ROOT, "%.1f", d.toMillis() / 1000.0);
    }

    private static long mib(long bytes) {
        return bytes >> 20;
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "...";
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}

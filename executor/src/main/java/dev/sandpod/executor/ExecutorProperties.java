package dev.sandpod.executor;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the executor role ({@code sandpod.executor.*}). The runtime registry itself is separate
 * ({@code sandpod.runtimes.*}, see {@link dev.sandpod.executor.runtime.RuntimeProperties}) because API-only
 * instances need it too.
 *
 * @param enabled          whether this instance consumes run requests and runs them; an API-only instance sets false
 * @param workers          runs executing at once in this process
 * @param queueCapacity    accepted runs waiting for a worker; beyond it a request is answered FAILED/system_error
 * @param runnerId         the {@code runner} field of every report; defaults to {@code local@<hostname>}
 * @param frameBytes       upper bound of one live output frame (raw bytes before decoding)
 * @param frameInterval    how long live output is coalesced before it is sent
 * @param claimsTopic      the compacted topic of run requests executors have taken on (see {@code HandledRuns})
 * @param rememberedExecutions finished execution ids kept to ignore duplicate requests (also those read back
 *                         from the claims topic)
 */
@ConfigurationProperties("sandpod.executor")
public record ExecutorProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("16") int workers,
        @DefaultValue("256") int queueCapacity,
        String runnerId,
        @DefaultValue("sandpod.run-requests") String requestsTopic,
        @DefaultValue("sandpod.run-reports") String reportsTopic,
        @DefaultValue("sandpod.run-claims") String claimsTopic,
        @DefaultValue("sandpod-executor") String groupId,
        @DefaultValue("8KB") DataSize frameBytes,
        @DefaultValue("50ms") Duration frameInterval,
        @DefaultValue("10000") int rememberedExecutions,
        @DefaultValue Sandbox sandbox) {

    /**
     * What happens to a run whose output passes {@code max_output_bytes}. Either way the platform keeps only
     * the cap; KILL is the default because draining a flood until the timeout costs the host a core per run
     * (the reader is outside the run's CPU limit) and tells the user nothing more.
     */
    public enum OutputOverflow {
        /** Kill the run at once: FAILED with error_type resource_limit, exit_code -1. */
        KILL,
        /** Keep the run going and drop the excess: the program's own outcome is reported. */
        DISCARD
    }

    /** Which cgroup hierarchy may carry per-run limits. */
    public enum CgroupMode {
        AUTO,
        V2,
        V1,
        NONE
    }

    /**
     * How the root-side links of a run's launch are done: AUTO uses {@code sandpod-launch} (compiled from its C
     * source with the host's compiler on start) when it can and the util-linux chain otherwise; UTIL_LINUX always
     * uses the chain ({@code unshare}, {@code sh}, {@code mount}, {@code setpriv}). Both give a run the same
     * isolation; the helper saves 4–7 ms of CPU per run.
     */
    public enum Launcher {
        AUTO,
        UTIL_LINUX
    }

    /**
     * The local sandbox.
     *
     * @param cgroups       AUTO prefers v2 controllers and falls back per controller to v1, then to rlimits
     * @param cgroupParent  directory under each cgroup mount holding this host's run groups
     * @param workDir       host directory for per-run files (script, status); default {@code $TMPDIR/sandpod-runs-<user>}
     * @param uidBase       first host uid of the per-run uid range (only used when the JVM runs as root); every
     *                      runner of the host claims its own blocks of 256 uids from the 65536 above it
     * @param uidLockDir    where runners of this host lock their uid blocks; default {@code /run/sandpod/uids}
     *                      (cleared at boot), or {@code <workDir>/uids} when /run is not writable
     * @param workspaceInodes inodes of a run's tmpfs (files, directories, links): a run creating millions of empty
     *                      files stops with ENOSPC here; only enforced as root (the runner mounts the tmpfs itself)
     * @param toolsPath     where bwrap, setpriv, prlimit and the interpreters are looked up; the JVM's own PATH
     *                      is ignored on purpose so shims (pyenv, asdf) never end up inside a sandbox
     * @param readOnlyBinds host paths bound read-only at the same place inside every sandbox
     * @param outputOverflow what to do when a stream passes its cap
     * @param openFiles     RLIMIT_NOFILE inside the sandbox
     * @param seccomp       load the syscall deny-list filter (x86_64 only; elsewhere reported as unavailable)
     * @param probeTimeout  limit of every startup probe (canary run, interpreter version)
     * @param killGrace     how long to wait for a killed tree and its pipes before giving up
     * @param pool          sandboxes started ahead of their runs, so that set-up leaves a run's latency
     * @param launcher      compiled launch helper when available (AUTO) or always the util-linux chain
     * @param allowSharedUid without root, runs cannot get their own host uids and would all share the JVM's uid
     *                      and its per-uid kernel quotas (inotify instances, pipe pages, process count: H36); the
     *                      runner then refuses to run unless this says that is accepted (and warns at startup)
     */
    public record Sandbox(
            @DefaultValue("auto") CgroupMode cgroups,
            @DefaultValue("sandpod") String cgroupParent,
            Path workDir,
            @DefaultValue("1900000000") int uidBase,
            Path uidLockDir,
            @DefaultValue("16384") int workspaceInodes,

            @DefaultValue("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
            String toolsPath,

            @DefaultValue({"/usr", "/etc/alternatives", "/etc/ld.so.cache", "/etc/localtime"})
            List<String> readOnlyBinds,

            @DefaultValue("kill") OutputOverflow outputOverflow,
            @DefaultValue("1024") int openFiles,
            @DefaultValue("true") boolean seccomp,
            @DefaultValue("10s") Duration probeTimeout,
            @DefaultValue("2s") Duration killGrace,
            @DefaultValue Pool pool,
            @DefaultValue("auto") Launcher launcher,
            @DefaultValue("false") boolean allowSharedUid) {

        /** Per OS user by default, so a directory planted by another user of a shared /tmp is never ours. */
        public Path effectiveWorkDir() {
            return workDir != null
                    ? workDir
                    : Path.of(System.getProperty("java.io.tmpdir"), "sandpod-runs-" + System.getProperty("user.name"));
        }

        /** One directory for all runners of the host, so no two of them ever hand out the same uid. */
        public Path effectiveUidLockDir() {
            if (uidLockDir != null) {
                return uidLockDir;
            }
            Path run = Path.of("/run");
            return java.nio.file.Files.isDirectory(run) && java.nio.file.Files.isWritable(run)
                    ? run.resolve("sandpod").resolve("uids")
                    : effectiveWorkDir().resolve("uids");
        }
    }

    /**
     * Pre-started sandboxes: namespaces, mounts, cgroups, uid and seccomp set up, bubblewrap blocked reading the
     * script from a pipe. Kept only for run shapes (runtime command, environment, file name, workspace size) that
     * were used recently; each one serves exactly one run.
     *
     * @param size   ready sandboxes kept per recently used run shape; 0 turns the pool off (every run cold)
     * @param shapes run shapes kept at once; the least recently used one is dropped for a new one
     * @param idle   a shape not used for this long loses its sandboxes
     */
    public record Pool(
            @DefaultValue("2") int size,
            @DefaultValue("4") int shapes,
            @DefaultValue("10m") Duration idle) {}
}

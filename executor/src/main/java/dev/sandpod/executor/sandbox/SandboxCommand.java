package dev.sandpod.executor.sandbox;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The command line of one run's launch chain: the root-side links ({@code unshare} → {@code sh} → {@code setpriv},
 * or the one {@code sandpod-launch} exec that replaces them), then {@code bwrap} with every namespace, mount, limit
 * and fd of the sandbox, then the program. Pure: it only puts together what {@link SandboxHost} found on the host
 * when the runner started, so the same inputs always give the same argv, and tests can check it without root.
 *
 * <p>Which links there are follows from the call, not from a mode flag: a run with a {@code mountPoint} (only as
 * root, where every run gets its own tmpfs) is wrapped in {@code unshare}; a run with a {@code uid} (a per-run host
 * uid, also only as root) drops to it with {@code setpriv}; with a compiled launch helper both come as one exec.
 */
final class SandboxCommand {

    static final String WORKSPACE = "/workspace";
    /** The uid (and gid) of every run inside its user namespace, whatever host uid it has outside. */
    static final int SANDBOX_UID = 1000;

    static final String SANDBOX_HOME = WORKSPACE;
    /**
     * RLIMIT_MEMLOCK of every run (H35): enough for the few locked pages a runtime may ask for, never a way to pin
     * the host's memory, and not inherited from the executor.
     */
    static final long MEMLOCK_BYTES = 64 * 1024;

    private static final int FSIZE_BLOCK = 512;
    private static final String TMP_DIR = WORKSPACE + "/.tmp";

    /**
     * The shell link of the chain; everything it does is a builtin except the tmpfs mount. Failing to join a
     * cgroup, open a file, mount or set a limit exits before bwrap runs, so the status file then lacks
     * {@code exit-code} and the run is reported as a setup failure. The script arrives on stdin (a pipe from the
     * JVM), which moves to fd 4 for bwrap's {@code --file}; stdin itself becomes /dev/null. Arguments: status
     * file, passwd, group, seccomp program, mount point and tmpfs options (both empty: no own mount), rlimits as
     * {@code letter=value} words for dash's {@code ulimit}, the cgroup.procs files to join, {@code --}, the rest
     * of the chain.
     */
    static final String LAUNCHER = String.join(
            "\n",
            "s=$1 p=$2 g=$3 c=$4 m=$5 o=$6 l=$7",
            "shift 7",
            "while [ \"$1\" != -- ]; do echo $$ > \"$1\" || exit 125; shift; done",
            "shift",
            "exec 3>\"$s\" 4<&0 0</dev/null 5<\"$p\" 6<\"$g\" 7<\"$c\" || exit 125",
            "if [ -n \"$m\" ]; then mount -n -t tmpfs -o \"$o\" sandpod-run \"$m\" || exit 125; fi",
            "for r in $l; do ulimit -${r%=*} ${r#*=} || exit 125; done",
            "exec \"$@\"");

    /**
     * The host programs of the chain. {@code unshare} and {@code setpriv} are only needed as root; {@code launchHelper}
     * is the compiled {@code sandpod-launch} that replaces unshare → sh → mount → setpriv, or null.
     */
    record Programs(Path bwrap, Path sh, Path unshare, Path setpriv, Path launchHelper) {}

    /**
     * How the host enforces a run's limits, as far as the command line depends on it.
     *
     * @param openFiles       the rlimit on open files
     * @param workspaceInodes the inode limit of a run's own tmpfs
     * @param perRunUids      whether runs get their own host uids (root): only then can a process-count rlimit
     *                        stand in for a pids cgroup, since rlimits count per uid
     * @param cgroupPids      whether a pids cgroup bounds the run's processes (no rlimit needed then)
     * @param cgroupMemory    whether a memory cgroup bounds the run's memory (no data-segment rlimit needed then)
     */
    record Enforcement(
            int openFiles,
            int workspaceInodes,
            boolean perRunUids,
            boolean cgroupPids,
            boolean cgroupMemory,
            boolean bwrapDisablesUserns,
            List<String> maskedProcPaths) {

        Enforcement(int openFiles, int workspaceInodes, boolean perRunUids, boolean cgroupPids, boolean cgroupMemory) {
            this(openFiles, workspaceInodes, perRunUids, cgroupPids, cgroupMemory, true, List.of());
        }

        Enforcement {
            maskedProcPaths = List.copyOf(maskedProcPaths);
        }
    }

    /**
     * {@code /proc} files a run must not read (H38): host-wide timers, scheduler and latency state with other
     * processes' pids and names, kernel keys and symbol addresses, kernel memory and log. bwrap's {@code --proc}
     * masks none of them; these are the container runtimes' masked paths plus kallsyms. Only those that exist on
     * the host are masked (bwrap cannot bind over a missing file); the run's procfs is of the same kernel.
     * {@code /proc/1/cmdline} is bubblewrap's own init inside the sandbox, whose arguments name host paths.
     */
    static final List<String> MASKED_PROC = List.of(
            "/proc/1/cmdline",
            "/proc/timer_list",
            "/proc/timer_stats",
            "/proc/sched_debug",
            "/proc/latency_stats",
            "/proc/keys",
            "/proc/key-users",
            "/proc/kallsyms",
            "/proc/kcore",
            "/proc/kmsg",
            "/proc/vmallocinfo",
            "/proc/sysrq-trigger",
            "/proc/config.gz");

    private final Programs programs;
    private final Path instanceDir;
    private final Path seccompProgram;
    private final List<String> mountArgs;
    private final Enforcement enforcement;

    /**
     * @param instanceDir    the runner's own directory with the passwd and group files
     * @param seccompProgram the compiled seccomp filter, or null for none
     * @param mountArgs      bwrap's read-only binds and links of host directories (see {@link SandboxHost})
     */
    SandboxCommand(
            Programs programs, Path instanceDir, Path seccompProgram, List<String> mountArgs, Enforcement enforcement) {
        this.programs = programs;
        this.instanceDir = instanceDir;
        this.seccompProgram = seccompProgram;
        this.mountArgs = List.copyOf(mountArgs);
        this.enforcement = enforcement;
    }

    /**
     * The whole chain for a run of {@code spec}.
     *
     * @param cgroupProcs the cgroup.procs files the chain joins before anything of the run starts (may be empty)
     * @param uid         the run's own host uid, or null to keep the JVM's
     * @param status      the file bwrap writes the run's JSON status to
     * @param mountPoint  where the run's own tmpfs is mounted in its own mount namespace, or null for bwrap's tmpfs
     */
    List<String> argv(RunSpec spec, List<Path> cgroupProcs, Integer uid, Path status, Path mountPoint) {
        SandboxLimits limits = spec.limits();
        List<String> cmd = new ArrayList<>();
        if (programs.launchHelper() != null && mountPoint != null && uid != null) {
            // The same steps as the chain below in one exec (sandpod-launch.c); nosuid and nodev are mount flags
            // there, not tmpfs options.
            cmd.addAll(LaunchHelper.arguments(
                    programs.launchHelper(),
                    status,
                    instanceDir.resolve("passwd"),
                    instanceDir.resolve("group"),
                    seccompProgram != null ? seccompProgram.toString() : "/dev/null",
                    mountPoint,
                    tmpfsOptions(limits, uid),
                    uid,
                    // RLIMIT_NICE too, which dash's ulimit cannot set.
                    rlimits(limits) + " e=0"));
            cgroupProcs.forEach(p -> cmd.add(p.toString()));
            cmd.add("--");
            return sandbox(cmd, spec, limits, mountPoint);
        }
        if (mountPoint != null) {
            // The forked child is pid 1 of a pid namespace around bwrap, so every process of the run (bwrap's
            // own reaper included, which its monitor leaves unreaped) is reaped by the kernel when the monitor
            // exits, instead of lingering as a zombie of the host's init; unshare itself waits for that child.
            cmd.addAll(List.of(
                    programs.unshare().toString(),
                    "--mount",
                    "--propagation",
                    "private",
                    "--pid",
                    "--fork",
                    "--kill-child",
                    "--"));
        }
        cmd.add(programs.sh().toString());
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
        cmd.add(rlimits(limits));
        cgroupProcs.forEach(p -> cmd.add(p.toString()));
        cmd.add("--");

        if (uid != null) {
            cmd.addAll(List.of(
                    programs.setpriv().toString(),
                    "--reuid=" + uid,
                    "--regid=" + uid,
                    "--clear-groups",
                    "--no-new-privs",
                    "--"));
        }
        return sandbox(cmd, spec, limits, mountPoint);
    }

    /**
     * The run's rlimits as space-separated words for dash's {@code ulimit}; they are fixed at launch, so part of the
     * run shape a pre-started sandbox serves.
     */
    String rlimits(SandboxLimits limits) {
        List<String> rlimits = new ArrayList<>();
        rlimits.add("c=0");
        // Pinned, never inherited from the executor (H35): no real-time priority, next to no locked memory.
        rlimits.add("r=0");
        rlimits.add("l=" + MEMLOCK_BYTES / 1024);
        rlimits.add("f=" + ((limits.workspaceBytes() + FSIZE_BLOCK - 1) / FSIZE_BLOCK));
        rlimits.add("n=" + enforcement.openFiles());
        if (!enforcement.cgroupPids() && enforcement.perRunUids()) {
            rlimits.add("p=" + (limits.pids() + 2));
        }
        if (!enforcement.cgroupMemory()) {
            // Data segment, not address space: V8 and Go reserve huge PROT_NONE ranges they never touch.
            rlimits.add("d=" + Math.max(1, limits.memoryBytes() / 1024));
        }
        return String.join(" ", rlimits);
    }

    /** The run's whole writable space: size and inode count bounded; never a setuid binary or a device either. */
    private String tmpfsOptions(SandboxLimits limits, Integer uid) {
        return "size=" + limits.workspaceBytes() + ",nr_inodes=" + enforcement.workspaceInodes() + ",mode=0700,uid="
                + uid + ",gid=" + uid;
    }

    /** Appends bwrap and the program to the root-side links in {@code cmd}. */
    private List<String> sandbox(List<String> cmd, RunSpec spec, SandboxLimits limits, Path mountPoint) {
        cmd.add(programs.bwrap().toString());
        cmd.addAll(List.of("--unshare-all", "--unshare-user"));
        if (enforcement.bwrapDisablesUserns()) {
            // Otherwise the seccomp filter denies clone(CLONE_NEWUSER) (see SeccompFilter).
            cmd.add("--disable-userns");
        }
        cmd.addAll(List.of(
                "--die-with-parent",
                "--new-session",
                "--cap-drop",
                "ALL",
                "--hostname",
                "sandpod",
                "--uid",
                Integer.toString(SANDBOX_UID),
                "--gid",
                Integer.toString(SANDBOX_UID)));
        cmd.add("--clearenv");
        for (Map.Entry<String, String> e : environment(spec).entrySet()) {
            cmd.addAll(List.of("--setenv", e.getKey(), e.getValue()));
        }
        cmd.addAll(mountArgs);
        cmd.addAll(List.of("--proc", "/proc", "--dev", "/dev"));
        for (String masked : enforcement.maskedProcPaths()) {
            cmd.addAll(List.of("--ro-bind", "/dev/null", masked));
        }
        if (mountPoint != null) {
            // One tmpfs for everything writable: /tmp, /var/tmp and /dev/shm share the workspace's size and inodes.
            // bwrap checks bind sources before it creates anything, so the tmp directory (made by --dir inside
            // the tmpfs, no mkdir process needed) is bound with --bind-try: by then it exists. Tests write to
            // /dev/shm and count its space and inodes against the workspace, so a missed bind cannot go unseen.
            cmd.addAll(List.of(
                    "--bind",
                    mountPoint.toString(),
                    WORKSPACE,
                    "--dir",
                    TMP_DIR,
                    "--bind-try",
                    mountPoint.resolve(".tmp").toString(),
                    "/dev/shm"));
        } else {
            String size = Long.toString(limits.workspaceBytes());
            cmd.addAll(List.of(
                    "--size", size, "--tmpfs", "/dev/shm", "--size", size, "--tmpfs", WORKSPACE, "--dir", TMP_DIR));
        }
        cmd.addAll(List.of(
                "--symlink",
                TMP_DIR,
                "/tmp",
                "--dir",
                "/var",
                "--symlink",
                TMP_DIR,
                "/var/tmp",
                // Written into bwrap's root tmpfs (read-only after --remount-ro /): no mount, unlike --ro-bind-data.
                "--perms",
                "0644",
                "--file",
                "5",
                "/etc/passwd",
                "--perms",
                "0644",
                "--file",
                "6",
                "/etc/group",
                // Last of the set-up that can wait: a pre-started sandbox blocks here until its script comes.
                "--perms",
                "0644",
                "--file",
                "4",
                WORKSPACE + "/" + spec.fileName(),
                // Only the tmpfs mounts stay writable: a full root or /dev would be writable and unlimited.
                "--remount-ro",
                "/dev",
                "--remount-ro",
                "/",
                "--chdir",
                WORKSPACE,
                "--json-status-fd",
                "3"));
        if (seccompProgram != null) {
            cmd.addAll(List.of("--seccomp", "7"));
        }
        cmd.add("--");
        cmd.addAll(spec.argv());
        return cmd;
    }

    /** The allowlisted base environment, with the runtime's own variables on top. */
    static Map<String, String> environment(RunSpec spec) {
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
}

package dev.sandpod.executor.sandbox;

import dev.sandpod.executor.ExecutorProperties;
import dev.sandpod.executor.ExecutorProperties.CgroupMode;
import dev.sandpod.executor.sandbox.SandboxCapabilities.Enforcement;
import dev.sandpod.executor.sandbox.cgroup.CgroupSupport;
import dev.sandpod.executor.sandbox.cgroup.Controller;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What this host offers the local sandbox, found out once when the runner starts: the programs of the launch
 * chain, whether it runs as root (and so can give every run its own host uid and tmpfs), the cgroup controllers,
 * seccomp, which read-only binds exist, and the runner's work directory. Whatever is missing is one
 * {@link #problem()}; the runner then refuses every run instead of running one with less isolation.
 *
 * <p>It holds what it claimed on the host (the uid range, the cgroup directories, the work directory) until
 * {@link #close()}.
 */
final class SandboxHost implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SandboxHost.class);

    private static final int UID_RANGE = 65536;

    private final ExecutorProperties.Sandbox settings;
    private final HostTools tools;
    private final boolean root;
    private final SandboxCommand.Programs programs;
    private final Path mount;
    private final int clkTck;
    private final UidPool uids;
    private final List<String> mountArgs;
    private final Path instanceDir;
    private final Path seccompProgram;
    private final CgroupSupport cgroups;
    private final String problem;
    private final String bwrapVersion;
    private final boolean bwrapDisablesUserns;
    private final List<String> maskedProc;

    /** Probes the host in a fixed order; each step runs only when the ones before found nothing missing. */
    SandboxHost(ExecutorProperties.Sandbox settings, String instance) {
        this(settings, instance, effectiveUid() == 0);
    }

    /** {@code root}: whether this process may give runs their own uids (tests pass false to see the other mode). */
    SandboxHost(ExecutorProperties.Sandbox settings, String instance, boolean root) {
        this.settings = settings;
        this.tools = new HostTools(settings.toolsPath());
        this.root = root;
        Path bwrap = tools.find("bwrap").orElse(null);
        this.bwrapVersion = bwrap == null
                ? "bwrap missing"
                : tools.capture(settings.probeTimeout().toMillis(), bwrap.toString(), "--version")
                        .map(String::trim)
                        .orElse("bwrap (version unknown)");
        this.bwrapDisablesUserns = supportsDisableUserns(bwrapVersion);
        this.maskedProc = SandboxCommand.MASKED_PROC.stream()
                .filter(p -> p.startsWith("/proc/1/") || Files.exists(Path.of(p)))
                .toList();
        Path sh = tools.find("sh").orElse(null);
        Path setpriv = root ? tools.find("setpriv").orElse(null) : null;
        Path unshare = root ? tools.find("unshare").orElse(null) : null;
        this.mount = root ? tools.find("mount").orElse(null) : null;
        this.clkTck = tools.capture(settings.probeTimeout().toMillis(), "getconf", "CLK_TCK")
                .map(String::trim)
                .map(SandboxHost::parseIntOrZero)
                .filter(v -> v > 0)
                .orElse(100);
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
        this.mountArgs = ReadOnlyBinds.arguments(settings.readOnlyBinds());

        String problem = uidProblem != null ? uidProblem : missingTools(bwrap, sh, setpriv, unshare);
        if (problem == null && !root) {
            problem = sharedUidProblem(settings);
        }
        Path dir = null;
        if (problem == null) {
            try {
                dir = WorkDir.prepare(settings.effectiveWorkDir(), instance);
            } catch (IOException | RuntimeException e) {
                problem = "cannot prepare work dir " + settings.effectiveWorkDir() + ": " + e.getMessage();
            }
        }
        this.instanceDir = dir;
        Path launchHelper =
                problem == null && root && uids != null && settings.launcher() == ExecutorProperties.Launcher.AUTO
                        ? LaunchHelper.prepare(tools, settings.effectiveWorkDir(), dir, settings.probeTimeout())
                                .orElse(null)
                        : null;
        this.programs = new SandboxCommand.Programs(bwrap, sh, unshare, setpriv, launchHelper);
        this.seccompProgram =
                problem == null && settings.seccomp() ? writeSeccompProgram(dir, !bwrapDisablesUserns) : null;
        this.cgroups = problem == null ? detectCgroups(settings, instance) : CgroupSupport.none();
        this.problem = problem;
    }

    /** Why no run can go here (a missing program, uid range or work directory), or null. */
    String problem() {
        return problem;
    }

    /** The command line of this host's launch chain. */
    SandboxCommand command() {
        return new SandboxCommand(
                programs,
                instanceDir,
                seccompProgram,
                mountArgs,
                new SandboxCommand.Enforcement(
                        settings.openFiles(),
                        settings.workspaceInodes(),
                        uids != null,
                        cgroups.enforces(Controller.PIDS),
                        cgroups.enforces(Controller.MEMORY),
                        bwrapDisablesUserns,
                        maskedProc));
    }

    /**
     * Without root every run keeps the JVM's uid, so runs share its per-uid kernel quotas with each other and
     * with the app (H36): refused unless {@code allow-shared-uid} accepts it, and then warned about.
     */
    private static String sharedUidProblem(ExecutorProperties.Sandbox settings) {
        String what = "the executor does not run as root, so every run would share its uid " + effectiveUid()
                + " and that uid's kernel quotas (inotify instances, pipe pages, processes) with every other run and "
                + "the app";
        if (!settings.allowSharedUid()) {
            return what + "; run the executor as root (a uid per run) or set "
                    + "sandpod.executor.sandbox.allow-shared-uid=true to accept that";
        }
        log.warn("{}; accepted by sandpod.executor.sandbox.allow-shared-uid=true", what);
        return null;
    }

    /** bubblewrap 0.8.0 added {@code --disable-userns}. */
    static boolean supportsDisableUserns(String version) {
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("(\\d+)\\.(\\d+)").matcher(version);
        if (!m.find()) {
            return false;
        }
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        return major > 0 || minor >= 8;
    }

    /** What protects runs on this host against the escape classes of docs/hostile-second-set.md, for admins. */
    java.util.Map<String, Object> protections() {
        java.util.Map<String, Object> p = new java.util.LinkedHashMap<>();
        p.put(
                "userNamespaces",
                "per run (bubblewrap --unshare-user); nested ones "
                        + (bwrapDisablesUserns ? "disabled (--disable-userns)" : "denied by seccomp (bwrap < 0.8)"));
        p.put(
                "cgroups",
                cgroups.enforces(Controller.MEMORY) || cgroups.enforces(Controller.PIDS)
                        ? "memory=" + String.valueOf(cgroups.source(Controller.MEMORY)) + ", pids="
                                + String.valueOf(cgroups.source(Controller.PIDS)) + ", cpu="
                                + String.valueOf(cgroups.source(Controller.CPU))
                        : "none (rlimits only)");
        p.put(
                "cgroupV2",
                cgroups.source(Controller.MEMORY) != null
                        && cgroups.source(Controller.MEMORY).endsWith("2"));
        p.put("seccomp", seccompDescription());
        p.put("bubblewrap", bwrapVersion);
        p.put("newSession", true);
        p.put("uidMode", uids != null ? "per run" : "shared with the executor (uid " + effectiveUid() + ")");
        p.put(
                "pinnedRlimits",
                "core=0, rtprio=0, memlock=" + SandboxCommand.MEMLOCK_BYTES / 1024 + " KiB"
                        + (programs.launchHelper() != null ? ", nice=0" : " (nice inherited: no launch helper)"));
        p.put("maskedProc", maskedProc);
        return p;
    }

    HostTools tools() {
        return tools;
    }

    /** Null without root: runs then keep the JVM's uid. */
    UidPool uids() {
        return uids;
    }

    CgroupSupport cgroups() {
        return cgroups;
    }

    /** Null when the work directory could not be prepared (then {@link #problem()} says why). */
    Path instanceDir() {
        return instanceDir;
    }

    int clkTck() {
        return clkTck;
    }

    /** As root every run gets its own tmpfs, mounted in its own mount namespace with an inode limit. */
    boolean ownWorkspaceMount() {
        return uids != null;
    }

    /** Where bwrap's monitor sits below the process the JVM starts: {@code unshare --fork} puts it one level down. */
    int monitorDepth() {
        return ownWorkspaceMount() ? 1 : 0;
    }

    /** What the sandbox enforces here, for the log and the health endpoint; {@code problem} makes it unavailable. */
    SandboxCapabilities describe(String problem) {
        String version = bwrapVersion;
        Enforcement memory = enforcement(Controller.MEMORY, Enforcement.RLIMIT);
        Enforcement pids = enforcement(Controller.PIDS, uids != null ? Enforcement.RLIMIT : Enforcement.NONE);
        Enforcement cpu = enforcement(Controller.CPU, Enforcement.NONE);
        String cpuAccounting =
                cgroups.enforces(Controller.CPUACCT) ? cgroups.source(Controller.CPUACCT) : "procfs sampling";
        String memAccounting =
                cgroups.enforces(Controller.MEMORY) ? cgroups.source(Controller.MEMORY) : "procfs sampling";
        String kill = "pid namespace teardown" + (cgroups.killMethod() == null ? "" : " + " + cgroups.killMethod());
        Path launchHelper = programs.launchHelper();
        String runAsMode = uids != null
                ? "a per-run host uid from " + uids.firstUid() + " (uid " + SandboxCommand.SANDBOX_UID
                        + " inside), set up by "
                        + (launchHelper != null
                                ? launchHelper.getFileName() + " (compiled sandpod-launch.c)"
                                : "unshare, sh, mount and setpriv")
                : "the JVM's uid " + effectiveUid() + " (uid " + SandboxCommand.SANDBOX_UID + " inside), SHARED by "
                        + "every run (allow-shared-uid)";
        String runAs = runAsMode;
        String workspace = ownWorkspaceMount()
                ? "one tmpfs per run for " + SandboxCommand.WORKSPACE + ", /tmp, /var/tmp and /dev/shm, in the run's "
                        + "own mount namespace, size and " + settings.workspaceInodes() + " inodes bounded"
                : "bwrap tmpfs for " + SandboxCommand.WORKSPACE + " (with /tmp, /var/tmp) and /dev/shm, size "
                        + "bounded, inodes not bounded (needs root)";
        return new SandboxCapabilities(
                problem == null,
                problem,
                version,
                runAs,
                memory,
                pids,
                cpu,
                Enforcement.RLIMIT,
                "cpu=" + cpuAccounting + ", memory=" + memAccounting,
                kill,
                "user+pid+mount+net+ipc+uts+cgroup namespaces, no network, no capabilities, no_new_privs, "
                        + "nested user namespaces disabled, own session (no controlling tty), "
                        + maskedProc.size() + " /proc files masked, read-only " + settings.readOnlyBinds(),
                workspace,
                seccompDescription(),
                clkTck);
    }

    /** Gives back the cgroup directories, the work directory and the uid range. */
    @Override
    public void close() {
        cgroups.close();
        if (instanceDir != null) {
            WorkDir.deleteTree(instanceDir);
        }
        if (uids != null) {
            uids.close();
        }
    }

    private String missingTools(Path bwrap, Path sh, Path setpriv, Path unshare) {
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

    private static Path writeSeccompProgram(Path dir, boolean denyNewUserNamespaces) {
        return SeccompFilter.forCurrentArchitecture(denyNewUserNamespaces)
                .map(program -> {
                    try {
                        return Files.write(dir.resolve("seccomp.bpf"), program);
                    } catch (IOException e) {
                        log.warn("seccomp program not written, runs go without it: {}", e.toString());
                        return null;
                    }
                })
                .orElse(null);
    }

    private static CgroupSupport detectCgroups(ExecutorProperties.Sandbox settings, String instance) {
        CgroupMode mode = settings.cgroups();
        if (mode == CgroupMode.NONE) {
            return CgroupSupport.none();
        }
        return CgroupSupport.detect(mode != CgroupMode.V1, mode != CgroupMode.V2, settings.cgroupParent(), instance);
    }

    private String seccompDescription() {
        if (seccompProgram != null) {
            return SeccompFilter.DENIED_X86_64.size() + " syscalls denied with EPERM, socket families other than "
                    + "unix/inet/inet6/netlink-route refused, foreign ABIs killed"
                    + (bwrapDisablesUserns ? "" : ", clone(CLONE_NEWUSER) denied");
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
}

package dev.sandpod.executor.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The launch chain's command line, without running it: no root, no bubblewrap needed. The runs themselves
 * (that the kernel really enforces what these arguments ask for) are {@link LocalSandboxRunnerTest}'s and
 * {@link HostileInputsTest}'s.
 */
class SandboxCommandTest {

    private static final Path BWRAP = Path.of("/usr/bin/bwrap");
    private static final Path SH = Path.of("/bin/sh");
    private static final Path UNSHARE = Path.of("/usr/bin/unshare");
    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");
    private static final Path HELPER = Path.of("/var/tmp/sandpod/sandpod-launch-0123456789abcdef");
    private static final Path DIR = Path.of("/var/tmp/sandpod/42-abc");
    private static final Path SECCOMP = DIR.resolve("seccomp.bpf");
    private static final Path STATUS = DIR.resolve("run-x-1.status");
    private static final Path MOUNT_POINT = DIR.resolve(WorkDir.MOUNT_POINT);
    private static final List<String> BINDS = List.of("--ro-bind-try", "/usr", "/usr", "--symlink", "usr/bin", "/bin");
    private static final List<Path> PROCS = List.of(Path.of("/sys/fs/cgroup/sandpod/run-x-1/cgroup.procs"));
    private static final int UID = 70_001;
    private static final SandboxLimits LIMITS = SandboxLimits.defaults();
    private static final RunSpec SPEC = new RunSpec(
            "x",
            "main.py",
            "print(1)",
            List.of("/usr/bin/python3", "-I", "main.py"),
            Map.of("PYTHONDONTWRITEBYTECODE", "1"),
            LIMITS);

    /** As root with cgroups: per-run uids, every limit but open files and sizes in the cgroup. */
    private static final SandboxCommand.Enforcement ROOT_CGROUPS =
            new SandboxCommand.Enforcement(256, 4096, true, true, true);

    private static final SandboxCommand.Enforcement NO_ROOT_NO_CGROUPS =
            new SandboxCommand.Enforcement(256, 4096, false, false, false);

    private static SandboxCommand command(Path helper, Path seccomp, SandboxCommand.Enforcement enforcement) {
        return new SandboxCommand(
                new SandboxCommand.Programs(BWRAP, SH, UNSHARE, SETPRIV, helper), DIR, seccomp, BINDS, enforcement);
    }

    @Test
    void asRootTheUtilLinuxChainUnsharesMountsJoinsTheCgroupsAndDropsToTheRunsUidBeforeBwrap() {
        List<String> argv = command(null, SECCOMP, ROOT_CGROUPS).argv(SPEC, PROCS, UID, STATUS, MOUNT_POINT);

        String tmpfs = "size=" + LIMITS.workspaceBytes() + ",nr_inodes=4096,mode=0700,uid=70001,gid=70001";
        assertThat(argv.subList(0, argv.indexOf(BWRAP.toString())))
                .containsExactly(
                        "/usr/bin/unshare",
                        "--mount",
                        "--propagation",
                        "private",
                        "--pid",
                        "--fork",
                        "--kill-child",
                        "--",
                        "/bin/sh",
                        "-c",
                        SandboxCommand.LAUNCHER,
                        "sandpod-launch",
                        STATUS.toString(),
                        DIR.resolve("passwd").toString(),
                        DIR.resolve("group").toString(),
                        SECCOMP.toString(),
                        MOUNT_POINT.toString(),
                        tmpfs + ",nosuid,nodev",
                        "c=0 r=0 l=64 f=" + LIMITS.workspaceBytes() / 512 + " n=256",
                        PROCS.get(0).toString(),
                        "--",
                        "/usr/bin/setpriv",
                        "--reuid=70001",
                        "--regid=70001",
                        "--clear-groups",
                        "--no-new-privs",
                        "--");
        assertThat(String.join(" ", argv))
                .contains("--bind " + MOUNT_POINT + " /workspace --dir /workspace/.tmp --bind-try " + MOUNT_POINT
                        + "/.tmp /dev/shm");
        assertThat(argv).doesNotContain("--tmpfs", "--size");
    }

    @Test
    void withTheCompiledHelperTheRootSideLinksAreOneExecWithTheSameArguments() {
        List<String> argv = command(HELPER, SECCOMP, ROOT_CGROUPS).argv(SPEC, PROCS, UID, STATUS, MOUNT_POINT);

        String tmpfs = "size=" + LIMITS.workspaceBytes() + ",nr_inodes=4096,mode=0700,uid=70001,gid=70001";
        assertThat(argv.subList(0, argv.indexOf(BWRAP.toString())))
                .containsExactly(
                        HELPER.toString(),
                        STATUS.toString(),
                        DIR.resolve("passwd").toString(),
                        DIR.resolve("group").toString(),
                        SECCOMP.toString(),
                        MOUNT_POINT.toString(),
                        tmpfs,
                        "70001",
                        "c=0 r=0 l=64 f=" + LIMITS.workspaceBytes() / 512 + " n=256 e=0",
                        PROCS.get(0).toString(),
                        "--");
        assertThat(argv).doesNotContain("/usr/bin/unshare", "/usr/bin/setpriv", "/bin/sh");
    }

    @Test
    void withoutRootThereIsNoOwnMountNoUidDropAndBwrapMakesSizedTmpfsMounts() {
        List<String> argv = command(HELPER, null, NO_ROOT_NO_CGROUPS).argv(SPEC, List.of(), null, STATUS, null);

        assertThat(argv.subList(0, argv.indexOf(BWRAP.toString())))
                .containsExactly(
                        "/bin/sh",
                        "-c",
                        SandboxCommand.LAUNCHER,
                        "sandpod-launch",
                        STATUS.toString(),
                        DIR.resolve("passwd").toString(),
                        DIR.resolve("group").toString(),
                        "/dev/null",
                        "",
                        "",
                        "c=0 r=0 l=64 f=" + LIMITS.workspaceBytes() / 512 + " n=256 d=" + LIMITS.memoryBytes() / 1024,
                        "--");
        String size = Long.toString(LIMITS.workspaceBytes());
        assertThat(String.join(" ", argv))
                .contains("--size " + size + " --tmpfs /dev/shm --size " + size
                        + " --tmpfs /workspace --dir /workspace/.tmp");
        assertThat(argv).doesNotContain("--seccomp", "--bind");
    }

    @Test
    void bwrapGetsEveryNamespaceNoNetworkNoCapabilitiesAndTheSandboxUid() {
        List<String> argv = command(null, SECCOMP, ROOT_CGROUPS).argv(SPEC, PROCS, UID, STATUS, MOUNT_POINT);
        List<String> bwrap = argv.subList(argv.indexOf(BWRAP.toString()), argv.size());

        assertThat(bwrap.subList(0, 14))
                .containsExactly(
                        "/usr/bin/bwrap",
                        "--unshare-all",
                        "--unshare-user",
                        "--disable-userns",
                        "--die-with-parent",
                        "--new-session",
                        "--cap-drop",
                        "ALL",
                        "--hostname",
                        "sandpod",
                        "--uid",
                        "1000",
                        "--gid",
                        "1000");
        // --unshare-all includes the network namespace; nothing may share it back.
        assertThat(bwrap).doesNotContain("--share-net", "--cap-add");
        assertThat(Collections.indexOfSubList(bwrap, List.of("--seccomp", "7"))).isPositive();
        assertThat(Collections.indexOfSubList(bwrap, List.of("--remount-ro", "/dev", "--remount-ro", "/")))
                .isPositive();
        assertThat(Collections.indexOfSubList(bwrap, BINDS))
                .as("the host's read-only binds")
                .isPositive();
    }

    @Test
    void theProgramRunsAfterTheLastSeparatorWithItsScriptWrittenIntoTheWorkspace() {
        List<String> argv = command(null, null, ROOT_CGROUPS).argv(SPEC, PROCS, UID, STATUS, MOUNT_POINT);

        assertThat(argv.subList(argv.size() - 4, argv.size()))
                .containsExactly("--", "/usr/bin/python3", "-I", "main.py");
        assertThat(Collections.indexOfSubList(
                        argv,
                        List.of(
                                "--perms",
                                "0644",
                                "--file",
                                "4",
                                "/workspace/main.py",
                                "--remount-ro",
                                "/dev",
                                "--remount-ro",
                                "/",
                                "--chdir",
                                "/workspace",
                                "--json-status-fd",
                                "3",
                                "--")))
                .isPositive();
    }

    @Test
    void theEnvironmentIsClearedThenTheAllowlistedBaseThenTheRuntimesOwnVariables() {
        RunSpec spec =
                new RunSpec("x", "main.py", "", List.of("python3"), Map.of("LANG", "C", "PYTHONHASHSEED", "0"), LIMITS);
        List<String> argv = command(null, null, ROOT_CGROUPS).argv(spec, PROCS, UID, STATUS, MOUNT_POINT);

        int clear = argv.indexOf("--clearenv");
        assertThat(clear).isPositive();
        List<String> env = argv.subList(clear + 1, clear + 1 + 7 * 3);
        assertThat(env)
                .containsExactly(
                        "--setenv",
                        "PATH",
                        "/usr/local/bin:/usr/bin:/bin",
                        "--setenv",
                        "HOME",
                        "/workspace",
                        "--setenv",
                        "USER",
                        "sandbox",
                        "--setenv",
                        "LOGNAME",
                        "sandbox",
                        "--setenv",
                        "LANG",
                        "C",
                        "--setenv",
                        "TMPDIR",
                        "/tmp",
                        "--setenv",
                        "PYTHONHASHSEED",
                        "0");
    }

    @Test
    void rlimitsStandInOnlyForWhatNoCgroupEnforces() {
        SandboxLimits limits = LIMITS.withPids(10).withMemoryBytes(64L << 20);
        String blocks = "f=" + LIMITS.workspaceBytes() / 512;

        assertThat(command(null, null, ROOT_CGROUPS).rlimits(limits)).isEqualTo("c=0 r=0 l=64 " + blocks + " n=256");
        assertThat(command(null, null, new SandboxCommand.Enforcement(256, 4096, true, false, false))
                        .rlimits(limits))
                .as("per-run uids: a process count per uid bounds the run")
                .isEqualTo("c=0 r=0 l=64 " + blocks + " n=256 p=12 d=65536");
        assertThat(command(null, null, NO_ROOT_NO_CGROUPS).rlimits(limits))
                .as("the JVM's uid is shared, so no process count")
                .isEqualTo("c=0 r=0 l=64 " + blocks + " n=256 d=65536");
        assertThat(command(null, null, ROOT_CGROUPS).rlimits(limits.withMemoryBytes(100)))
                .isEqualTo("c=0 r=0 l=64 " + blocks + " n=256");
    }

    @Test
    void theWorkspaceSizeRoundsUpToWholeFileSizeBlocks() {
        SandboxLimits limits = new SandboxLimits(LIMITS.timeout(), LIMITS.memoryBytes(), 1000, 64, 1024, 1025);

        assertThat(command(null, null, ROOT_CGROUPS).rlimits(limits)).isEqualTo("c=0 r=0 l=64 f=3 n=256");
    }

    @Test
    void procFilesOfTheHostAreMaskedAfterProcIsMounted() {
        SandboxCommand.Enforcement masked = new SandboxCommand.Enforcement(
                256, 4096, true, true, true, true, List.of("/proc/1/cmdline", "/proc/keys"));
        List<String> argv = command(null, SECCOMP, masked).argv(SPEC, PROCS, UID, STATUS, MOUNT_POINT);

        assertThat(Collections.indexOfSubList(
                        argv,
                        List.of(
                                "--proc",
                                "/proc",
                                "--dev",
                                "/dev",
                                "--ro-bind",
                                "/dev/null",
                                "/proc/1/cmdline",
                                "--ro-bind",
                                "/dev/null",
                                "/proc/keys")))
                .isPositive();
    }

    @Test
    void withABubblewrapTooOldForDisableUsernsTheFlagIsLeftToSeccomp() {
        SandboxCommand.Enforcement old = new SandboxCommand.Enforcement(256, 4096, true, true, true, false, List.of());

        assertThat(command(null, SECCOMP, old).argv(SPEC, PROCS, UID, STATUS, MOUNT_POINT))
                .doesNotContain("--disable-userns")
                .contains("--new-session");
        assertThat(SandboxHost.supportsDisableUserns("bubblewrap 0.8.0")).isTrue();
        assertThat(SandboxHost.supportsDisableUserns("bubblewrap 0.11.1")).isTrue();
        assertThat(SandboxHost.supportsDisableUserns("bubblewrap 0.6.2")).isFalse();
        assertThat(SandboxHost.supportsDisableUserns("bwrap (version unknown)")).isFalse();
        // The filter for such a host is longer by its clone rules and still compiles within short jumps.
        assertThat(SeccompFilter.compile(List.copyOf(SeccompFilter.DENIED_X86_64.values()), true).length)
                .isEqualTo(
                        SeccompFilter.compile(List.copyOf(SeccompFilter.DENIED_X86_64.values()), false).length + 4 * 8);
    }
}

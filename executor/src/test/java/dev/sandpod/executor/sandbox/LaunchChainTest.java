package dev.sandpod.executor.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sandpod.executor.TestSettings;
import dev.sandpod.executor.runtime.LocalRuntimeCatalog;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The two ways of doing the root-side links of a launch (the compiled {@code sandpod-launch} and the util-linux
 * chain {@code unshare → sh → mount → setpriv}) give a run the same sandbox. Only as root: without root neither is
 * used.
 */
class LaunchChainTest {

    /** Everything of the sandbox the root-side links decide, as the run sees it. */
    private static final String PROBE = String.join(
            "\n",
            "import os, resource, sys",
            "status = open('/proc/self/status').read()",
            "def field(name): return status.split(name + ':')[1].split()[0]",
            "print('ids', os.getuid(), os.getgid(), os.getgroups())",
            "print('privs', field('NoNewPrivs'), field('CapInh'), field('CapPrm'), field('CapEff'), field('CapBnd'),"
                    + " field('CapAmb'))",
            "print('fds', sorted(os.listdir('/proc/self/fd')))",
            "print('stdin', repr(sys.stdin.read()))",
            "print('pids', sorted(p for p in os.listdir('/proc') if p.isdigit()))",
            "print('session', os.getsid(0) == os.getpid() or os.getsid(0) == os.getppid())",
            "for r in ['RLIMIT_CORE', 'RLIMIT_FSIZE', 'RLIMIT_NOFILE', 'RLIMIT_DATA']:",
            "    print(r, resource.getrlimit(getattr(resource, r)))",
            "st = os.statvfs('/workspace')",
            "print('workspace', st.f_files, st.f_blocks * st.f_frsize)",
            "for line in open('/proc/self/mountinfo'):",
            "    f = line.split()",
            "    if f[4] in ('/workspace', '/dev/shm'):",
            "        print('mount', f[4], sorted(set(f[5].split(',')) & {'nosuid', 'nodev', 'rw', 'ro'}),"
                    + " line.split(' - ')[1].split()[0])");

    private static LocalSandboxRunner helper;
    private static LocalSandboxRunner chain;
    private static LocalRuntimeCatalog helperCatalog;
    private static LocalRuntimeCatalog chainCatalog;

    @BeforeAll
    static void startRunners() {
        assumeTrue(SandboxHost.effectiveUid() == 0, "the launch links are only used as root");
        helper = TestRunners.runner();
        chain = TestRunners.runner(Map.of("sandpod.executor.sandbox.launcher", "util-linux"));
        helperCatalog = TestRunners.catalog(helper);
        chainCatalog = TestRunners.catalog(chain);
        assertThat(helper.capabilities().available())
                .as(helper.capabilities().summary())
                .isTrue();
        assertThat(chain.capabilities().available())
                .as(chain.capabilities().summary())
                .isTrue();
    }

    @AfterAll
    static void stopRunners() {
        if (helper != null) {
            helper.close();
        }
        if (chain != null) {
            chain.close();
        }
    }

    @Test
    void theSummarySaysWhichLaunchIsUsed() {
        assertThat(chain.capabilities().runAs()).endsWith("set up by unshare, sh, mount and setpriv");
        boolean compiler = new HostTools(TestSettings.executor().sandbox().toolsPath())
                .find("cc")
                .isPresent();
        if (compiler) {
            assertThat(helper.capabilities().runAs()).contains("set up by sandpod-launch-");
        }
    }

    @Test
    void bothLaunchesGiveTheSameSandbox() {
        RunResult viaHelper = python(helper, helperCatalog, PROBE);
        RunResult viaChain = python(chain, chainCatalog, PROBE);

        assertThat(viaHelper.outcome()).as(viaHelper.stderr()).isEqualTo(RunResult.Outcome.COMPLETED);
        assertThat(viaChain.outcome()).as(viaChain.stderr()).isEqualTo(RunResult.Outcome.COMPLETED);
        assertThat(viaHelper.stdout()).isEqualTo(viaChain.stdout());
        List<String> lines = viaHelper.stdout().lines().toList();
        long workspace = SandboxLimits.defaults().workspaceBytes();
        assertThat(lines)
                .contains(
                        "ids 1000 1000 []",
                        "privs 1 0000000000000000 0000000000000000 0000000000000000 0000000000000000 0000000000000000",
                        "fds ['0', '1', '2', '3']",
                        "stdin ''",
                        "pids ['1', '2']",
                        "session True",
                        "RLIMIT_CORE (0, 0)",
                        "RLIMIT_FSIZE (" + workspace + ", " + workspace + ")",
                        "RLIMIT_NOFILE (1024, 1024)",
                        "workspace " + TestSettings.executor().sandbox().workspaceInodes() + " " + workspace,
                        "mount /workspace ['nodev', 'nosuid', 'rw'] tmpfs",
                        "mount /dev/shm ['nodev', 'nosuid', 'rw'] tmpfs");
    }

    @Test
    void aScriptsExitCodeAndStreamsComeThroughBoth() {
        String script = "import sys\nprint('out')\nprint('err', file=sys.stderr)\nsys.exit(7)";
        for (RunResult r : List.of(python(helper, helperCatalog, script), python(chain, chainCatalog, script))) {
            assertThat(r.outcome()).isEqualTo(RunResult.Outcome.COMPLETED);
            assertThat(r.exitCode()).isEqualTo(7);
            assertThat(r.stdout()).isEqualTo("out\n");
            assertThat(r.stderr()).isEqualTo("err\n");
        }
    }

    @Test
    void neitherLeavesAFileOrCgroupBehind() throws IOException {
        for (LocalSandboxRunner runner : List.of(helper, chain)) {
            LocalRuntimeCatalog catalog = runner == helper ? helperCatalog : chainCatalog;
            python(runner, catalog, "open('/workspace/x', 'w').write('x')");
            LocalSandboxRunnerTest.assertNothingOfARunIsLeft(runner);
        }
    }

    private static RunResult python(LocalSandboxRunner runner, LocalRuntimeCatalog catalog, String script) {
        return runner.prepare(
                        RunSpec.of(
                                "launch-test",
                                catalog.resolve("python", "3.11").orElseThrow(),
                                script,
                                SandboxLimits.defaults()),
                        OutputSink.NONE)
                .execute();
    }
}

package dev.sandpod.executor.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sandpod.executor.runtime.ResolvedRuntime;
import dev.sandpod.executor.sandbox.HostileRuns.Hostile;
import dev.sandpod.executor.sandbox.SandboxCapabilities.Enforcement;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The second set of hostile inputs (H26–H40, docs/hostile-second-set.md) against the local runner, with the same
 * three checks per row as {@link HostileInputsTest}: (a) the run's outcome and what each probe observed, (b) a
 * concurrent {@code print("ok")} run completes normally, (c) nothing of the run is left (no process of a sandbox
 * uid or launch chain, no run cgroup, no per-run file, no mount). H37 is about the pod runner's wrapper
 * ({@code kubernetes.HostileWrapperTest}); H40 is about the HTTP request (the app's {@code RequestTamperingTest}).
 *
 * <p>Each probe prints {@code name result} lines; results are errno names (from Python's {@code errno} module),
 * {@code ok} when a call that must fail succeeded, or a short observation.
 */
class HostileSecondSetTest {

    private static final Logger log = LoggerFactory.getLogger(HostileSecondSetTest.class);
    private static final SandboxLimits LIMITS = SandboxLimits.defaults();
    private static final Duration SHORT = Duration.ofSeconds(3);
    private static final long OK_BUDGET_MILLIS = 2000;
    private static final long OK_SANITY_MILLIS = 5000;
    /** Its own uid range, apart from the first set's and any other executor on a shared machine. */
    private static final String UID_BASE = "1951000000";

    /** Python prelude of the syscall probes: {@code call(name, nr, *args)} prints the errno name or ok. */
    private static final String PY_SYSCALL = """
            import ctypes, errno, os, sys
            L = ctypes.CDLL(None, use_errno=True)
            L.syscall.restype = ctypes.c_long
            def arg(a):
                return ctypes.c_char_p(a) if isinstance(a, bytes) else ctypes.c_long(a)
            def call(name, nr, *args):
                ctypes.set_errno(0)
                r = L.syscall(ctypes.c_long(nr), *[arg(a) for a in args])
                if r == 0 and name.startswith('clone'):
                    os._exit(0)
                print(name, 'ok' if r >= 0 else errno.errorcode.get(ctypes.get_errno(), ctypes.get_errno()), flush=True)
            def attempt(name, fn):
                try:
                    r = fn()
                    print(name, 'ok', flush=True)
                    return r
                except OSError as e:
                    print(name, errno.errorcode.get(e.errno, e.errno), flush=True)
            def in_child(name, fn):
                pid = os.fork()
                if pid == 0:
                    fn()
                    os._exit(0)
                _, st = os.waitpid(pid, 0)
                print(name, 'signal %d' % os.WTERMSIG(st) if os.WIFSIGNALED(st) else 'exit %d' % os.WEXITSTATUS(st),
                      flush=True)
            """;

    private static HostileRuns runs;
    private static LocalSandboxRunner runner;

    @BeforeAll
    static void startRunner() {
        runs = HostileRuns.onUids(UID_BASE, true);
        runner = runs.runner();
        SandboxCapabilities caps = runner.capabilities();
        assertThat(caps.available()).as(caps.summary()).isTrue();
        assertThat(caps.pids()).isIn(Enforcement.CGROUP_V1, Enforcement.CGROUP_V2);
        log.info("hostile second set on: {}", caps.summary());
    }

    @AfterAll
    static void stopRunner() throws IOException {
        runs.close();
        log.info("hostile rows (second set):\n{}", HostileReport.write(runs.report, "hostile-second-set-report.md"));
    }

    @AfterEach
    void nothingOfTheRunIsLeft() throws IOException {
        runs.assertNothingLeft();
    }

    // ---------------------------------------------------------------------------------------------------------

    @Test
    void H26_rareSocketFamiliesAndTheKernelCryptoApiAreUnreachable() throws IOException {
        Map<String, String> hashesBefore = hostHashes();
        Set<String> modulesBefore = hostModules();
        Hostile probe = runs.start("H26", "python", H26_SCRIPT, LIMITS);

        assertConcurrentOkRun(probe);
        RunResult r = probe.result();
        assertThat(r.outcome()).as(r.stderr()).isEqualTo(RunResult.Outcome.COMPLETED);
        Map<String, String> got = lines(r.stdout());
        for (String family : List.of("38", "33", "40", "30", "21", "29", "15", "31", "17", "16/9", "16/4")) {
            assertThat(got.get("family-" + family)).as("socket(%s)", family).isIn("EAFNOSUPPORT", "EPERM");
        }
        assertThat(got.get("alg-bind")).isIn("EAFNOSUPPORT", "EPERM");
        // What a script legitimately uses still works.
        assertThat(got.get("family-1")).isEqualTo("ok");
        assertThat(got.get("family-2")).isEqualTo("ok");
        assertThat(got.get("family-10")).isEqualTo("ok");
        assertThat(got.get("family-16/0")).as("NETLINK_ROUTE").isEqualTo("ok");
        assertThat(hostModules()).as("host kernel modules").isEqualTo(modulesBefore);
        assertThat(hostHashes()).as("host binaries").isEqualTo(hashesBefore);
        report("H26", probe);
    }

    static final String H26_SCRIPT = PY_SYSCALL + """
            import socket
            for f in (38, 33, 40, 30, 21, 29, 15, 31, 17, 1, 2, 10):
                attempt('family-%d' % f, lambda: socket.socket(f, socket.SOCK_SEQPACKET if f == 38 else socket.SOCK_DGRAM).close())
            for proto in (0, 9, 4):
                attempt('family-16/%d' % proto, lambda: socket.socket(16, socket.SOCK_RAW, proto).close())
            attempt('alg-bind', lambda: socket.socket(socket.AF_ALG, socket.SOCK_SEQPACKET).bind(
                ('aead', 'authencesn(hmac(sha256),cbc(aes))')))
            """;

    @Test
    void H27_noLeakedDescriptorOrHostDirectoryIsReachable() {
        Hostile probe = runs.start("H27", "bash", """
                ls -l /proc/self/fd /proc/1/fd 2>&1
                readlink /proc/1/cwd /proc/1/root /proc/self/cwd /proc/self/root
                for f in /proc/self/fd/* /proc/1/fd/*; do [ -d "$f" ] && ls "$f"/../../.. 2>&1; done
                for n in 3 4 5 6 7 8 9; do (echo x >&$n) 2>/dev/null && echo "fd $n writable" || echo "fd $n closed"; done
                echo "fds $(ls /proc/self/fd | tr '\\n' ' ')"
                """, LIMITS);

        assertConcurrentOkRun(probe);
        RunResult r = probe.result();
        assertThat(r.outcome()).isEqualTo(RunResult.Outcome.COMPLETED);
        String instance = runner.instanceDir().toString();
        assertThat(r.stdout() + r.stderr())
                .doesNotContain(instance, "/sys/fs/cgroup", "seccomp.bpf", "passwd", "status", "/work/", "/root");
        for (int n = 3; n <= 9; n++) {
            assertThat(r.stdout()).contains("fd " + n + " closed");
        }
        // ls's own directory fd (3) besides 0–2.
        assertThat(r.stdout()).contains("fds 0 1 2 3 ");
        assertThat(r.stdout()).contains("0 -> /dev/null");
        report("H27", probe);
    }

    @Test
    void H28_theRuntimeAndSharedCachesCannotBeOverwritten() throws IOException {
        Map<String, String> hashesBefore = hostHashes();
        Hostile python = runs.start("H28", "python", PY_SYSCALL + """
                import sysconfig
                for p in ('/proc/self/exe', '/proc/1/exe', sys.executable, os.__file__, '/etc/ld.so.preload',
                          sysconfig.get_paths()['purelib'] + '/x.pth'):
                    attempt('open:' + p.replace(' ', '_'), lambda: open(p, 'ab').close())
                attempt('chmod', lambda: os.chmod(sys.executable, 0o4755))
                """, LIMITS);
        Hostile go = runs.start("H28", "go", """
                package main

                import (
                \t"fmt"
                \t"os"
                \t"runtime"
                )

                func main() {
                \terr := os.WriteFile(runtime.GOROOT()+"/pkg/x.a", []byte("x"), 0644)
                \tfmt.Println("goroot-write", err)
                }
                """, LIMITS.withTimeout(Duration.ofSeconds(10)));

        assertConcurrentOkRun(python, go);
        RunResult p = python.result();
        assertThat(p.outcome()).as(p.stderr()).isEqualTo(RunResult.Outcome.COMPLETED);
        Map<String, String> got = lines(p.stdout());
        assertThat(got).isNotEmpty();
        got.forEach((k, v) -> assertThat(v).as(k).isIn("ETXTBSY", "EROFS", "EACCES", "EPERM"));
        assertThat(go.result().stdout()).contains("goroot-write").containsAnyOf("read-only file system", "permission");
        assertThat(hostHashes()).as("host interpreters").isEqualTo(hashesBefore);
        // The next run sees an unmodified runtime.
        RunResult next = runner.prepare(
                        RunSpec.of(
                                "H28-next",
                                runs.runtime("python"),
                                "import os; print(os.stat(os.__file__).st_size)",
                                LIMITS),
                        OutputSink.NONE)
                .execute();
        assertThat(next.stdout().trim()).isEqualTo(Long.toString(Files.size(Path.of(hostPythonStdlibOs()))));
        report("H28", python, go);
    }

    @Test
    void H29_namespacesCannotBeCreatedThroughCloneEither() {
        Hostile python = runs.start("H29", "python", PY_SYSCALL + """
                call('clone-newuser', 56, 0x10000000 | 17, 0, 0, 0, 0)
                call('clone-newns', 56, 0x00020000 | 17, 0, 0, 0, 0)
                call('clone-newnet', 56, 0x40000000 | 17, 0, 0, 0, 0)
                call('clone-newpid', 56, 0x20000000 | 17, 0, 0, 0, 0)
                args = (ctypes.c_uint64 * 11)(0x10000000, 0, 0, 0, 17, 0, 0, 0, 0, 0, 0)
                call('clone3-newuser', 435, ctypes.addressof(args), 88)
                call('unshare-user', 272, 0x10000000)
                call('unshare-net', 272, 0x40000000)
                print('uid', os.getuid(), os.geteuid())
                """, LIMITS);
        Hostile bash = runs.start("H29", "bash", "unshare -Urm id; echo \"unshare exit $?\"\n", LIMITS);

        assertConcurrentOkRun(python, bash);
        RunResult p = python.result();
        assertThat(p.outcome()).as(p.stderr()).isEqualTo(RunResult.Outcome.COMPLETED);
        Map<String, String> got = lines(p.stdout());
        assertThat(got.get("clone-newuser")).isIn("ENOSPC", "EPERM");
        assertThat(got.get("clone3-newuser")).isIn("ENOSPC", "EPERM", "ENOSYS");
        assertThat(got.get("clone-newns")).isEqualTo("EPERM");
        assertThat(got.get("clone-newnet")).isEqualTo("EPERM");
        assertThat(got.get("clone-newpid")).isEqualTo("EPERM");
        assertThat(got.get("unshare-user")).isEqualTo("EPERM");
        assertThat(got.get("unshare-net")).isEqualTo("EPERM");
        assertThat(got.get("uid")).isEqualTo("1000 1000");
        assertThat(bash.result().stdout()).doesNotContain("uid=0").contains("unshare exit 1");
        report("H29", python, bash);
    }

    @Test
    void H30_ioUringUserfaultfdPerfKeyringsPtraceEquivalentsAndForeignAbisAreDenied() {
        Hostile python = runs.start("H30", "python", H30_SCRIPT, LIMITS);
        Hostile node = runs.start("H30", "node", """
                const fs = require('fs');
                fs.writeFileSync('f.txt', 'x');
                Promise.all(Array.from({length: 1000}, () => fs.promises.readFile('f.txt')))
                  .then(r => console.log('read', r.length));
                """, LIMITS);

        assertConcurrentOkRun(python, node);
        RunResult p = python.result();
        assertThat(p.outcome()).as(p.stderr()).isEqualTo(RunResult.Outcome.COMPLETED);
        Map<String, String> got = lines(p.stdout());
        for (String nr : List.of("425", "323", "298", "248", "249", "250", "304", "310", "321", "438", "440", "312")) {
            assertThat(got.get("nr-" + nr)).as("syscall %s", nr).isEqualTo("EPERM");
        }
        assertThat(got.get("x32")).isEqualTo("signal 31");
        assertThat(got.get("int80")).isEqualTo("signal 31");
        assertThat(node.result().stdout()).isEqualTo("read 1000\n");
        report("H30", python, node);
    }

    static final String H30_SCRIPT = PY_SYSCALL + """
            import mmap
            for n in (425, 323, 298, 248, 249, 250, 304, 310, 321, 438, 440, 312):
                call('nr-%d' % n, n, 0, 0, 0, 0, 0)
            in_child('x32', lambda: L.syscall(ctypes.c_long(0x40000000 | 39)))
            def int80():
                # mov eax, 20 (getpid in the i386 table); int 0x80; ret
                code = bytes([0xb8, 20, 0, 0, 0, 0xcd, 0x80, 0xc3])
                m = mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
                m.write(code)
                addr = ctypes.addressof(ctypes.c_char.from_buffer(m))
                ctypes.CFUNCTYPE(ctypes.c_int)(addr)()
            in_child('int80', int80)
            """;

    @Test
    void H31_noTerminalCanBeInjectedInto() {
        Hostile python = runs.start("H31", "python", PY_SYSCALL + """
                import fcntl, termios, struct
                for fd in (0, 1, 2):
                    attempt('tiocsti-%d' % fd, lambda: fcntl.ioctl(fd, termios.TIOCSTI, b'x'))
                t = attempt('open-tty', lambda: os.open('/dev/tty', os.O_RDWR))
                if t is not None:
                    attempt('tiocsti-tty', lambda: fcntl.ioctl(t, termios.TIOCSTI, b'id\\n'))
                    attempt('tioclinux', lambda: fcntl.ioctl(t, 0x541C, b'\\x03'))
                m = attempt('open-ptmx', lambda: os.open('/dev/ptmx', os.O_RDWR))
                if m is not None:
                    attempt('tiocsetd-gsm', lambda: fcntl.ioctl(m, termios.TIOCSETD, struct.pack('i', 21)))
                print('sid', os.getsid(0) == os.getpid() or os.getsid(0) != os.getpgrp() or 'own', flush=True)
                """, LIMITS);

        assertConcurrentOkRun(python);
        RunResult r = python.result();
        assertThat(r.outcome()).as(r.stderr()).isEqualTo(RunResult.Outcome.COMPLETED);
        Map<String, String> got = lines(r.stdout());
        assertThat(got.get("tiocsti-0")).isIn("ENOTTY", "EPERM", "EIO");
        assertThat(got.get("tiocsti-1")).isIn("ENOTTY", "EPERM", "EIO");
        assertThat(got.get("tiocsti-2")).isIn("ENOTTY", "EPERM", "EIO");
        assertThat(got.get("open-tty")).isIn("ENXIO", "ENOENT");
        assertThat(got.get("tiocsetd-gsm")).isIn("EPERM", "EINVAL", "EACCES", null);
        report("H31", python);
    }

    @Test
    void H32_cgroupFilesAndLimitsCannotBeChangedFromInside() {
        Hostile bash = runs.start("H32", "bash", """
                echo "cgroup $(cat /proc/self/cgroup)"
                ls -d /sys 2>&1 | head -1
                n=0
                for f in release_agent notify_on_release cgroup.procs memory.max memory.limit_in_bytes pids.max cpu.max cpu.cfs_quota_us; do
                  for p in $(find / -xdev -name $f 2>/dev/null); do (echo 1 >$p) 2>/dev/null && echo "WROTE $p"; n=$((n+1)); done
                done
                echo "found $n"
                (ulimit -Hn 1048576) 2>/dev/null && echo "raised nofile" || echo "nofile refused"
                (ulimit -Hu unlimited) 2>/dev/null && echo "raised nproc" || echo "nproc refused"
                mkdir /tmp/c; mount -t cgroup -o rdma x /tmp/c 2>/dev/null && echo "MOUNTED" || echo "mount refused"
                :(){ :|:& };:
                sleep 10
                """, LIMITS.withTimeout(SHORT));

        assertConcurrentOkRun(bash);
        RunResult r = bash.result();
        assertThat(r.outcome()).isIn(RunResult.Outcome.TIMEOUT, RunResult.Outcome.COMPLETED);
        assertThat(r.stdout())
                .contains("nofile refused", "nproc refused", "mount refused")
                .doesNotContain("WROTE", "MOUNTED", "raised");
        assertThat(r.stdout() + r.stderr()).contains("No such file or directory");
        assertThat(r.stderr()).contains("Resource temporarily unavailable");
        assertCgroupRootOnly(r.stdout());
        report("H32", bash);
    }

    @Test
    void H33_noUnixSocketOfTheHostCanBeReached() {
        Hostile python = runs.start("H33", "python", PY_SYSCALL + """
                import socket
                lines = open('/proc/net/unix').read().splitlines()[1:]
                print('unix-sockets', len(lines), flush=True)
                for i, a in enumerate(['\\0/containerd-shim/k8s.io/x/shim.sock', '\\0/tmp/.X11-unix/X0',
                          '/run/dbus/system_bus_socket', '/run/systemd/private', '/run/systemd/journal/socket',
                          '/dev/log', '/run/containerd/containerd.sock', '/var/run/docker.sock', '/var/run/nscd/socket']):
                    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                    attempt('connect-%d' % i, lambda: s.connect(a))
                    s.close()
                """, LIMITS);

        assertConcurrentOkRun(python);
        RunResult r = python.result();
        assertThat(r.outcome()).as(r.stderr()).isEqualTo(RunResult.Outcome.COMPLETED);
        Map<String, String> got = lines(r.stdout());
        assertThat(got.get("unix-sockets")).isEqualTo("0");
        for (int i = 0; i < 9; i++) {
            assertThat(got.get("connect-" + i)).as("connect %d", i).isIn("ENOENT", "ECONNREFUSED");
        }
        report("H33", python);
    }

    @Test
    void H34_crashesLeaveNoCoreDump() throws IOException {
        Set<String> dumpsBefore = hostCoreDumps();
        Hostile bash = runs.start("H34", "bash", "ulimit -c unlimited; echo \"ulimit exit $?\"; ulimit -c\n", LIMITS);
        Hostile python = runs.start("H34", "python", """
                import os
                b = bytearray(40 << 20)
                os.kill(os.getpid(), 11)
                """, LIMITS);
        Hostile node = runs.start("H34", "node", "process.abort();\n", LIMITS);
        Hostile go = runs.start("H34", "go", """
                package main

                import "runtime/debug"

                func main() {
                \tdebug.SetTraceback("crash")
                \tpanic(1)
                }
                """, LIMITS.withTimeout(Duration.ofSeconds(10)));

        runs.assertConcurrentOkRun(OK_BUDGET_MILLIS * 3, bash, python, node, go);
        assertThat(bash.result().stdout()).contains("ulimit exit 1", "\n0\n");
        for (Hostile h : List.of(python, node, go)) {
            RunResult r = h.result();
            assertThat(r.outcome()).as(h.describe()).isIn(RunResult.Outcome.COMPLETED, RunResult.Outcome.FAILED);
            // go run reports its program's death by a signal as its own exit 1 (after printing the signal).
            assertThat(r.exitCode()).as(h.describe()).isIn(139, 134, h == go ? 1 : 134);
            assertThat(r.errorType()).as(h.describe()).isNotEqualTo("timeout");
            assertThat(h.seconds()).isLessThan(10);
        }
        assertThat(hostCoreDumps()).isEqualTo(dumpsBefore);
        report("H34", bash, python, node, go);
    }

    @Test
    void H35_schedulerPriorityClockAndMlockKnobsFailWhateverTheExecutorsOwnLimits() {
        // The run's own rlimits are pinned by the launcher, whatever the executor's (inherited before the fix).
        long wallBefore = System.currentTimeMillis();
        long monoBefore = System.nanoTime();
        {
            Hostile python = runs.start("H35", "python", PY_SYSCALL + """
                    import time
                    attempt('nice', lambda: os.nice(-1))
                    attempt('fifo', lambda: os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(1)))
                    attempt('rr99', lambda: os.sched_setscheduler(0, os.SCHED_RR, os.sched_param(99)))
                    call('ioprio-rt', 251, 1, 0, 1 << 13)
                    ctypes.set_errno(0)
                    r = L.mlockall(3)
                    print('mlockall', 'ok' if r == 0 else errno.errorcode[ctypes.get_errno()], flush=True)
                    attempt('clock', lambda: time.clock_settime(time.CLOCK_REALTIME, 0))
                    for l in open('/proc/self/limits'):
                        if l.startswith(('Max locked memory', 'Max nice priority', 'Max realtime priority')):
                            print('limit-' + l[4:20].strip().replace(' ', '-'), ' '.join(l[26:].split()[:2]), flush=True)
                    while True:
                        pass
                    """, LIMITS.withTimeout(SHORT));

            runs.assertConcurrentOkRun(OK_BUDGET_MILLIS * 2, python);
            RunResult r = python.result();
            assertThat(r.outcome()).as(r.stderr()).isEqualTo(RunResult.Outcome.TIMEOUT);
            Map<String, String> got = lines(r.stdout());
            assertThat(got.get("nice")).isIn("EPERM", "EACCES");
            assertThat(got.get("fifo")).isEqualTo("EPERM");
            assertThat(got.get("rr99")).isEqualTo("EPERM");
            assertThat(got.get("ioprio-rt")).isEqualTo("EPERM");
            assertThat(got.get("mlockall")).isIn("ENOMEM", "EPERM");
            assertThat(got.get("clock")).isEqualTo("EPERM");
            assertThat(got.get("limit-locked-memory"))
                    .isEqualTo(SandboxCommand.MEMLOCK_BYTES + " " + SandboxCommand.MEMLOCK_BYTES);
            assertThat(got.get("limit-nice-priority")).isEqualTo("0 0");
            assertThat(got.get("limit-realtime-priorit")).isEqualTo("0 0");
            long wallElapsed = System.currentTimeMillis() - wallBefore;
            long monoElapsed = (System.nanoTime() - monoBefore) / 1_000_000;
            assertThat(Math.abs(wallElapsed - monoElapsed))
                    .as("host clock jumped")
                    .isLessThan(2000);
            report("H35", python);
        }
    }

    @Test
    void H36_perUidKernelQuotasAreNotSharedWithOtherRunsOrTheApp() throws Exception {
        Hostile hog = runs.start("H36", "python", PY_SYSCALL + """
                import fcntl, time
                n = 0
                while L.inotify_init1(0) >= 0:
                    n += 1
                print('inotify', n, errno.errorcode[ctypes.get_errno()], flush=True)
                pipes = 0
                try:
                    while True:
                        r, w = os.pipe()
                        fcntl.fcntl(w, 1031, 1 << 20)
                        pipes += 1
                except OSError as e:
                    print('pipes', pipes, errno.errorcode[e.errno], flush=True)
                time.sleep(20)
                """, LIMITS.withTimeout(Duration.ofSeconds(30)));
        await().atMost(Duration.ofSeconds(15)).until(() -> hog.text().contains("pipes "));
        Hostile watcher = runs.start("H36", "node", """
                const fs = require('fs');
                const w = fs.watch('.', () => {});
                console.log('watching');
                w.close();
                """, LIMITS);
        Hostile piper = runs.start("H36", "python", """
                import os, fcntl
                r, w = os.pipe()
                print('resized', fcntl.fcntl(w, 1031, 1 << 20))
                """, LIMITS);
        // The app's own watchers and pipes: this JVM opens an inotify instance and a pipe now.
        try (var ws = java.nio.file.FileSystems.getDefault().newWatchService()) {
            Path.of("target").register(ws, java.nio.file.StandardWatchEventKinds.ENTRY_CREATE);
        }
        RunResult w = watcher.result();
        RunResult p = piper.result();
        assertThat(w.stdout()).as(w.stderr()).isEqualTo("watching\n");
        assertThat(p.stdout()).as(p.stderr()).isEqualTo("resized 1048576\n");
        assertThat(hog.run().cancel()).isTrue();
        assertConcurrentOkRun(hog);
        assertThat(hog.text()).containsPattern("inotify \\d+ (EMFILE|ENFILE)");
        report("H36", hog, watcher, piper);
    }

    @Test
    void H38_procAndSysShowNothingOfTheHostOrOtherRuns() {
        String marker = "777.3333";
        Hostile other = runs.start(
                "H38-other",
                "bash",
                "sleep " + marker + " &\necho up\nwait\n",
                LIMITS.withTimeout(Duration.ofSeconds(30)));
        await().atMost(Duration.ofSeconds(10)).until(() -> other.text().contains("up"));
        long jvm = ProcessHandle.current().pid();
        try {
            probeProcAndSys(other, jvm, marker);
        } finally {
            other.run().cancel();
            other.future().exceptionally(e -> null).join();
        }
    }

    private void probeProcAndSys(Hostile other, long jvm, String marker) {
        Hostile probe = runs.start("H38", "bash", """
                for f in timer_list sched_debug latency_stats keys key-users kallsyms kcore timer_stats vmallocinfo kmsg; do
                  if [ -e /proc/$f ]; then
                    if head -c 4096 /proc/$f >/tmp/out 2>/dev/null && [ -s /tmp/out ]; then echo "$f READABLE"; else echo "$f masked"; fi
                  else echo "$f absent"; fi
                done
                cat /sys/devices/virtual/powercap/*/*/energy_uj 2>/dev/null && echo "powercap READABLE" || echo "powercap absent"
                dmesg >/dev/null 2>&1 && echo "dmesg READABLE" || echo "dmesg refused"
                head -c 100 /dev/kmsg >/dev/null 2>&1 && echo "kmsg READABLE" || echo "kmsg refused"
                echo "mountinfo $(cat /proc/self/mountinfo | tr '\\n' '|')"
                echo "cgroup $(cat /proc/self/cgroup)"
                cat /proc/*/cmdline 2>/dev/null | tr '\\0' ' '; echo
                """, LIMITS);

        assertConcurrentOkRun(probe);
        RunResult r = probe.result();
        assertThat(r.outcome()).as(r.stderr()).isEqualTo(RunResult.Outcome.COMPLETED);
        assertThat(r.stdout())
                .doesNotContain("READABLE", runner.instanceDir().toString(), marker, Long.toString(jvm) + " ")
                .contains("dmesg refused", "kmsg refused");
        assertCgroupRootOnly(r.stdout());
        report("H38", probe);
    }

    @Test
    void H39_ipv6IcmpAndOtherEgressRoutesFailFast() {
        Hostile python = runs.start("H39", "python", """
                import socket, time, errno
                def attempt(name, fn):
                    t = time.monotonic()
                    try:
                        fn()
                        result = 'CONNECTED'
                    except socket.gaierror as e:
                        result = 'EAI'
                    except OSError as e:
                        result = errno.errorcode.get(e.errno, str(e.errno)) if e.errno else type(e).__name__
                    print(name, result, round(time.monotonic() - t, 3), flush=True)
                def tcp(family, addr):
                    s = socket.socket(family, socket.SOCK_STREAM)
                    s.settimeout(3)
                    s.connect(addr)
                attempt('v6-loopback', lambda: tcp(socket.AF_INET6, ('::1', 8080)))
                attempt('v6-metadata', lambda: tcp(socket.AF_INET6, ('fd00:ec2::254', 80)))
                attempt('v4mapped-metadata', lambda: tcp(socket.AF_INET6, ('::ffff:169.254.169.254', 80)))
                attempt('v6-dns', lambda: tcp(socket.AF_INET6, ('2001:4860:4860::8888', 53)))
                attempt('cluster-dns', lambda: tcp(socket.AF_INET, ('10.96.0.10', 53)))
                def ping(family, proto, addr, payload):
                    s = socket.socket(family, socket.SOCK_DGRAM, proto)
                    s.settimeout(1)
                    s.sendto(payload, addr)
                    s.recv(64)
                attempt('icmp', lambda: ping(socket.AF_INET, socket.IPPROTO_ICMP, ('8.8.8.8', 0), b'\\x08\\0\\0\\0\\0\\0\\0\\0'))
                attempt('icmp6', lambda: ping(socket.AF_INET6, socket.IPPROTO_ICMPV6, ('2001:4860:4860::8888', 0), b'\\x80\\0\\0\\0\\0\\0\\0\\0'))
                attempt('dns', lambda: socket.getaddrinfo('kubernetes.default', 443))
                print('links', sorted(l.split(':')[0].strip() for l in open('/proc/net/dev').read().splitlines()[2:]))
                """, LIMITS);

        assertConcurrentOkRun(python);
        RunResult r = python.result();
        assertThat(r.outcome()).as(r.stderr()).isEqualTo(RunResult.Outcome.COMPLETED);
        assertThat(r.stdout()).doesNotContain("CONNECTED");
        for (String line :
                r.stdout().lines().filter(l -> !l.startsWith("links")).toList()) {
            String[] f = line.split(" ");
            assertThat(f[1]).as(line).isIn("ENETUNREACH", "ECONNREFUSED", "EACCES", "EAI", "EADDRNOTAVAIL");
            assertThat(Double.parseDouble(f[2])).as(line).isLessThan(1.0);
        }
        assertThat(r.stdout()).contains("links ['lo']");
        report("H39", python);
    }

    /**
     * H25's rule for the second set: 20 runs of the rows above at once, each ending as its row says, while a
     * {@code print("ok")} run completes within 2 s (scaled, like H25, by the same run measured just before when
     * the shared host is slow).
     */
    @Test
    void H25rule_twentyMixedSecondSetRunsBesideAnOkRun() {
        long baseline = runs.okRunMillis();
        long budget = Math.max(OK_BUDGET_MILLIS, 5 * baseline);
        runs.report.put("ok-baseline", baseline + " ms, budget " + budget + " ms");
        List<Hostile> all = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            all.add(runs.start("H26x", "python", H26_SCRIPT, LIMITS));
            all.add(runs.start("H30x", "python", H30_SCRIPT, LIMITS));
            all.add(runs.start("H32x", "bash", ":(){ :|:& };:\nsleep 10\n", LIMITS.withTimeout(SHORT)));
            all.add(runs.start("H34x", "node", "process.abort();\n", LIMITS));
            all.add(runs.start(
                    "H35x",
                    "python",
                    "import os\ntry:\n    os.nice(-1)\nexcept OSError:\n    pass\nprint('spin', flush=True)\n"
                            + "while True: pass\n",
                    LIMITS.withTimeout(SHORT)));
        }
        // As in H25, the concurrent run comes while the attack is at full force, past the 20 interpreters' start:
        // every run has ended or shows it is going (fork bombs at the pids limit, busy loops spinning).
        await().atMost(Duration.ofSeconds(10))
                .until(() -> all.stream()
                        .allMatch(h -> h.future().isDone()
                                || h.text().contains("Resource temporarily unavailable")
                                || h.text().contains("spin")));
        runs.assertConcurrentOkRun(budget, all.toArray(Hostile[]::new));
        for (Hostile h : all) {
            RunResult r = h.result();
            switch (h.row()) {
                case "H26x" -> assertThat(r.stdout()).as(h.describe()).contains("family-38 EAFNOSUPPORT");
                case "H30x" -> assertThat(r.stdout()).as(h.describe()).contains("nr-438 EPERM", "int80 signal 31");
                case "H32x" -> assertThat(r.outcome()).isIn(RunResult.Outcome.TIMEOUT, RunResult.Outcome.COMPLETED);
                case "H34x" -> assertThat(r.exitCode()).as(h.describe()).isEqualTo(134);
                default -> assertThat(r.outcome()).as(h.describe()).isEqualTo(RunResult.Outcome.TIMEOUT);
            }
        }
        report("H25-rule", all.toArray(Hostile[]::new));
    }

    // ---------------------------------------------------------------------------------------------------------

    /** The interpreter's and su's bytes on the host (H26, H28: a page-cache write would change them). */
    private static Map<String, String> hostHashes() throws IOException {
        Map<String, String> hashes = new LinkedHashMap<>();
        for (String p : List.of("/usr/bin/su", "/usr/bin/bwrap", "/usr/bin/bash", hostPythonStdlibOs())) {
            Path path = Path.of(p);
            if (Files.isRegularFile(path)) {
                hashes.put(p, sha256(Files.readAllBytes(path)));
            }
        }
        ResolvedRuntime python = runs.runtime("python");
        Path interpreter = Path.of(python.argv().get(0)).toRealPath();
        hashes.put(interpreter.toString(), sha256(Files.readAllBytes(interpreter)));
        return hashes;
    }

    private static String hostPythonStdlibOs() {
        try {
            Process p = new ProcessBuilder(runs.runtime("python").argv().get(0), "-c", "import os; print(os.__file__)")
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor(10, TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Set<String> hostModules() throws IOException {
        Path modules = Path.of("/proc/modules");
        if (!Files.exists(modules)) {
            return Set.of("(no loadable modules on this kernel)");
        }
        return Files.readAllLines(modules).stream()
                .map(l -> l.split(" ")[0])
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> hostCoreDumps() throws IOException {
        Set<String> found = new TreeSet<>();
        for (String dir : List.of("/var/lib/systemd/coredump", "/var/crash")) {
            Path d = Path.of(dir);
            if (Files.isDirectory(d)) {
                found.addAll(HostileRuns.listNames(d));
            }
        }
        return found;
    }

    /** {@code /proc/self/cgroup} of the run: every hierarchy (v1 and v2 alike) shows only its root. */
    private static void assertCgroupRootOnly(String stdout) {
        String after = stdout.substring(stdout.indexOf("cgroup ") + "cgroup ".length());
        List<String> cgroupLines =
                after.lines().takeWhile(l -> l.matches("\\d+:[^:]*:.*")).toList();
        assertThat(cgroupLines).isNotEmpty().allMatch(l -> l.endsWith(":/"), "ends at the namespace root");
    }

    private static Map<String, String> lines(String stdout) {
        Map<String, String> m = new LinkedHashMap<>();
        stdout.lines().filter(l -> l.contains(" ")).forEach(l -> {
            int sp = l.indexOf(' ');
            m.put(l.substring(0, sp), l.substring(sp + 1));
        });
        return m;
    }

    private static void assertConcurrentOkRun(Hostile... hostile) {
        runs.assertConcurrentOkRun(OK_SANITY_MILLIS, hostile);
    }

    private static void report(String row, Hostile... ended) {
        String observed = Stream.of(ended)
                .map(h -> {
                    RunResult r = h.result();
                    return h.lang() + " " + r.outcome().name().toLowerCase(Locale.ROOT)
                            + (r.errorType() == null ? "" : "/" + r.errorType()) + " exit " + r.exitCode();
                })
                .collect(Collectors.groupingBy(s -> s, TreeMap::new, Collectors.counting()))
                .entrySet()
                .stream()
                .map(e -> (e.getValue() > 1 ? e.getValue() + "× " : "") + e.getKey())
                .collect(Collectors.joining("; "));
        double slowest = Stream.of(ended).mapToDouble(Hostile::seconds).max().orElse(0);
        String line = observed + String.format(Locale.ROOT, " | ≤ %.2f s", slowest);
        runs.report.put(row, line);
        log.info(
                "{}: {}\n{}",
                row,
                line,
                Stream.of(ended).map(h -> h.result().stdout()).collect(Collectors.joining("\n")));
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

package dev.sandpod.executor.sandbox;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A classic-BPF seccomp program for bubblewrap's {@code --seccomp}: everything is allowed except syscalls a
 * script never needs and a sandbox escape or host attack usually does (mounts, namespaces, tracing other
 * processes, kernel keyrings, BPF, userfaultfd, io_uring, module and kexec loading). They fail with EPERM, so
 * programs that probe for them (libuv and io_uring) fall back instead of dying. The ways to another
 * process's descriptors or memory besides ptrace ({@code pidfd_getfd}, {@code process_madvise}, {@code kcmp})
 * are denied the same way. {@code socket} is checked by its arguments: only AF_UNIX, AF_INET, AF_INET6 and
 * NETLINK_ROUTE sockets can be made, every other family (AF_ALG, AF_VSOCK, AF_PACKET, RxRPC, TIPC, …: the way
 * to rarely used kernel code and its page-cache write bugs) fails with EAFNOSUPPORT, as on a kernel built
 * without it. Where bubblewrap is too old for {@code --disable-userns}, {@code clone} with CLONE_NEWUSER fails
 * with EPERM and {@code clone3} with ENOSYS (libc then falls back to {@code clone}). Syscalls of a foreign ABI
 * (i386 via int 0x80, x32) kill the process: they are the classic way around a filter written for x86_64.
 * Only x86_64 is described; on other architectures the runner reports seccomp as unavailable rather than
 * guess syscall numbers.
 */
final class SeccompFilter {

    private static final int AUDIT_ARCH_X86_64 = 0xC000003E;
    private static final int X32_SYSCALL_BIT = 0x40000000;
    private static final int EPERM = 1;
    private static final int ENOSYS = 38;
    private static final int EAFNOSUPPORT = 97;
    private static final int NR_SOCKET = 41;
    private static final int NR_CLONE = 56;
    private static final int NR_CLONE3 = 435;
    private static final int CLONE_NEWUSER = 0x10000000;
    private static final int AF_UNIX = 1;
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    private static final int AF_NETLINK = 16;
    private static final int NETLINK_ROUTE = 0;

    private static final short LD_W_ABS = 0x20;
    private static final short JMP_JEQ_K = 0x15;
    private static final short JMP_JGE_K = 0x35;
    private static final short JMP_JSET_K = 0x45;
    private static final short RET_K = 0x06;
    private static final int RET_ALLOW = 0x7FFF0000;
    private static final int RET_ERRNO = 0x00050000;
    private static final int RET_KILL_PROCESS = 0x80000000;
    private static final int OFFSET_NR = 0;
    private static final int OFFSET_ARCH = 4;
    /** Low 32 bits of the first and third argument (x86_64 is little-endian). */
    private static final int OFFSET_ARG0 = 16;

    private static final int OFFSET_ARG2 = 32;

    /** x86_64 numbers of the denied syscalls, in the order they are tested. */
    static final Map<String, Integer> DENIED_X86_64 = denied();

    private SeccompFilter() {}

    /** The compiled program for this JVM's architecture, or empty when it is not described here. */
    static Optional<byte[]> forCurrentArchitecture(boolean denyNewUserNamespaces) {
        String arch = System.getProperty("os.arch");
        if (!"amd64".equals(arch) && !"x86_64".equals(arch)) {
            return Optional.empty();
        }
        return Optional.of(compile(List.copyOf(DENIED_X86_64.values()), denyNewUserNamespaces));
    }

    /**
     * The program: arch check, x32 check, the denied numbers, then the argument checks of {@code socket} (and of
     * {@code clone}/{@code clone3} when asked), then the return instructions every jump lands on.
     */
    static byte[] compile(List<Integer> denied, boolean denyNewUserNamespaces) {
        int cloneRules = denyNewUserNamespaces ? 4 : 0;
        int body = 4 + denied.size() + 2 + cloneRules + 7;
        int allow = body;
        int deny = body + 1;
        int noFamily = body + 2;
        int noSys = body + 3;
        int kill = body + 4;
        ByteBuffer program = ByteBuffer.allocate((body + 5) * 8).order(ByteOrder.nativeOrder());
        int i = 0;
        i = put(program, i, LD_W_ABS, 0, 0, OFFSET_ARCH);
        i = put(program, i, JMP_JEQ_K, 0, kill - i - 1, AUDIT_ARCH_X86_64);
        i = put(program, i, LD_W_ABS, 0, 0, OFFSET_NR);
        i = put(program, i, JMP_JGE_K, kill - i - 1, 0, X32_SYSCALL_BIT);
        for (int nr : denied) {
            i = put(program, i, JMP_JEQ_K, deny - i - 1, 0, nr);
        }
        int socketRules = i + 2 + cloneRules;
        i = put(program, i, JMP_JEQ_K, socketRules - i - 1, 0, NR_SOCKET);
        if (denyNewUserNamespaces) {
            int cloneRule = i + 3;
            i = put(program, i, JMP_JEQ_K, cloneRule - i - 1, 0, NR_CLONE);
            i = put(program, i, JMP_JEQ_K, noSys - i - 1, 0, NR_CLONE3);
            i = put(program, i, RET_K, 0, 0, RET_ALLOW);
            // clone: the flags are its first argument on x86_64.
            i = put(program, i, LD_W_ABS, 0, 0, OFFSET_ARG0);
            i = put(program, i, JMP_JSET_K, deny - i - 1, allow - i - 1, CLONE_NEWUSER);
        } else {
            i = put(program, i, RET_K, 0, 0, RET_ALLOW);
        }
        if (i != socketRules) {
            throw new IllegalStateException("seccomp program layout: socket rules at " + i + ", not " + socketRules);
        }
        // socket(family, type, protocol)
        i = put(program, i, LD_W_ABS, 0, 0, OFFSET_ARG0);
        i = put(program, i, JMP_JEQ_K, allow - i - 1, 0, AF_UNIX);
        i = put(program, i, JMP_JEQ_K, allow - i - 1, 0, AF_INET);
        i = put(program, i, JMP_JEQ_K, allow - i - 1, 0, AF_INET6);
        i = put(program, i, JMP_JEQ_K, 0, noFamily - i - 1, AF_NETLINK);
        i = put(program, i, LD_W_ABS, 0, 0, OFFSET_ARG2);
        i = put(program, i, JMP_JEQ_K, allow - i - 1, noFamily - i - 1, NETLINK_ROUTE);
        if (i != allow) {
            throw new IllegalStateException("seccomp program layout: returns at " + i + ", not " + allow);
        }
        i = put(program, i, RET_K, 0, 0, RET_ALLOW);
        i = put(program, i, RET_K, 0, 0, RET_ERRNO | EPERM);
        i = put(program, i, RET_K, 0, 0, RET_ERRNO | EAFNOSUPPORT);
        i = put(program, i, RET_K, 0, 0, RET_ERRNO | ENOSYS);
        put(program, i, RET_K, 0, 0, RET_KILL_PROCESS);
        return program.array();
    }

    private static int put(ByteBuffer program, int index, short code, int jt, int jf, int k) {
        if (jt > 255 || jf > 255) {
            throw new IllegalStateException("seccomp program too long for a short jump");
        }
        program.putShort(index * 8, code);
        program.put(index * 8 + 2, (byte) jt);
        program.put(index * 8 + 3, (byte) jf);
        program.putInt(index * 8 + 4, k);
        return index + 1;
    }

    private static Map<String, Integer> denied() {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("ptrace", 101);
        m.put("process_vm_readv", 310);
        m.put("process_vm_writev", 311);
        // The ptrace equivalents: another process's descriptors, memory advice and kernel object identities.
        m.put("pidfd_getfd", 438);
        m.put("process_madvise", 440);
        m.put("kcmp", 312);
        m.put("mount", 165);
        m.put("umount2", 166);
        m.put("pivot_root", 155);
        m.put("chroot", 161);
        m.put("open_tree", 428);
        m.put("move_mount", 429);
        m.put("fsopen", 430);
        m.put("fsconfig", 431);
        m.put("fsmount", 432);
        m.put("fspick", 433);
        m.put("mount_setattr", 442);
        m.put("unshare", 272);
        m.put("setns", 308);
        m.put("bpf", 321);
        m.put("perf_event_open", 298);
        m.put("userfaultfd", 323);
        m.put("io_uring_setup", 425);
        m.put("io_uring_enter", 426);
        m.put("io_uring_register", 427);
        m.put("add_key", 248);
        m.put("request_key", 249);
        m.put("keyctl", 250);
        m.put("name_to_handle_at", 303);
        m.put("open_by_handle_at", 304);
        m.put("init_module", 175);
        m.put("finit_module", 313);
        m.put("delete_module", 176);
        m.put("kexec_load", 246);
        m.put("kexec_file_load", 320);
        m.put("reboot", 169);
        m.put("swapon", 167);
        m.put("swapoff", 168);
        m.put("syslog", 103);
        m.put("acct", 163);
        m.put("quotactl", 179);
        m.put("iopl", 172);
        m.put("ioperm", 173);
        m.put("vhangup", 153);
        m.put("lookup_dcookie", 212);
        m.put("sethostname", 170);
        m.put("setdomainname", 171);
        return Collections.unmodifiableMap(m);
    }
}

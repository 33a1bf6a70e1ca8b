package dev.sandpod.executor.sandbox;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Host uids for concurrent runs, one per run: processes of two runs never share a uid, so even a limit kept
 * per uid by the kernel (RLIMIT_NPROC in the rlimit fallback) is per run, and no run can signal another's
 * bubblewrap monitor.
 *
 * <p>That must also hold between runners: several executors on one host (or several runners in one JVM) share
 * the configured uid range. Each runner therefore owns blocks of the range, claimed through an advisory lock on
 * one file per block ({@code <lockDir>/uid-block-<n>.lock}). The kernel drops the lock when the owning process
 * dies, so a crashed executor's block becomes free again — by then its sandboxes are gone too (they die with the
 * process that started them).
 */
final class UidPool implements AutoCloseable {

    static final int BLOCK_SIZE = 256;
    /**
     * Lock files this JVM has open. POSIX record locks belong to the process, and closing any descriptor of a
     * file drops all of the process's locks on it, so a second runner of this JVM must never even open a block
     * file that the first one holds.
     */
    private static final Set<Path> HELD_IN_THIS_JVM = ConcurrentHashMap.newKeySet();

    private final int base;
    private final int blocks;
    private final Path lockDir;
    private final List<Claim> claims = new ArrayList<>();
    private final BitSet used = new BitSet();
    private int next;

    private record Claim(int block, FileChannel channel, FileLock lock) {}

    /**
     * @param base    first uid of the range shared by every runner of this host
     * @param size    uids in the range
     * @param lockDir where the block locks live; must be the same directory for every runner of the host
     */
    UidPool(int base, int size, Path lockDir) throws IOException {
        this.base = base;
        this.blocks = Math.max(1, size / BLOCK_SIZE);
        this.lockDir = lockDir;
        Files.createDirectories(lockDir);
        claimBlock();
    }

    synchronized int acquire() {
        int capacity = claims.size() * BLOCK_SIZE;
        int slot = used.nextClearBit(next);
        if (slot >= capacity) {
            slot = used.nextClearBit(0);
        }
        if (slot >= capacity) {
            claimBlock();
            slot = capacity;
        }
        used.set(slot);
        next = (slot + 1) % (claims.size() * BLOCK_SIZE);
        return uidOf(slot);
    }

    synchronized void release(int uid) {
        for (int i = 0; i < claims.size(); i++) {
            int offset = uid - base - claims.get(i).block() * BLOCK_SIZE;
            if (offset >= 0 && offset < BLOCK_SIZE) {
                used.clear(i * BLOCK_SIZE + offset);
                return;
            }
        }
    }

    /** Whether {@code uid} belongs to a block of this pool (tests look for leftover processes by uid). */
    synchronized boolean owns(int uid) {
        return claims.stream()
                .anyMatch(c -> uid >= base + c.block() * BLOCK_SIZE && uid < base + (c.block() + 1) * BLOCK_SIZE);
    }

    /** First uid of this pool's first block, for the startup log. */
    synchronized int firstUid() {
        return base + claims.get(0).block() * BLOCK_SIZE;
    }

    @Override
    public synchronized void close() {
        for (Claim c : claims) {
            try {
                c.lock().release();
                c.channel().close();
            } catch (IOException ignored) {
                // The lock goes with the process anyway.
            }
            HELD_IN_THIS_JVM.remove(lockFile(c.block()));
        }
        claims.clear();
    }

    private int uidOf(int slot) {
        return base + claims.get(slot / BLOCK_SIZE).block() * BLOCK_SIZE + slot % BLOCK_SIZE;
    }

    private void claimBlock() {
        for (int block = 0; block < blocks; block++) {
            int candidate = block;
            if (claims.stream().anyMatch(c -> c.block() == candidate)) {
                continue;
            }
            Path file = lockFile(block);
            if (!HELD_IN_THIS_JVM.add(file)) {
                continue;
            }
            FileChannel channel = null;
            try {
                channel = FileChannel.open(
                        file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
                FileLock lock = channel.tryLock();
                if (lock != null) {
                    claims.add(new Claim(block, channel, lock));
                    return;
                }
            } catch (OverlappingFileLockException e) {
                // Held through another channel of this JVM; cannot happen while HELD_IN_THIS_JVM is consulted.
            } catch (IOException e) {
                HELD_IN_THIS_JVM.remove(file);
                closeQuietly(channel);
                throw new IllegalStateException(
                        "cannot lock a sandbox uid block in " + lockDir + ": " + e.getMessage(), e);
            }
            closeQuietly(channel);
            HELD_IN_THIS_JVM.remove(file);
        }
        throw new IllegalStateException("no free sandbox uid block in " + lockDir + " (" + blocks + " blocks of "
                + BLOCK_SIZE + " uids from " + base + " all held by other runners)");
    }

    private Path lockFile(int block) {
        return lockDir.resolve("uid-block-" + block + ".lock").toAbsolutePath().normalize();
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Nothing was claimed through it.
            }
        }
    }
}

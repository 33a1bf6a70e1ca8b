package dev.sandpod.executor.sandbox;

import java.util.BitSet;

/**
 * Host uids for concurrent runs, one per run: processes of two runs never share a uid, so even a limit kept
 * per uid by the kernel (RLIMIT_NPROC in the rlimit fallback) is per run, and no run can signal another's
 * bubblewrap monitor.
 */
final class UidPool {

    private final int base;
    private final int size;
    private final BitSet used;
    private int next;

    UidPool(int base, int size) {
        this.base = base;
        this.size = size;
        this.used = new BitSet(size);
    }

    synchronized int acquire() {
        int slot = used.nextClearBit(next);
        if (slot >= size) {
            slot = used.nextClearBit(0);
        }
        if (slot >= size) {
            throw new IllegalStateException("no free sandbox uid (" + size + " runs at once)");
        }
        used.set(slot);
        next = (slot + 1) % size;
        return base + slot;
    }

    synchronized void release(int uid) {
        used.clear(uid - base);
    }
}

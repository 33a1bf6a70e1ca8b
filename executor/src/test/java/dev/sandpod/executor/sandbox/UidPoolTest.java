package dev.sandpod.executor.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runners sharing one uid range never hand out the same uid: each owns locked blocks of it. */
class UidPoolTest {

    private static final int BASE = 1_990_000_000;

    @TempDir
    Path locks;

    @Test
    void twoRunnersOnOneHostGetDisjointBlocks() throws IOException {
        try (UidPool first = new UidPool(BASE, 4 * UidPool.BLOCK_SIZE, locks);
                UidPool second = new UidPool(BASE, 4 * UidPool.BLOCK_SIZE, locks)) {
            int a = first.acquire();
            int b = second.acquire();

            assertThat(first.firstUid()).isNotEqualTo(second.firstUid());
            assertThat(first.owns(a)).isTrue();
            assertThat(first.owns(b)).isFalse();
            assertThat(second.owns(b)).isTrue();
        }
    }

    @Test
    void aRunnerClaimsAnotherBlockWhenItsFirstIsFullAndNeverHandsOutAUidInUse() throws IOException {
        try (UidPool pool = new UidPool(BASE, 4 * UidPool.BLOCK_SIZE, locks)) {
            Set<Integer> uids = new HashSet<>();
            for (int i = 0; i < UidPool.BLOCK_SIZE + 1; i++) {
                uids.add(pool.acquire());
            }
            assertThat(uids).hasSize(UidPool.BLOCK_SIZE + 1);

            int released = uids.iterator().next();
            pool.release(released);
            uids.remove(released);
            for (int i = 0; i < UidPool.BLOCK_SIZE; i++) {
                assertThat(uids.add(pool.acquire()))
                        .as("no uid handed out twice while in use")
                        .isTrue();
            }
        }
    }

    @Test
    void aClosedRunnersBlockIsFreeAgain() throws IOException {
        int firstUid;
        try (UidPool pool = new UidPool(BASE, 4 * UidPool.BLOCK_SIZE, locks)) {
            firstUid = pool.firstUid();
        }
        try (UidPool again = new UidPool(BASE, 4 * UidPool.BLOCK_SIZE, locks)) {
            assertThat(again.firstUid()).isEqualTo(firstUid);
        }
    }
}

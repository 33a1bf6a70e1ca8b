package dev.sandpod.embedded.mongo.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store commits a burst of changes once an eighth of the heap holds them (within H2's 19 MB and 256 MB). */
class CommitBufferTest {

    private static final long MB = 1024 * 1024;

    @Test
    void anEighthOfTheHeapWithinBounds() {
        assertThat(CommitBuffer.kilobytes(1024 * MB)).isEqualTo(128 * 1024);
        assertThat(CommitBuffer.kilobytes(512 * MB)).isEqualTo(64 * 1024);
        assertThat(CommitBuffer.kilobytes(64 * MB)).isEqualTo(19 * 1024);
        assertThat(CommitBuffer.kilobytes(Long.MAX_VALUE)).isEqualTo(256 * 1024);
    }

    @Test
    void anOpenedStoreKeepsThatMuchBeforeItCommits(@TempDir Path dir) {
        IndexedH2Backend backend = IndexedH2Backend.open(dir.resolve("commit.mv"));
        try {
            assertThat(backend.getMvStore().getAutoCommitMemory())
                    .isEqualTo(CommitBuffer.kilobytes(Runtime.getRuntime().maxMemory()) * 1024);
            assertThat(backend.getMvStore().getAutoCommitDelay()).isEqualTo(CommitBuffer.DELAY_MILLIS);
        } finally {
            backend.close();
        }
    }
}

package dev.sandpod.embedded.mongo.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store keeps an eighth of the heap as its page cache, within H2's default and 512 MB. */
class PageCacheTest {

    private static final long MB = 1024 * 1024;

    @Test
    void anEighthOfTheHeapWithinBounds() {
        assertThat(PageCache.megabytes(16, 1024 * MB)).isEqualTo(128);
        assertThat(PageCache.megabytes(16, 512 * MB)).isEqualTo(64);
        assertThat(PageCache.megabytes(16, 64 * MB)).isEqualTo(16);
        assertThat(PageCache.megabytes(16, Long.MAX_VALUE)).isEqualTo(512);
        assertThat(PageCache.megabytes(600, 1024 * MB)).isEqualTo(600);
    }

    @Test
    void anOpenedStoreHasTheLargerCache(@TempDir Path dir) {
        IndexedH2Backend backend = IndexedH2Backend.open(dir.resolve("cache.mv"));
        try {
            assertThat(backend.getMvStore().getCacheSize())
                    .isEqualTo(PageCache.megabytes(16, Runtime.getRuntime().maxMemory()));
        } finally {
            backend.close();
        }
    }
}

package dev.sandpod.embedded.mongo.index;

import static org.assertj.core.api.Assertions.assertThat;

import de.bwaldvogel.mongo.backend.ValueComparator;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A sorted index compares two strings or two longs without mongo-java-server's type dispatch: the sign must be
 * the server's own ({@link ValueComparator}) in both directions, or the index would answer in another order than
 * the stock backend's sort.
 */
class IndexEntryOrderTest {

    @Test
    void stringsAndLongsCompareAsTheServerComparesThem() {
        Random random = new Random(15);
        List<Object> strings = new ArrayList<>(List.of("", "a", "A", "ab", "b", "é", "\uD83D\uDE00", "\uFFFF", "z"));
        List<Object> longs = new ArrayList<>(List.of(
                0L,
                1L,
                -1L,
                Long.MAX_VALUE,
                Long.MIN_VALUE,
                (long) Integer.MAX_VALUE,
                Integer.MAX_VALUE + 1L,
                (long) Integer.MIN_VALUE,
                Integer.MIN_VALUE - 1L,
                1L << 53,
                (1L << 53) + 1));
        for (int i = 0; i < 200; i++) {
            strings.add(java.util.UUID.randomUUID().toString().substring(0, random.nextInt(36)));
            longs.add(random.nextLong() >> random.nextInt(64));
        }
        for (List<Object> values : List.of(strings, longs)) {
            for (Object x : values) {
                for (Object y : values) {
                    assertThat(Integer.signum(IndexEntry.compare(x, y, true)))
                            .as("%s vs %s ascending", x, y)
                            .isEqualTo(Integer.signum(ValueComparator.asc().compare(x, y)));
                    assertThat(Integer.signum(IndexEntry.compare(x, y, false)))
                            .as("%s vs %s descending", x, y)
                            .isEqualTo(Integer.signum(ValueComparator.desc().compare(x, y)));
                }
            }
        }
    }
}

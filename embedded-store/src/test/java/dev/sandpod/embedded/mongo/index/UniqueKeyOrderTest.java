package dev.sandpod.embedded.mongo.index;

import static org.assertj.core.api.Assertions.assertThat;

import de.bwaldvogel.mongo.backend.KeyValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.h2.mvstore.type.ObjectDataType;
import org.junit.jupiter.api.Test;

/**
 * The unique indexes' keys keep the stock backend's order (their Java-serialized bytes, compared unsigned, shorter
 * first) while {@link UniqueKeyType} compares them many bytes at a time: a data file's unique index maps are the
 * stock ones, so a different order would misplace keys written by either backend.
 */
class UniqueKeyOrderTest {

    @Test
    void keysCompareExactlyAsTheStockBackendOrdersThem() {
        Random random = new Random(15);
        List<UniqueKeyType.Key> keys = new ArrayList<>();
        String execution = UUID.randomUUID().toString();
        for (int i = 0; i < 300; i++) {
            keys.add(UniqueKeyType.key(new KeyValue(UUID.randomUUID().toString())));
            keys.add(UniqueKeyType.key(new KeyValue(execution, (long) random.nextInt(40))));
            keys.add(UniqueKeyType.key(new KeyValue(execution.substring(0, random.nextInt(execution.length())))));
            keys.add(UniqueKeyType.key(new KeyValue((long) random.nextInt() - Integer.MAX_VALUE, "x")));
            keys.add(UniqueKeyType.key(new KeyValue("é" + random.nextInt(1000), random.nextInt(3))));
        }
        UniqueKeyType type = new UniqueKeyType();
        for (UniqueKeyType.Key a : keys) {
            for (int j = 0; j < 40; j++) {
                UniqueKeyType.Key b = keys.get(random.nextInt(keys.size()));
                assertThat(Integer.signum(type.compare(a, b)))
                        .as("%s against %s", a, b)
                        .isEqualTo(Integer.signum(ObjectDataType.compareNotNull(a.serialized, b.serialized)));
            }
            assertThat(type.compare(a, UniqueKeyType.key(a.value()))).isZero();
        }
    }
}

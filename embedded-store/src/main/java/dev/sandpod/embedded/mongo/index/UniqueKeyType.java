package dev.sandpod.embedded.mongo.index;

import de.bwaldvogel.mongo.backend.KeyValue;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.BasicDataType;
import org.h2.mvstore.type.ObjectDataType;

/**
 * Keys of a unique index's map in the H2 data file, stored and ordered exactly as the stock backend does,
 * without its cost.
 *
 * <p>The stock backend opens these maps with H2's {@link ObjectDataType}. A {@link KeyValue} is neither a
 * type H2 knows nor {@code Comparable}, so H2 orders two of them by their Java-serialized bytes and
 * serializes both operands again on <em>every</em> comparison (a fresh {@code ObjectOutputStream} each
 * time): an insert or a point lookup on {@code _id} or on Axon's (aggregate id, sequence number) index ran
 * some 2 x 17 serializations, which made appends, seeding a read model and every lookup by id slow
 * (measured with bench/store, issue 9).
 *
 * <p>Here a key carries its serialized form: computed once when a lookup or an insert builds its key,
 * taken as is from the page when the map is read (the stock format stores exactly these bytes) and
 * written back as is, so reading and writing pages — which the store's background writer does for
 * every change and every compaction — no longer deserializes and serializes each key either. Comparing
 * is comparing those bytes, the stock order. Written bytes are {@link ObjectDataType}'s own, so a data
 * file written by either backend opens with the other.
 */
final class UniqueKeyType extends BasicDataType<UniqueKeyType.Key> {

    /** {@link ObjectDataType}'s tag of a Java-serialized object, followed by its length and bytes. */
    private static final byte SERIALIZED_OBJECT = 19;

    /** The stock encoding, for anything not in the form above (never written by either backend). */
    private final ObjectDataType stock = new ObjectDataType();

    static Key key(KeyValue value) {
        return new Key(value, ObjectDataType.serialize(value));
    }

    @Override
    public Key[] createStorage(int size) {
        return new Key[size];
    }

    /**
     * The stock order ({@link ObjectDataType#compareNotNull(byte[], byte[])}: unsigned bytes, then the shorter first),
     * by {@link Arrays#compareUnsigned}, which compares many bytes at a time: the Java-serialized keys share a long
     * prefix (the class descriptors), which the stock loop walks byte by byte on every comparison of every lookup
     * and insert — a twentieth of a read-model rebuild's CPU (bench/operations, JFR). Only the sign is used.
     */
    @Override
    public int compare(Key a, Key b) {
        return a == b ? 0 : Arrays.compareUnsigned(a.serialized, b.serialized);
    }

    @Override
    public int getMemory(Key key) {
        // The bytes, and about as much again for the key once deserialized.
        return 48 + 2 * key.serialized.length;
    }

    /** What {@link ObjectDataType} writes for a {@link KeyValue}, from the bytes at hand. */
    @Override
    public void write(WriteBuffer buffer, Key key) {
        buffer.put(SERIALIZED_OBJECT).putVarInt(key.serialized.length).put(key.serialized);
    }

    /** Keeps the bytes; the key itself is deserialized only when asked for (iterating the index). */
    @Override
    public Key read(ByteBuffer buffer) {
        if (buffer.get(buffer.position()) == SERIALIZED_OBJECT) {
            buffer.get();
            byte[] serialized = new byte[DataUtils.readVarInt(buffer)];
            buffer.get(serialized);
            return new Key(null, serialized);
        }
        Object value = stock.read(buffer);
        if (!(value instanceof KeyValue keyValue)) {
            throw new IllegalStateException("a unique index map holds a key that is not a KeyValue: " + value);
        }
        return key(keyValue);
    }

    /** A unique index key and its Java-serialized form (the stock backend's order). */
    static final class Key {

        private volatile KeyValue value;
        final byte[] serialized;

        private Key(KeyValue value, byte[] serialized) {
            this.value = value;
            this.serialized = serialized;
        }

        KeyValue value() {
            KeyValue result = value;
            if (result == null) {
                Object read = ObjectDataType.deserialize(serialized);
                if (!(read instanceof KeyValue keyValue)) {
                    throw new IllegalStateException("a unique index map holds a key that is not a KeyValue: " + read);
                }
                value = result = keyValue;
            }
            return result;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && Arrays.equals(serialized, key.serialized);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(serialized);
        }

        @Override
        public String toString() {
            return value().toString();
        }
    }
}

package dev.sandpod.embedded.mongo.index;

import de.bwaldvogel.mongo.bson.ObjectId;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Comparator;
import java.util.UUID;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.BasicDataType;
import org.h2.mvstore.type.ObjectDataType;

/**
 * The keys of a {@link SortedIndex}'s map in the index store ({@link IndexStore}): an {@link IndexEntry}, ordered
 * by the index's order ({@link IndexEntry#order}), written as its key values and {@code _id}, each with a tag of
 * its type. The values the stores index (strings, longs, dates, ids) take a compact form of their own; any other
 * (a sub-document, a decimal, ...) is Java-serialized, as the stock backend stores documents. Values come back as
 * equal instances of the same class, so a read entry compares exactly as the one written.
 */
final class IndexEntryType extends BasicDataType<IndexEntry> {

    private static final byte NULL = 0;
    private static final byte STRING = 1;
    private static final byte LONG = 2;
    private static final byte INTEGER = 3;
    private static final byte DOUBLE = 4;
    private static final byte INSTANT = 5;
    private static final byte OBJECT_ID = 6;
    private static final byte UUID_VALUE = 7;
    private static final byte TRUE = 8;
    private static final byte FALSE = 9;
    private static final byte SERIALIZED = 10;

    private final int keyCount;
    private final Comparator<IndexEntry> order;

    IndexEntryType(int keyCount, Comparator<IndexEntry> order) {
        this.keyCount = keyCount;
        this.order = order;
    }

    @Override
    public IndexEntry[] createStorage(int size) {
        return new IndexEntry[size];
    }

    @Override
    public int compare(IndexEntry a, IndexEntry b) {
        return order.compare(a, b);
    }

    /** H2's estimate of an entry in a cached page: the entry and its values. */
    @Override
    public int getMemory(IndexEntry entry) {
        int memory = 32 + memory(entry.id);
        for (int i = 0; i < keyCount; i++) {
            memory += memory(entry.value(i));
        }
        return memory;
    }

    private static int memory(Object value) {
        if (value == null || value instanceof Boolean) {
            return 0;
        } else if (value instanceof String s) {
            return 48 + s.length();
        } else if (value instanceof Long || value instanceof Integer || value instanceof Double) {
            return 16;
        } else if (value instanceof Instant || value instanceof UUID) {
            return 24;
        } else if (value instanceof ObjectId) {
            return 48;
        }
        return 256;
    }

    @Override
    public void write(WriteBuffer buffer, IndexEntry entry) {
        for (int i = 0; i < keyCount; i++) {
            writeValue(buffer, entry.value(i));
        }
        writeValue(buffer, entry.id);
    }

    @Override
    public IndexEntry read(ByteBuffer buffer) {
        Object[] values = new Object[keyCount];
        for (int i = 0; i < keyCount; i++) {
            values[i] = readValue(buffer);
        }
        return new IndexEntry(values, readValue(buffer));
    }

    static void writeValue(WriteBuffer buffer, Object value) {
        if (value == null) {
            buffer.put(NULL);
        } else if (value instanceof String s) {
            buffer.put(STRING).putVarInt(s.length()).putStringData(s, s.length());
        } else if (value instanceof Long l) {
            buffer.put(LONG).putVarLong(l);
        } else if (value instanceof Integer n) {
            buffer.put(INTEGER).putVarInt(n);
        } else if (value instanceof Double d) {
            buffer.put(DOUBLE).putDouble(d);
        } else if (value instanceof Instant t) {
            buffer.put(INSTANT).putLong(t.getEpochSecond()).putInt(t.getNano());
        } else if (value instanceof ObjectId id) {
            buffer.put(OBJECT_ID).put(id.toByteArray());
        } else if (value instanceof UUID u) {
            buffer.put(UUID_VALUE).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
        } else if (value instanceof Boolean b) {
            buffer.put(b ? TRUE : FALSE);
        } else {
            byte[] bytes = ObjectDataType.serialize(value);
            buffer.put(SERIALIZED).putVarInt(bytes.length).put(bytes);
        }
    }

    static Object readValue(ByteBuffer buffer) {
        byte tag = buffer.get();
        switch (tag) {
            case NULL:
                return null;
            case STRING:
                return DataUtils.readString(buffer, DataUtils.readVarInt(buffer));
            case LONG:
                return DataUtils.readVarLong(buffer);
            case INTEGER:
                return DataUtils.readVarInt(buffer);
            case DOUBLE:
                return buffer.getDouble();
            case INSTANT:
                long seconds = buffer.getLong();
                return Instant.ofEpochSecond(seconds, buffer.getInt());
            case OBJECT_ID:
                byte[] id = new byte[12];
                buffer.get(id);
                return new ObjectId(id);
            case UUID_VALUE:
                long most = buffer.getLong();
                return new UUID(most, buffer.getLong());
            case TRUE:
                return Boolean.TRUE;
            case FALSE:
                return Boolean.FALSE;
            case SERIALIZED:
                byte[] bytes = new byte[DataUtils.readVarInt(buffer)];
                buffer.get(bytes);
                return ObjectDataType.deserialize(bytes);
            default:
                throw new IllegalStateException("unknown value tag " + tag + " in an index entry");
        }
    }
}

package dev.sandpod.embedded.mongo.index;

import de.bwaldvogel.mongo.backend.AbstractUniqueIndex;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.bson.ObjectId;
import java.util.AbstractMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

/**
 * The H2 backend's unique index (same map, same entries as its {@code H2UniqueIndex}) over a map whose keys
 * compare without serializing them on every comparison: see {@link UniqueKeyType}.
 */
final class PersistentUniqueIndex extends AbstractUniqueIndex<Object> {

    private final MVMap<UniqueKeyType.Key, Object> map;
    /**
     * The last key built: an insert looks its key up ({@code checkAdd}) and then puts it ({@code add}), each
     * with its own equal {@link KeyValue}; the second reuses the first's serialized form.
     */
    private volatile UniqueKeyType.Key lastKey;

    private static final Set<Class<?>> SIMPLE =
            Set.of(String.class, Integer.class, Long.class, Boolean.class, ObjectId.class, UUID.class);

    private PersistentUniqueIndex(
            MVMap<UniqueKeyType.Key, Object> map, String name, List<IndexKey> keys, boolean sparse) {
        super(name, keys, sparse);
        this.map = map;
    }

    /** Opens (or creates) the index's map; the caller names it as the stock backend does. */
    static PersistentUniqueIndex open(MVStore store, String mapName, String name, List<IndexKey> keys, boolean sparse) {
        MVMap<UniqueKeyType.Key, Object> map =
                store.openMap(mapName, new MVMap.Builder<UniqueKeyType.Key, Object>().keyType(new UniqueKeyType()));
        if (!(map.getKeyType() instanceof UniqueKeyType)) {
            // Opened earlier with the stock key type: its keys are KeyValues, which this index cannot use.
            throw new IllegalStateException("unique index map " + mapName + " is already open with key type "
                    + map.getKeyType().getClass().getName());
        }
        return new PersistentUniqueIndex(map, name, keys, sparse);
    }

    @Override
    protected Object removeDocument(KeyValue key) {
        return map.remove(key(key));
    }

    @Override
    protected boolean putKeyPosition(KeyValue key, Object position) {
        return map.putIfAbsent(key(key), Missing.ofNullable(position)) == null;
    }

    @Override
    protected Iterable<Map.Entry<KeyValue, Object>> getIterable() {
        return () -> new Iterator<>() {
            private final Iterator<Map.Entry<UniqueKeyType.Key, Object>> entries =
                    map.entrySet().iterator();

            @Override
            public boolean hasNext() {
                return entries.hasNext();
            }

            @Override
            public Map.Entry<KeyValue, Object> next() {
                Map.Entry<UniqueKeyType.Key, Object> entry = entries.next();
                return new AbstractMap.SimpleImmutableEntry<>(entry.getKey().value(), entry.getValue());
            }
        };
    }

    @Override
    protected Object getPosition(KeyValue key) {
        return map.get(key(key));
    }

    private UniqueKeyType.Key key(KeyValue value) {
        UniqueKeyType.Key last = lastKey;
        if (last != null && sameForm(last.value(), value)) {
            return last;
        }
        UniqueKeyType.Key key = UniqueKeyType.key(value);
        lastKey = key;
        return key;
    }

    /**
     * Equal values of the same simple classes, so the same serialized form (equal documents may order their
     * fields differently, and 1 equals no 1L: those are other keys in the stock order).
     */
    private static boolean sameForm(KeyValue a, KeyValue b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            Object x = a.get(i);
            Object y = b.get(i);
            if (x == null
                    || y == null
                    || x.getClass() != y.getClass()
                    || !SIMPLE.contains(x.getClass())
                    || !x.equals(y)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public long getCount() {
        return map.sizeAsLong();
    }

    @Override
    public boolean isEmpty() {
        return map.isEmpty();
    }

    @Override
    public long getDataSize() {
        return getCount();
    }
}

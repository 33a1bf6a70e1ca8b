package dev.sandpod.embedded.mongo.index;

import de.bwaldvogel.mongo.backend.AbstractUniqueIndex;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.Missing;
import java.util.AbstractMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

/**
 * The H2 backend's unique index (same map, same entries as its {@code H2UniqueIndex}) over a map whose keys
 * compare without serializing them on every comparison: see {@link UniqueKeyType}.
 */
final class PersistentUniqueIndex extends AbstractUniqueIndex<Object> {

    private final MVMap<UniqueKeyType.Key, Object> map;

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
        return map.remove(UniqueKeyType.key(key));
    }

    @Override
    protected boolean putKeyPosition(KeyValue key, Object position) {
        return map.putIfAbsent(UniqueKeyType.key(key), Missing.ofNullable(position)) == null;
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
        return map.get(UniqueKeyType.key(key));
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

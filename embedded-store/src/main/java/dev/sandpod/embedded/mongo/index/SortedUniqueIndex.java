package dev.sandpod.embedded.mongo.index;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.exception.KeyConstraintError;

/**
 * A unique index of the server (persisted, enforcing uniqueness, answering exact point lookups) with a
 * {@link SortedIndex} over the same keys beside it, so that range and ordered queries on the unique keys
 * — Axon's {@code aggregateIdentifier = ? and sequenceNumber >= ?} when loading an aggregate — are index
 * scans too.
 */
final class SortedUniqueIndex extends Index<Object> {

    private final Index<Object> unique;
    private final SortedIndex sorted;

    SortedUniqueIndex(Index<Object> unique, SortedIndex sorted, boolean sparse) {
        super(unique.getName(), unique.getKeys(), sparse);
        this.unique = unique;
        this.sorted = sorted;
    }

    SortedIndex sorted() {
        return sorted;
    }

    @Override
    public boolean isUnique() {
        return true;
    }

    @Override
    public Object getPosition(Document document) {
        return unique.getPosition(document);
    }

    @Override
    public void checkAdd(Document document, MongoCollection<Object> collection) {
        unique.checkAdd(document, collection);
        sorted.checkAdd(document, collection);
    }

    @Override
    public void add(Document document, Object position, MongoCollection<Object> collection) {
        unique.add(document, position, collection);
        sorted.add(document, position, collection);
    }

    @Override
    public Object remove(Document document) {
        Object position = unique.remove(document);
        sorted.remove(document);
        return position;
    }

    @Override
    public boolean canHandle(Document query) {
        return unique.canHandle(query);
    }

    @Override
    public Iterable<Object> getPositions(Document query) {
        return unique.getPositions(query);
    }

    @Override
    public long getCount() {
        return unique.getCount();
    }

    @Override
    public boolean isEmpty() {
        return unique.isEmpty();
    }

    @Override
    public long getDataSize() {
        return unique.getDataSize();
    }

    @Override
    public void checkUpdate(Document oldDocument, Document newDocument, MongoCollection<Object> collection) {
        unique.checkUpdate(oldDocument, newDocument, collection);
        sorted.checkUpdate(oldDocument, newDocument, collection);
    }

    @Override
    public void updateInPlace(
            Document oldDocument, Document newDocument, Object position, MongoCollection<Object> collection)
            throws KeyConstraintError {
        unique.updateInPlace(oldDocument, newDocument, position, collection);
        sorted.updateInPlace(oldDocument, newDocument, position, collection);
    }

    @Override
    public void drop() {
        unique.drop();
        sorted.drop();
    }

    @Override
    public String toString() {
        return "SortedUniqueIndex[" + unique + "]";
    }
}

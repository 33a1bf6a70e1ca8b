package dev.sandpod.eventstore;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import org.axonframework.modelling.saga.AssociationValue;
import org.axonframework.modelling.saga.AssociationValues;
import org.axonframework.modelling.saga.repository.SagaStore;
import org.bson.Document;

/**
 * The saga store, plus a journal of every saga's life: axon-mongo deletes a saga's document when the saga
 * ends, so without a record of its own nobody could tell later that a saga existed, when it started and
 * when it ended. The journal ({@value #COLLECTION}) holds one document per saga: its id, type,
 * associations, {@code startedAt}, {@code updatedAt} and, once ended, {@code endedAt}. It only records;
 * the sagas themselves live in the delegate as before.
 */
final class JournalingSagaStore implements SagaStore<Object> {

    static final String COLLECTION = "saga_journal";

    private final SagaStore<Object> delegate;
    private final MongoCollection<Document> journal;
    private final Clock clock;

    JournalingSagaStore(SagaStore<Object> delegate, MongoCollection<Document> journal, Clock clock) {
        this.delegate = delegate;
        this.journal = journal;
        this.clock = clock;
        // No index on the associations: the embedded Mongo-wire server refuses a compound index over two fields
        // of one array ("parallel arrays"), and the journal is read by admins, not on the hot path.
    }

    @Override
    public Set<String> findSagas(Class<?> sagaType, AssociationValue associationValue) {
        return delegate.findSagas(sagaType, associationValue);
    }

    @Override
    public <S> Entry<S> loadSaga(Class<S> sagaType, String sagaIdentifier) {
        return delegate.loadSaga(sagaType, sagaIdentifier);
    }

    @Override
    public void deleteSaga(Class<?> sagaType, String sagaIdentifier, Set<AssociationValue> associationValues) {
        delegate.deleteSaga(sagaType, sagaIdentifier, associationValues);
        String now = clock.instant().toString();
        journal.updateOne(
                Filters.eq("_id", sagaIdentifier),
                Updates.combine(Updates.set("endedAt", now), Updates.set("updatedAt", now)));
    }

    @Override
    public void insertSaga(
            Class<?> sagaType, String sagaIdentifier, Object saga, Set<AssociationValue> associationValues) {
        delegate.insertSaga(sagaType, sagaIdentifier, saga, associationValues);
        String now = clock.instant().toString();
        journal.updateOne(
                Filters.eq("_id", sagaIdentifier),
                Updates.combine(
                        Updates.set("sagaType", sagaType.getName()),
                        Updates.set("associations", associations(associationValues)),
                        Updates.set("startedAt", now),
                        Updates.set("updatedAt", now)),
                new UpdateOptions().upsert(true));
    }

    @Override
    public void updateSaga(Class<?> sagaType, String sagaIdentifier, Object saga, AssociationValues associationValues) {
        delegate.updateSaga(sagaType, sagaIdentifier, saga, associationValues);
        journal.updateOne(
                Filters.eq("_id", sagaIdentifier),
                Updates.combine(
                        Updates.set("associations", associations(associationValues.asSet())),
                        Updates.set("updatedAt", clock.instant().toString())));
    }

    private static List<Document> associations(Set<AssociationValue> values) {
        return values.stream()
                .map(v -> new Document("key", v.getKey()).append("value", v.getValue()))
                .toList();
    }
}

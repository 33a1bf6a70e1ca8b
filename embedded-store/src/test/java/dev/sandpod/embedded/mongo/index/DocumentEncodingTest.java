package dev.sandpod.embedded.mongo.index;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import de.bwaldvogel.mongo.bson.ObjectId;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bson.BsonBinarySubType;
import org.bson.BsonRegularExpression;
import org.bson.BsonTimestamp;
import org.bson.Document;
import org.bson.types.Binary;
import org.bson.types.Decimal128;
import org.bson.types.MaxKey;
import org.bson.types.MinKey;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.ObjectDataType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Documents are stored as BSON ({@link DocumentType}), not Java-serialized, and the data file stays readable both
 * ways: files whose documents the stock backend Java-serialized open with the indexed backend, and the stock
 * backend reads the documents the indexed backend wrote.
 */
class DocumentEncodingTest {

    @TempDir
    Path dir;

    @Test
    void aDocumentIsStoredAsBsonAndReadBackEqualByEitherReader() {
        de.bwaldvogel.mongo.bson.Document document = new de.bwaldvogel.mongo.bson.Document("_id", new ObjectId());
        document.put("name", "frame");
        document.put("n", 42);
        document.put("big", 1L << 40);
        document.put("ratio", 0.25);
        document.put("nested", new de.bwaldvogel.mongo.bson.Document("list", List.of(1, "two", 3.0)));

        WriteBuffer written = new WriteBuffer();
        new DocumentType().write(written, document);
        byte[] bytes = bytes(written);
        // What ObjectDataType writes for a serializable object, holding a StoredDocument and the BSON.
        assertThat(bytes[0]).isEqualTo((byte) 19);
        assertThat(indexOf(bytes, StoredDocument.PREFIX)).isPositive();
        WriteBuffer javaSerialized = new WriteBuffer();
        new ObjectDataType().write(javaSerialized, document);
        assertThat(bytes.length).isLessThan(bytes(javaSerialized).length / 2);

        assertThat(new DocumentType().read(ByteBuffer.wrap(bytes))).isEqualTo(document);
        assertThat(new ObjectDataType().read(ByteBuffer.wrap(bytes))).isEqualTo(document);
        // A document Java-serialized by the stock backend is read as before.
        assertThat(new DocumentType().read(ByteBuffer.wrap(bytes(javaSerialized))))
                .isEqualTo(document);
    }

    @Test
    void everyBsonTypeSurvivesARestartAndTheStockBackendReadsIt() {
        Path file = dir.resolve("store.mv");
        List<Document> stored = new ArrayList<>();
        try (WireServer indexed = WireServer.indexed(file)) {
            MongoCollection<Document> values = indexed.database().getCollection("values");
            for (int i = 0; i < 200; i++) {
                Document document = everyType(i);
                values.insertOne(document);
                stored.add(document);
            }
            values.updateOne(Filters.eq("_id", "doc-7"), Updates.inc("int", 5));
            stored.get(7).put("int", 12);
        }
        try (WireServer indexed = WireServer.indexed(file)) {
            assertThat(all(indexed)).isEqualTo(stored);
        }
        try (WireServer stock = WireServer.stock(file)) {
            assertThat(all(stock)).isEqualTo(stored);
        }
    }

    @Test
    void aFileWrittenByTheStockBackendOpensAndMixesBothEncodings() {
        Path file = dir.resolve("store.mv");
        List<Document> stored = new ArrayList<>();
        try (WireServer stock = WireServer.stock(file)) {
            MongoCollection<Document> values = stock.database().getCollection("values");
            for (int i = 0; i < 100; i++) {
                values.insertOne(everyType(i));
                stored.add(everyType(i));
            }
        }
        try (WireServer indexed = WireServer.indexed(file)) {
            assertThat(all(indexed)).isEqualTo(stored);
            MongoCollection<Document> values = indexed.database().getCollection("values");
            for (int i = 100; i < 150; i++) {
                values.insertOne(everyType(i));
                stored.add(everyType(i));
            }
            values.updateOne(Filters.eq("_id", "doc-3"), Updates.set("string", "changed"));
            stored.get(3).put("string", "changed");
        }
        try (WireServer stock = WireServer.stock(file)) {
            assertThat(all(stock)).isEqualTo(stored);
            stock.database().getCollection("values").insertOne(everyType(150));
            stored.add(everyType(150));
        }
        try (WireServer indexed = WireServer.indexed(file)) {
            assertThat(all(indexed)).isEqualTo(stored);
        }
    }

    private static List<Document> all(WireServer server) {
        return server.database()
                .getCollection("values")
                .find()
                .sort(Sorts.ascending("seq"))
                .into(new ArrayList<>());
    }

    private static Document everyType(int i) {
        return new Document("_id", "doc-" + i)
                .append("seq", i)
                .append("string", "value " + i)
                .append("int", i)
                .append("long", 1_000_000_000_000L + i)
                .append("double", i / 4.0)
                .append("decimal", Decimal128.parse("12.34" + i))
                .append("bool", i % 2 == 0)
                .append("null", null)
                .append("date", new Date(1_700_000_000_000L + i))
                .append("objectId", new org.bson.types.ObjectId(String.format("%024x", i + 1)))
                .append("uuid", new Binary(BsonBinarySubType.UUID_STANDARD, uuidBytes(i)))
                .append("binary", new Binary(new byte[] {1, 2, (byte) i}))
                .append("regex", new BsonRegularExpression("^a.*" + i, "i"))
                .append("timestamp", new BsonTimestamp(1_700_000_000, i))
                .append("min", new MinKey())
                .append("max", new MaxKey())
                .append("nested", new Document("a", List.of(i, "b", new Document("c", 1.5))))
                .append("empty", new Document())
                .append("list", List.of());
    }

    private static byte[] uuidBytes(int i) {
        return ByteBuffer.allocate(16).putLong(i).putLong(i + 1L).array();
    }

    private static byte[] bytes(WriteBuffer buffer) {
        ByteBuffer written = buffer.getBuffer().flip();
        byte[] bytes = new byte[written.remaining()];
        written.get(bytes);
        return bytes;
    }

    private static int indexOf(byte[] bytes, byte[] part) {
        outer:
        for (int i = 0; i + part.length <= bytes.length; i++) {
            for (int j = 0; j < part.length; j++) {
                if (bytes[i + j] != part[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}

package dev.sandpod.embedded.mongo.index;

import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.bson.BsonDecoder;
import de.bwaldvogel.mongo.wire.bson.BsonEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.BasicDataType;
import org.h2.mvstore.type.ObjectDataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The values of a collection's data map (its documents) in the H2 data file, without Java serialization of
 * each document.
 *
 * <p>The stock backend opens these maps with H2's {@link ObjectDataType}, which Java-serializes every document
 * with its classes' descriptors whenever a page holding it is written (every page a commit changed, and every
 * page a compaction moves) and Java-deserializes every document of every page it reads back. In the rebuild of
 * a read model that was a third of the process's CPU (bench/operations, JFR: {@code Page.write} and
 * {@code MVStore.readPage} under the bulk upserts).
 *
 * <p>Here a document is written as its BSON bytes (mongo-java-server's own encoder, the one that answers
 * clients), wrapped so that the stored bytes are still what {@link ObjectDataType} writes for a serializable
 * object: its tag, the length, and the Java serialization of a {@link StoredDocument}, whose fixed prefix is
 * followed by the BSON bytes. Reading recognises that prefix and decodes the BSON directly. Anything else —
 * documents written before this type, or by the stock backend — is read by {@link ObjectDataType}, so old data
 * files open and pages of both kinds mix; the stock backend, Java-deserializing a {@link StoredDocument},
 * gets the same document back through its {@code readResolve}. A document the BSON encoder refuses (a value
 * type it does not know) is written Java-serialized as before.
 */
final class DocumentType extends BasicDataType<Object> {

    private static final Logger log = LoggerFactory.getLogger(DocumentType.class);

    /** {@link ObjectDataType}'s tag of a Java-serialized object, followed by its length and bytes. */
    private static final byte SERIALIZED_OBJECT = 19;

    private static final byte[] PREFIX = StoredDocument.PREFIX;
    private static final ByteBuffer PREFIX_BUFFER = ByteBuffer.wrap(PREFIX).asReadOnlyBuffer();

    private static final int MAX_KEPT_BUFFER = 1024 * 1024;
    private static final ThreadLocal<ByteBuf> BUFFER = ThreadLocal.withInitial(() -> Unpooled.buffer(512));

    private final ObjectDataType stock = new ObjectDataType();

    /** A running estimate of a document's size in memory (for H2's page accounting), from its BSON size. */
    private volatile int averageMemory = 1024;

    @Override
    public Object[] createStorage(int size) {
        return new Object[size];
    }

    @Override
    public int compare(Object a, Object b) {
        return stock.compare(a, b);
    }

    @Override
    public int getMemory(Object value) {
        return value instanceof Document ? averageMemory : stock.getMemory(value);
    }

    @Override
    public void write(WriteBuffer buffer, Object value) {
        ByteBuf bson = value instanceof Document document ? encode(document) : null;
        if (bson == null) {
            stock.write(buffer, value);
            return;
        }
        int length = bson.readableBytes();
        buffer.put(SERIALIZED_OBJECT)
                .putVarInt(PREFIX.length + Integer.BYTES + length)
                .put(PREFIX)
                .putInt(length)
                .put(bson.array(), bson.arrayOffset() + bson.readerIndex(), length);
        estimate(length);
    }

    @Override
    public Object read(ByteBuffer buffer) {
        int start = buffer.position();
        if (buffer.get(start) == SERIALIZED_OBJECT) {
            buffer.get();
            int length = DataUtils.readVarInt(buffer);
            int body = buffer.position();
            if (length >= PREFIX.length + Integer.BYTES
                    && buffer.slice(body, PREFIX.length).mismatch(PREFIX_BUFFER) == -1) {
                int bsonStart = body + PREFIX.length + Integer.BYTES;
                int bsonLength = buffer.getInt(body + PREFIX.length);
                Document document = BsonDecoder.decodeBson(Unpooled.wrappedBuffer(buffer.slice(bsonStart, bsonLength)));
                buffer.position(body + length);
                estimate(bsonLength);
                return document;
            }
            buffer.position(start);
        }
        return stock.read(buffer);
    }

    /**
     * The document's BSON bytes, or null when the encoder refuses one of its values. In a buffer of the writing
     * thread, valid until its next call: a commit writes every document of every page it changed, and a new
     * buffer for each of them was a fifth of a rebuild's allocations (bench/operations, JFR).
     */
    private static ByteBuf encode(Document document) {
        ByteBuf bson = BUFFER.get();
        if (bson.capacity() > MAX_KEPT_BUFFER) { // not kept after a very large document
            bson = Unpooled.buffer(512);
            BUFFER.set(bson);
        }
        bson.clear();
        try {
            BsonEncoder.encodeDocument(document, bson);
            return bson;
        } catch (RuntimeException e) {
            log.debug("Document stored Java-serialized: {}", e.toString());
            return null;
        }
    }

    private void estimate(int bsonLength) {
        // Decoded, a document takes several times its BSON size (maps, boxed values, strings).
        averageMemory = (int) ((15L * averageMemory + 4L * bsonLength + 64) / 16);
    }
}

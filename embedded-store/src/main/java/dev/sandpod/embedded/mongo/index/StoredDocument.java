package dev.sandpod.embedded.mongo.index;

import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.bson.BsonDecoder;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serial;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * A document as the data file holds it since the compact encoding ({@link DocumentType}): its BSON bytes inside
 * the Java serialization of this class, whose {@link #readResolve()} answers the document. So a reader that
 * Java-deserializes the value — H2's {@code ObjectDataType}, i.e. mongo-java-server's stock backend — still gets
 * the {@link Document}, while {@link DocumentType} recognises the fixed prefix of the stream and decodes the BSON
 * without Java serialization. Never rename, move or change this class: its name, fields and
 * {@code serialVersionUID} are part of every stored document's bytes.
 */
final class StoredDocument implements Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    /** The Java serialization of a {@code StoredDocument} up to its array's length (a big-endian int). */
    static final byte[] PREFIX = prefix();

    @SuppressWarnings("serial") // a byte array is serializable
    private final byte[] bson;

    private StoredDocument(byte[] bson) {
        this.bson = bson;
    }

    @Serial
    private Object readResolve() {
        return BsonDecoder.decodeBson(Unpooled.wrappedBuffer(bson));
    }

    static byte[] javaSerialized(byte[] bson) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(bson.length + 128);
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(new StoredDocument(bson));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static byte[] prefix() {
        byte[] empty = javaSerialized(new byte[0]);
        byte[] prefix = Arrays.copyOf(empty, empty.length - Integer.BYTES);
        // The layout this type relies on: prefix, length, the bytes, nothing after them.
        byte[] three = javaSerialized(new byte[] {1, 2, 3});
        byte[] expected = Arrays.copyOf(prefix, prefix.length + Integer.BYTES + 3);
        System.arraycopy(new byte[] {0, 0, 0, 3, 1, 2, 3}, 0, expected, prefix.length, 7);
        if (!Arrays.equals(three, expected)) {
            throw new IllegalStateException("unexpected Java serialization layout of " + StoredDocument.class);
        }
        return prefix;
    }
}

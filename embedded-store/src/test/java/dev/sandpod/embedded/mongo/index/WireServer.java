package dev.sandpod.embedded.mongo.index;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.ServerVersion;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** A Mongo-wire server on a backend of choice with a driver client, as the application runs it. */
public final class WireServer implements AutoCloseable {

    public static final String DATABASE = "test";

    private final H2Backend backend;
    private final MongoServer server;
    private final MongoClient client;

    private WireServer(H2Backend backend) {
        this.backend = backend;
        backend.version(ServerVersion.MONGO_5_0);
        this.server = new MongoServer(backend);
        server.bind("127.0.0.1", 0);
        InetSocketAddress address = server.getLocalAddress();
        this.client = MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString("mongodb://127.0.0.1:" + address.getPort()))
                .applyToSocketSettings(s -> s.readTimeout(60, TimeUnit.SECONDS))
                .build());
    }

    /** The indexed backend, in memory ({@code file} null) or on a file. */
    public static WireServer indexed(Path file) {
        return new WireServer(IndexedH2Backend.open(file));
    }

    /** mongo-java-server's own H2 backend, the reference for every answer. */
    static WireServer stock(Path file) {
        return new WireServer(file == null ? H2Backend.inMemory() : new H2Backend(file.toString()));
    }

    /** The driver client, for templates over this server. */
    public MongoClient client() {
        return client;
    }

    public MongoDatabase database() {
        return client.getDatabase(DATABASE);
    }

    H2Backend backend() {
        return backend;
    }

    /** The server-side collection object, to look at what a query read. */
    IndexedH2Collection collection(String name) {
        return (IndexedH2Collection) backend.resolveDatabase(DATABASE).resolveCollection(name, true);
    }

    /** Documents the indexed backend has read from a collection so far, for tests outside this package. */
    public long documentsRead(String collection) {
        return collection(collection).documentsRead();
    }

    @Override
    public void close() {
        client.close();
        server.shutdownNow();
    }
}

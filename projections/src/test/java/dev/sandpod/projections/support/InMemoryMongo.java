package dev.sandpod.projections.support;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.springframework.data.mongodb.core.MongoTemplate;

/**
 * A real Mongo wire-protocol server in memory for projection tests: each test that asks for a {@link MongoTemplate}
 * (as a parameter of its {@code @BeforeEach} or of the test method) gets one on a server of its own, started for
 * that test and shut down after it.
 *
 * <pre>{@code
 * @ExtendWith(InMemoryMongo.class)
 * class SomeProjectionTest {
 *     @BeforeEach
 *     void setUp(MongoTemplate mongo) { ... }
 * }
 * }</pre>
 *
 * A server per test rather than one per class with the database dropped in between: it starts in milliseconds, and
 * no test can see what another left behind, whatever order they run in. The documents' declared indexes are not
 * created (the application creates them at startup); no projection here relies on one to be correct.
 */
public final class InMemoryMongo implements ParameterResolver, AfterEachCallback {

    static final String DATABASE = "sandpod-test";

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(InMemoryMongo.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == MongoTemplate.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        if (context.getTestMethod().isEmpty()) {
            throw new ParameterResolutionException(
                    "InMemoryMongo gives each test its own server: ask for the MongoTemplate in @BeforeEach or @Test");
        }
        // The same template for the @BeforeEach and the test method of one test.
        return context.getStore(NAMESPACE)
                .getOrComputeIfAbsent(Server.class, type -> new Server(), Server.class)
                .template;
    }

    /** Closed here rather than left to the store, so that it does not depend on the store's closing rules. */
    @Override
    public void afterEach(ExtensionContext context) {
        Server server = context.getStore(NAMESPACE).remove(Server.class, Server.class);
        if (server != null) {
            server.close();
        }
    }

    private static final class Server {

        private final MongoServer server = new MongoServer(new MemoryBackend());
        private final MongoClient client;
        private final MongoTemplate template;

        Server() {
            InetSocketAddress address = server.bind();
            client = MongoClients.create("mongodb://" + address.getHostString() + ":" + address.getPort());
            template = new MongoTemplate(client, DATABASE);
        }

        void close() {
            client.close();
            server.shutdownNow();
        }
    }
}

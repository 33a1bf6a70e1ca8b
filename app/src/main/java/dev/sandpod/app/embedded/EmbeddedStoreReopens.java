package dev.sandpod.app.embedded;

import dev.sandpod.embedded.mongo.EmbeddedMongoServer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The embedded store's reopenings after H2 closed it on an error ({@code EmbeddedMongoServer#onReopen}), for the
 * beans that must react: a bean of the embedded default only (an external MongoDB has no such event).
 */
public final class EmbeddedStoreReopens {

    static final String BEAN_NAME = "sandpodEmbeddedStoreReopens";

    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    EmbeddedStoreReopens(EmbeddedMongoServer server) {
        server.onReopen(this::reopened);
    }

    public void onReopen(Runnable listener) {
        listeners.add(listener);
    }

    /** Tells every listener that the store was reopened (called by the store; tests call it as the store would). */
    public void reopened() {
        listeners.forEach(Runnable::run);
    }
}

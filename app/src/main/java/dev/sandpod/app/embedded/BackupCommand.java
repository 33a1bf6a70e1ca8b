package dev.sandpod.app.embedded;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import dev.sandpod.embedded.mongo.EmbeddedMongoServer;
import dev.sandpod.embedded.mongo.index.IndexedH2Backend;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.bson.Document;

/**
 * {@code backup DIR} and {@code restore DIR} of the embedded default's data (the jar's first argument; the
 * {@code sandpod} script calls them). See "Reliability" in {@code docs/architecture.md}.
 *
 * <p>The backup is the Mongo-wire server's data file only: it holds the event store (the source of truth),
 * the read models, the processors' tokens, sagas and the persistent deadlines, all from one consistent
 * version. The Kafka log is not backed up: it only carries messages in transit, and a restore starts the
 * broker on an empty log (the old one is moved aside).
 *
 * <p>While the app runs, the backup asks the running server for H2's online backup over its loopback port
 * ({@link IndexedH2Backend#BACKUP_COMMAND}); when no app has the data file open, it copies the file under
 * H2's own file lock. A restore refuses while any process holds that lock.
 */
public final class BackupCommand {

    /** The file that marks a directory as a Sandpod backup. */
    public static final String MANIFEST = "sandpod-backup.properties";

    private BackupCommand() {}

    /** Runs {@code backup DIR} or {@code restore DIR}; returns the process exit status. */
    public static int run(String[] args, Path dataDir, PrintStream out, PrintStream err) {
        if (args.length != 2 || !(args[0].equals("backup") || args[0].equals("restore"))) {
            err.println("usage: backup DIR | restore DIR");
            return 2;
        }
        try {
            Path dir = Path.of(args[1]).toAbsolutePath().normalize();
            if (args[0].equals("backup")) {
                backup(dataDir, dir);
                out.println("Backed up " + dataDir + " to " + dir);
            } else {
                restore(dir, dataDir);
                out.println("Restored " + dir + " into " + dataDir);
            }
            return 0;
        } catch (BackupException | UncheckedIOException e) {
            err.println(args[0] + " failed: " + e.getMessage());
            return 1;
        }
    }

    /** The data directory as the app resolves it: {@code SANDPOD_DATA_DIR}, else {@code ./data}. */
    public static Path dataDir() {
        String configured = System.getProperty("sandpod.data-dir", System.getenv("SANDPOD_DATA_DIR"));
        return Path.of(configured == null || configured.isBlank() ? "./data" : configured)
                .toAbsolutePath()
                .normalize();
    }

    /** Writes a consistent copy of {@code dataDir}'s store into {@code target} (new or empty). */
    public static void backup(Path dataDir, Path target) {
        Path mongoDir = dataDir.resolve("mongo");
        Path file = mongoDir.resolve(EmbeddedMongoServer.FILE_NAME);
        if (!Files.isRegularFile(file)) {
            throw new BackupException("no Sandpod data in " + dataDir + " (no " + file + ")");
        }
        prepareEmptyDirectory(target);
        Path copy = target.resolve(EmbeddedMongoServer.FILE_NAME);
        boolean online;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            FileLock lock = tryLock(channel);
            online = lock == null;
            if (!online) {
                try (lock) {
                    Files.copy(file, copy);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (online) {
            Path zip = requestOnlineBackup(mongoDir);
            try {
                unzipDataFile(zip, copy);
            } finally {
                deleteQuietly(zip);
            }
        }
        Properties manifest = new Properties();
        manifest.setProperty("format", "1");
        manifest.setProperty("created", Instant.now().toString());
        manifest.setProperty("source", dataDir.toString());
        manifest.setProperty("online", Boolean.toString(online));
        manifest.setProperty("file", EmbeddedMongoServer.FILE_NAME);
        try (var writer = Files.newBufferedWriter(target.resolve(MANIFEST))) {
            manifest.store(writer, "Sandpod backup: restore with ./sandpod restore DIR");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Puts the backup in {@code backup} into {@code dataDir} (the app must not run on it). Whatever data was
     * there is moved aside to {@code mongo.before-restore-<time>} / {@code kafka.before-restore-<time>}.
     */
    public static void restore(Path backup, Path dataDir) {
        Path source = backup.resolve(EmbeddedMongoServer.FILE_NAME);
        if (!Files.isRegularFile(backup.resolve(MANIFEST)) || !Files.isRegularFile(source)) {
            throw new BackupException(backup + " is not a Sandpod backup (it needs " + MANIFEST + " and "
                    + EmbeddedMongoServer.FILE_NAME + ")");
        }
        Path mongoDir = dataDir.resolve("mongo");
        Path file = mongoDir.resolve(EmbeddedMongoServer.FILE_NAME);
        String suffix = ".before-restore-" + Instant.now().toString().replace(':', '-');
        try {
            if (Files.exists(file)) {
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                    FileLock lock = tryLock(channel);
                    if (lock == null) {
                        throw new BackupException(
                                "Sandpod is running on " + dataDir + "; stop it before restoring a backup");
                    }
                    lock.release();
                }
            }
            if (Files.exists(mongoDir)) {
                Files.move(mongoDir, dataDir.resolve("mongo" + suffix));
            }
            Path kafkaDir = dataDir.resolve("kafka");
            if (Files.exists(kafkaDir)) {
                Files.move(kafkaDir, dataDir.resolve("kafka" + suffix));
            }
            Files.createDirectories(mongoDir);
            Path part = mongoDir.resolve(EmbeddedMongoServer.FILE_NAME + ".part");
            Files.copy(source, part, StandardCopyOption.REPLACE_EXISTING);
            Files.move(part, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A shared lock, or null when another process (or this one) holds H2's exclusive lock on the file it
     * has open.
     */
    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock(0, Long.MAX_VALUE, true);
        } catch (OverlappingFileLockException e) {
            return null;
        }
    }

    private static Path requestOnlineBackup(Path mongoDir) {
        Path portFile = mongoDir.resolve(EmbeddedMongoServer.PORT_FILE_NAME);
        int port;
        try {
            port = Integer.parseInt(Files.readString(portFile).trim());
        } catch (IOException | NumberFormatException e) {
            throw new BackupException("the data file is in use but " + portFile
                    + " does not say where its server listens; is another process holding it?");
        }
        MongoClientSettings settings = MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString("mongodb://127.0.0.1:" + port))
                .applyToClusterSettings(cluster -> cluster.serverSelectionTimeout(10, TimeUnit.SECONDS))
                .build();
        try (MongoClient client = MongoClients.create(settings)) {
            Document answer = client.getDatabase(EmbeddedMongoServer.DATABASE)
                    .runCommand(new Document(IndexedH2Backend.BACKUP_COMMAND, 1));
            return Path.of(answer.getString("path"));
        } catch (RuntimeException e) {
            throw new BackupException("the running server on port " + port + " did not take the backup: " + e);
        }
    }

    private static void unzipDataFile(Path zip, Path target) {
        try (InputStream file = Files.newInputStream(zip);
                ZipInputStream in = new ZipInputStream(file)) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                if (!entry.isDirectory() && entry.getName().endsWith(".mv")) {
                    Files.copy(in, target);
                    return;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new BackupException("the server's backup " + zip + " holds no data file");
    }

    private static void prepareEmptyDirectory(Path target) {
        try {
            if (Files.exists(target)) {
                try (Stream<Path> entries = Files.list(target)) {
                    if (entries.findAny().isPresent()) {
                        throw new BackupException(
                                target + " is not empty; a backup goes into a new or empty directory");
                    }
                }
            }
            Files.createDirectories(target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // left in backups/ beside the data file; harmless
        }
    }

    /** A refusal or failure the operator should read as it is. */
    static final class BackupException extends RuntimeException {
        BackupException(String message) {
            super(message);
        }
    }
}

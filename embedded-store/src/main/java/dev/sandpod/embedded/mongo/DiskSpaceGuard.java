package dev.sandpod.embedded.mongo;

import de.bwaldvogel.mongo.exception.MongoServerError;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses writes while the data file's file system is nearly full (issue 20), the way MongoDB answers
 * {@code OutOfDiskSpace} (code {@value #OUT_OF_DISK_SPACE}) and Elasticsearch's flood-stage watermark makes
 * indexes read-only. H2 writes accepted changes to the file in the background: if such a write meets a full
 * disk, the store closes itself (H2's "panic") and nothing more is stored until a restart. So a write
 * command is refused before it is accepted, while less than {@code minFreeBytes} are free; reads go on, and
 * writes are accepted again as soon as space is freed, without a restart. The free space is asked of the
 * file system per write command (one {@code statvfs}, microseconds).
 */
public final class DiskSpaceGuard {

    private static final Logger log = LoggerFactory.getLogger(DiskSpaceGuard.class);

    /** MongoDB's error code for a write refused for lack of disk space. */
    public static final int OUT_OF_DISK_SPACE = 14031;

    public static final String OUT_OF_DISK_SPACE_NAME = "OutOfDiskSpace";
    /**
     * Room H2 needs beyond what clients write: its write buffer (1 MB by default), chunks of several MB,
     * the background writer's rewrites. 32 MB is a few times that.
     */
    public static final long DEFAULT_MIN_FREE_BYTES = 32L << 20;

    /** Commands that change data: refused while the disk is full. */
    private static final Set<String> WRITES =
            Set.of("insert", "update", "delete", "findandmodify", "createindexes", "create", "bulkwrite");

    private final FileStore fileSystem;
    private final Path dir;
    private final long minFreeBytes;
    private final AtomicBoolean full = new AtomicBoolean();

    private DiskSpaceGuard(FileStore fileSystem, Path dir, long minFreeBytes) {
        this.fileSystem = fileSystem;
        this.dir = dir;
        this.minFreeBytes = minFreeBytes;
    }

    /** Guards the file system that holds {@code dir}. */
    public static DiskSpaceGuard of(Path dir, long minFreeBytes) {
        try {
            return new DiskSpaceGuard(Files.getFileStore(dir), dir, minFreeBytes);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("Cannot read the file system of " + dir, e);
        }
    }

    public long minFreeBytes() {
        return minFreeBytes;
    }

    /** Throws MongoDB's {@code OutOfDiskSpace} for a write command while the disk is (nearly) full. */
    public void checkCommand(String command) {
        if (WRITES.contains(command.toLowerCase(Locale.ROOT))) {
            checkWrite();
        }
    }

    public void checkWrite() {
        long free = freeBytes();
        if (free >= minFreeBytes) {
            if (full.compareAndSet(true, false)) {
                log.warn("Disk space in {} is back ({} MB free): writes are accepted again", dir, free >> 20);
            }
            return;
        }
        String message = String.format(
                Locale.ROOT,
                "%s: the data directory's file system has %d MB free, writes need %d MB; "
                        + "free space there and writes resume by themselves",
                OUT_OF_DISK_SPACE_NAME,
                free >> 20,
                minFreeBytes >> 20);
        if (full.compareAndSet(false, true)) {
            log.error("Refusing writes: {} ({})", message, dir);
        }
        throw new MongoServerError(OUT_OF_DISK_SPACE, OUT_OF_DISK_SPACE_NAME, message);
    }

    /** Usable bytes; on a failure to ask, as if there were room (the write then fails on its own). */
    public long freeBytes() {
        try {
            return fileSystem.getUsableSpace();
        } catch (IOException e) {
            return Long.MAX_VALUE;
        }
    }
}

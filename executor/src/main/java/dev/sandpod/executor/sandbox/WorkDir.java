package dev.sandpod.executor.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runner's files on the host: {@code <workDir>/<pid>-<random>} holds the passwd and group files every run
 * sees, the seccomp program, one empty mount point shared by all runs, and one status file per run. The host side
 * only ever touches these, never a path inside a sandbox.
 */
final class WorkDir {

    private static final Logger log = LoggerFactory.getLogger(WorkDir.class);

    /** The host directory each run's own tmpfs is mounted on, inside the run's mount namespace. */
    static final String MOUNT_POINT = "mnt";

    private static final Pattern EXIT_CODE = Pattern.compile("\"exit-code\"\\s*:\\s*(-?\\d+)");
    private static final Pattern INSTANCE = Pattern.compile("(\\d+)-[a-z0-9]+");
    static final FileAttribute<Set<PosixFilePermission>> PRIVATE_FILE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    /** Others may pass through (to the runs' mount point) but never list or read. */
    private static final FileAttribute<Set<PosixFilePermission>> RUN_DIR_PERMISSIONS =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx--x--x"));

    private WorkDir() {}

    /** {@code <workDir>/<pid>-<random>}, after removing directories of executors that are gone. */
    static Path prepare(Path workDir, String instance) throws IOException {
        Files.createDirectories(workDir);
        if (Files.isSymbolicLink(workDir) || !Files.isDirectory(workDir, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("not a plain directory");
        }
        int owner = (Integer) Files.getAttribute(workDir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        if (owner != SandboxHost.effectiveUid()) {
            // A shared /tmp: another user could have planted this directory to read or redirect our files.
            throw new IOException("owned by uid " + owner + ", not by this process");
        }
        try (var children = Files.list(workDir)) {
            for (Path child : children.toList()) {
                Matcher m = INSTANCE.matcher(child.getFileName().toString());
                if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
                    log.info("removing run files of a dead executor: {}", child);
                    deleteTree(child);
                }
            }
        }
        Path dir = workDir.resolve(instance);
        Files.createDirectory(dir, RUN_DIR_PERMISSIONS);
        int uid = SandboxCommand.SANDBOX_UID;
        String passwd = "sandbox:x:" + uid + ":" + uid + ":sandbox:" + SandboxCommand.SANDBOX_HOME + ":/bin/sh\n"
                + "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n";
        String group = "sandbox:x:" + uid + ":\nnogroup:x:65534:\n";
        // Traversable by the runs' uids (bwrap binds the run's tmpfs from here), never listable; empty on the host.
        Files.createDirectory(dir.resolve(MOUNT_POINT), RUN_DIR_PERMISSIONS);
        Files.writeString(dir.resolve("passwd"), passwd, StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("group"), group, StandardCharsets.UTF_8);
        return dir;
    }

    /** The program's exit code as bwrap wrote it to the run's status file; null when it never got that far. */
    static Integer reportedExitCode(Path status) {
        try {
            Matcher m = EXIT_CODE.matcher(Files.readString(status, StandardCharsets.UTF_8));
            return m.find() ? Integer.valueOf(m.group(1)) : null;
        } catch (IOException e) {
            return null;
        }
    }

    static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("cannot remove {}: {}", file, e.toString());
        }
    }

    /** Deletes without following symbolic links (walkFileTree never does). */
    static void deleteTree(Path dir) {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) {
            log.warn("cannot remove {}: {}", dir, e.toString());
        }
    }
}

package dev.sandpod.executor.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code sandpod-launch}, the root-side links of a run's launch chain in one small program (its source,
 * {@code sandpod-launch.c}, says what it does and what it replaces). The runner compiles it with the host's C
 * compiler on start and keeps the binary in its work directory, named after a hash of the source, for the next
 * runner; without a compiler, or when compiling fails, the runner stays with the util-linux chain
 * ({@code unshare} → {@code sh} → {@code mount} → {@code setpriv}), which gives the same isolation for 4–7 ms
 * more CPU per run.
 */
final class LaunchHelper {

    private static final Logger log = LoggerFactory.getLogger(LaunchHelper.class);
    private static final String SOURCE = "sandpod-launch.c";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private LaunchHelper() {}

    /**
     * The compiled helper in {@code cacheDir} (the runner's work directory, checked to be this process's own),
     * compiled now if missing; empty (and logged) when there is no compiler or compiling fails.
     *
     * @param scratchDir this runner's own directory, for the source and the binary until it is complete
     */
    static Optional<Path> prepare(HostTools tools, Path cacheDir, Path scratchDir, Duration timeout) {
        byte[] source;
        try (InputStream in = LaunchHelper.class.getResourceAsStream(SOURCE)) {
            if (in == null) {
                log.warn("{} missing from the classpath; runs use the util-linux launch chain", SOURCE);
                return Optional.empty();
            }
            source = in.readAllBytes();
        } catch (IOException e) {
            log.warn("cannot read {}: {}; runs use the util-linux launch chain", SOURCE, e.toString());
            return Optional.empty();
        }
        Path binary = cacheDir.resolve("sandpod-launch-" + sha256(source).substring(0, 16));
        if (trusted(binary)) {
            return Optional.of(binary);
        }
        Optional<Path> compiler = tools.find("cc").or(() -> tools.find("gcc"));
        if (compiler.isEmpty()) {
            log.info("no C compiler (cc, gcc) in the tools path: runs use the util-linux launch chain "
                    + "(4–7 ms more CPU per run)");
            return Optional.empty();
        }
        Path src = scratchDir.resolve(SOURCE);
        Path out = scratchDir.resolve("sandpod-launch.tmp");
        try {
            Files.write(src, source);
            ProcessBuilder pb = new ProcessBuilder(
                            compiler.get().toString(), "-O2", "-Wall", "-o", out.toString(), src.toString())
                    .redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().clear();
            pb.environment().put("PATH", tools.path());
            pb.environment().put("LC_ALL", "C");
            Process p = pb.start();
            String output = new String(p.getInputStream().readNBytes(16 * 1024), StandardCharsets.UTF_8);
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                log.warn("compiling {} took longer than {}; runs use the util-linux launch chain", SOURCE, timeout);
                return Optional.empty();
            }
            if (p.exitValue() != 0 || !Files.isRegularFile(out, LinkOption.NOFOLLOW_LINKS)) {
                log.warn(
                        "compiling {} failed (exit {}): {}; runs use the util-linux launch chain",
                        SOURCE,
                        p.exitValue(),
                        output.trim());
                return Optional.empty();
            }
            Files.setPosixFilePermissions(out, OWNER_ONLY);
            // Another runner may be compiling the same source: the rename is atomic and the contents equal.
            Files.move(out, binary, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            if (!trusted(binary)) {
                log.warn(
                        "{} is not a private file of this user after compiling; runs use the util-linux chain", binary);
                return Optional.empty();
            }
            return Optional.of(binary);
        } catch (IOException e) {
            log.warn("cannot compile {}: {}; runs use the util-linux launch chain", SOURCE, e.toString());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } finally {
            deleteQuietly(src);
            deleteQuietly(out);
        }
    }

    /**
     * It runs as root, so only a regular file of this process's user that nobody else can write is taken (the work
     * directory itself is checked the same way before).
     */
    private static boolean trusted(Path binary) {
        try {
            PosixFileAttributes a = Files.readAttributes(binary, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            int owner = (Integer) Files.getAttribute(binary, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            return a.isRegularFile()
                    && owner == SandboxHost.effectiveUid()
                    && a.permissions().equals(OWNER_ONLY);
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            log.debug("cannot remove {}: {}", p, e.toString());
        }
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The helper's arguments before the cgroup procs files, in its order (see the source's usage line). */
    static List<String> arguments(
            Path helper,
            Path status,
            Path passwd,
            Path group,
            String seccomp,
            Path mountPoint,
            String tmpfsOptions,
            int uid,
            String rlimits) {
        return List.of(
                helper.toString(),
                status.toString(),
                passwd.toString(),
                group.toString(),
                seccomp,
                mountPoint.toString(),
                tmpfsOptions,
                Integer.toString(uid),
                rlimits);
    }
}

package dev.sandpod.executor.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The host directories every sandbox sees read-only, as bwrap arguments; looked up once when the runner starts. */
final class ReadOnlyBinds {

    private static final Logger log = LoggerFactory.getLogger(ReadOnlyBinds.class);

    private ReadOnlyBinds() {}

    /**
     * Read-only binds at the same path; merged-/usr links (/bin → usr/bin) are recreated as links, and so is a bind
     * that is a symbolic link into another bound directory (/etc/localtime → /usr/share/zoneinfo/...): bwrap
     * creates a link in its root tmpfs without a mount, while every bind is a mount and a remount that each re-read
     * the mount table. Decided when the runner starts, like which binds exist.
     */
    static List<String> arguments(List<String> binds) {
        List<String> args = new ArrayList<>();
        List<Path> boundDirs = new ArrayList<>();
        for (String bind : binds) {
            Path p = Path.of(bind);
            if (!Files.isSymbolicLink(p) && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                boundDirs.add(p.normalize());
            }
        }
        for (String bind : binds) {
            Path p = Path.of(bind);
            if (!Files.exists(p)) {
                continue;
            }
            Optional<String> link = linkIntoBound(p, boundDirs);
            if (link.isPresent()) {
                args.addAll(List.of("--symlink", link.get(), bind));
            } else {
                args.addAll(List.of("--ro-bind-try", bind, bind));
            }
        }
        for (String top : List.of("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")) {
            Path p = Path.of(top);
            try {
                if (Files.isSymbolicLink(p)) {
                    args.addAll(List.of("--symlink", Files.readSymbolicLink(p).toString(), top));
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    args.addAll(List.of("--ro-bind", top, top));
                }
            } catch (IOException e) {
                log.debug("skipping {}: {}", top, e.toString());
            }
        }
        return List.copyOf(args);
    }

    /**
     * The target of {@code path} when it is a symbolic link whose target, as written and fully resolved on the
     * host, lies in one of the bound directories: the same link inside the sandbox then shows the same file.
     */
    private static Optional<String> linkIntoBound(Path path, List<Path> boundDirs) {
        try {
            if (!Files.isSymbolicLink(path)) {
                return Optional.empty();
            }
            Path target = Files.readSymbolicLink(path);
            Path lexical = path.getParent() == null
                    ? target
                    : path.getParent().resolve(target).normalize();
            Path real = path.toRealPath();
            for (Path dir : boundDirs) {
                if (lexical.startsWith(dir) && real.startsWith(dir.toRealPath())) {
                    return Optional.of(target.toString());
                }
            }
        } catch (IOException | RuntimeException e) {
            log.debug("binding {} instead of linking it: {}", path, e.toString());
        }
        return Optional.empty();
    }
}

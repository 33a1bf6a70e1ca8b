package dev.sandpod.executor.sandbox.cgroup;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which cgroup controls this host grants the runner, detected rather than assumed: a pure v2 host, a hybrid
 * host (v1 controllers plus a v2 hierarchy without them, as here) and a host without writable cgroups all
 * occur. Each control is taken from v2 when v2 delegates it, else from v1, else it is missing and the runner
 * falls back to rlimits. Every group lives under {@code <mount>/<parent>/<pid>-<random>} so several
 * executors on one host never touch each other's groups, and groups of a dead executor are reaped at start.
 */
public final class CgroupSupport implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CgroupSupport.class);
    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");
    private static final Pattern INSTANCE = Pattern.compile("(\\d+)-[a-z0-9]+");

    private final Map<Controller, Hierarchy> assignment;
    private final List<Hierarchy> used;
    private final Hierarchy killer;

    private CgroupSupport(Map<Controller, Hierarchy> assignment, List<Hierarchy> used, Hierarchy killer) {
        this.assignment = assignment;
        this.used = used;
        this.killer = killer;
    }

    public static CgroupSupport none() {
        return new CgroupSupport(Map.of(), List.of(), null);
    }

    /**
     * @param allowV2 whether the v2 hierarchy may be used
     * @param allowV1 whether v1 hierarchies may be used
     */
    public static CgroupSupport detect(boolean allowV2, boolean allowV1, String parent, String instance) {
        List<Mount> mounts = mounts();
        List<Hierarchy> candidates = new ArrayList<>();
        if (allowV2) {
            mounts.stream()
                    .filter(m -> m.fsType().equals("cgroup2"))
                    .findFirst()
                    .map(m -> prepareV2(m.path(), parent, instance))
                    .ifPresent(candidates::add);
        }
        if (allowV1) {
            for (Mount m : mounts) {
                if (!m.fsType().equals("cgroup")) {
                    continue;
                }
                Set<Controller> controllers = EnumSet.noneOf(Controller.class);
                for (Controller c : Controller.values()) {
                    if (m.superOptions().contains(c.v1Name())) {
                        controllers.add(c);
                    }
                }
                if (!controllers.isEmpty()) {
                    Hierarchy h = prepare(1, m.path(), parent, instance, controllers, false);
                    if (h != null) {
                        candidates.add(h);
                    }
                }
            }
        }
        Map<Controller, Hierarchy> assignment = new EnumMap<>(Controller.class);
        for (Controller c : Controller.values()) {
            candidates.stream()
                    .filter(h -> h.controllers().contains(c))
                    .findFirst()
                    .ifPresent(h -> assignment.put(c, h));
        }
        Hierarchy killer =
                candidates.stream().filter(Hierarchy::canKill).findFirst().orElse(null);
        Set<Hierarchy> used = new LinkedHashSet<>(assignment.values());
        if (killer != null) {
            used.add(killer);
        }
        for (Hierarchy h : candidates) {
            if (!used.contains(h)) {
                removeQuietly(h.instanceDir());
            }
        }
        return new CgroupSupport(assignment, List.copyOf(used), killer);
    }

    /** The hierarchy label enforcing {@code controller} (e.g. {@code cgroup v1}), or null. */
    public String source(Controller controller) {
        Hierarchy h = assignment.get(controller);
        return h == null ? null : h.label();
    }

    public boolean enforces(Controller controller) {
        return assignment.containsKey(controller);
    }

    public boolean active() {
        return !used.isEmpty();
    }

    /** The directories of this executor instance, one per used hierarchy; run groups are created below them. */
    public List<Path> instanceDirs() {
        return used.stream().map(Hierarchy::instanceDir).toList();
    }

    /** How the whole group is killed: atomically through v2 {@code cgroup.kill}, else by listing and killing. */
    public String killMethod() {
        if (killer != null) {
            return killer.label() + " cgroup.kill";
        }
        return used.isEmpty() ? null : used.get(0).label() + " cgroup.procs";
    }

    /** Creates the group of one run with its limits; the caller must {@link RunCgroup#remove()} it. */
    public RunCgroup create(String name, long memoryBytes, int pids, int cpuMillis) throws IOException {
        Map<Hierarchy, Path> dirs = new LinkedHashMap<>();
        try {
            for (Hierarchy h : used) {
                Path dir = h.instanceDir().resolve(name);
                Files.createDirectory(dir);
                dirs.put(h, dir);
            }
            RunCgroup group = new RunCgroup(dirs, assignment, killer);
            group.applyLimits(memoryBytes, pids, cpuMillis);
            return group;
        } catch (IOException | RuntimeException e) {
            new RunCgroup(dirs, assignment, killer).remove();
            throw e;
        }
    }

    @Override
    public void close() {
        for (Hierarchy h : used) {
            reapTree(h.instanceDir());
        }
    }

    private static Hierarchy prepareV2(Path mount, String parent, String instance) {
        Set<String> wanted = Set.of("memory", "pids", "cpu");
        Set<String> available = words(CgroupFiles.read(mount.resolve("cgroup.controllers")));
        Path parentDir = mount.resolve(parent);
        Path instanceDir = parentDir.resolve(instance);
        // Delegation must be switched on at every level down to the instance; each write may be refused
        // (e.g. a cgroup namespace root that holds processes) and then that controller stays off.
        for (Path level : List.of(mount, parentDir, instanceDir)) {
            if (!level.equals(mount) && !mkdirs(level)) {
                return null;
            }
            for (String c : wanted) {
                if (available.contains(c)) {
                    CgroupFiles.tryWrite(level.resolve("cgroup.subtree_control"), "+" + c);
                }
            }
            if (level.equals(parentDir)) {
                reapStale(parentDir);
            }
        }
        if (words(CgroupFiles.read(mount.resolve(parent).resolve("cgroup.controllers")))
                .contains("cpu")) {
            lowerWeight(parentDir.resolve("cpu.weight"), "100", V2_SANDBOX_WEIGHT);
        }
        Set<String> delegated = words(CgroupFiles.read(instanceDir.resolve("cgroup.subtree_control")));
        Set<Controller> controllers = EnumSet.noneOf(Controller.class);
        if (delegated.contains("memory")) {
            controllers.add(Controller.MEMORY);
        }
        if (delegated.contains("pids")) {
            controllers.add(Controller.PIDS);
        }
        if (delegated.contains("cpu")) {
            controllers.add(Controller.CPU);
        }
        // cpu.stat (usage_usec) is a core file of every v2 group, with or without the cpu controller.
        controllers.add(Controller.CPUACCT);
        boolean canKill = Files.exists(instanceDir.resolve("cgroup.kill"));
        return new Hierarchy(2, mount, instanceDir, controllers, canKill);
    }

    private static Hierarchy prepare(
            int version, Path mount, String parent, String instance, Set<Controller> controllers, boolean canKill) {
        Path parentDir = mount.resolve(parent);
        if (!mkdirs(parentDir)) {
            return null;
        }
        reapStale(parentDir);
        if (controllers.contains(Controller.CPU)) {
            lowerWeight(parentDir.resolve("cpu.shares"), "1024", V1_SANDBOX_SHARES);
        }
        Path instanceDir = parentDir.resolve(instance);
        if (!mkdirs(instanceDir)) {
            return null;
        }
        return new Hierarchy(version, mount, instanceDir, controllers, canKill);
    }

    /**
     * All sandboxes of the host together weigh less on the CPU scheduler than one busy thread of the platform (the
     * JVM and its broker stay in their own group, at the default weight): under hostile load the platform's own
     * threads (HTTP, command handling, Kafka, the runner's output pumps) keep their share, and a short run still
     * gets ahead of long ones inside the sandboxes' share through its start-up boost ({@link RunCgroup}). On an idle
     * host the weight costs nothing (weights only divide contended CPU). Only a parent left at the kernel's
     * default is lowered, so an operator's own setting (e.g. a benchmark's priority group) stays.
     */
    static final int V1_SANDBOX_SHARES = 256;

    static final int V2_SANDBOX_WEIGHT = 25;

    private static void lowerWeight(Path file, String kernelDefault, int weight) {
        if (CgroupFiles.read(file).trim().equals(kernelDefault)) {
            CgroupFiles.tryWrite(file, Integer.toString(weight));
        }
    }

    private static boolean mkdirs(Path dir) {
        try {
            Files.createDirectories(dir);
            return true;
        } catch (IOException e) {
            log.debug("cannot create cgroup {}: {}", dir, e.toString());
            return false;
        }
    }

    /** Groups of executors whose process is gone are left over from a crash: kill what is in them, remove them. */
    private static void reapStale(Path parentDir) {
        try (DirectoryStream<Path> children = Files.newDirectoryStream(parentDir, Files::isDirectory)) {
            for (Path child : children) {
                Matcher m = INSTANCE.matcher(child.getFileName().toString());
                if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
                    log.info("removing cgroups of a dead executor: {}", child);
                    reapTree(child);
                }
            }
        } catch (IOException e) {
            log.debug("cannot list {}: {}", parentDir, e.toString());
        }
    }

    private static void reapTree(Path instanceDir) {
        try (DirectoryStream<Path> runs = Files.newDirectoryStream(instanceDir, Files::isDirectory)) {
            for (Path run : runs) {
                RunCgroup.reap(run);
            }
        } catch (IOException e) {
            log.debug("cannot list {}: {}", instanceDir, e.toString());
        }
        removeQuietly(instanceDir);
    }

    static void removeQuietly(Path dir) {
        try {
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            log.debug("cannot remove cgroup {}: {}", dir, e.toString());
        }
    }

    private static Set<String> words(String text) {
        Set<String> words = new LinkedHashSet<>();
        for (String w : text.trim().split("\\s+")) {
            if (!w.isEmpty()) {
                words.add(w);
            }
        }
        return words;
    }

    private record Mount(Path path, String fsType, Set<String> superOptions) {}

    private static List<Mount> mounts() {
        List<Mount> mounts = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(MOUNTINFO)) {
                int dash = line.indexOf(" - ");
                if (dash < 0) {
                    continue;
                }
                String[] left = line.substring(0, dash).split(" ");
                String[] right = line.substring(dash + 3).split(" ");
                if (left.length < 5 || right.length < 3) {
                    continue;
                }
                mounts.add(new Mount(Path.of(left[4].replace("\\040", " ")), right[0], Set.of(right[2].split(","))));
            }
        } catch (IOException e) {
            log.debug("cannot read {}: {}", MOUNTINFO, e.toString());
        }
        return mounts;
    }
}

package dev.sandpod.executor.sandbox.cgroup;

import java.nio.file.Path;
import java.util.Set;

/**
 * One mounted cgroup hierarchy and the directory this executor instance owns in it.
 *
 * @param instanceDir {@code <mount>/<parent>/<pid>-<random>}: run groups are created below it
 * @param controllers what a run group in it can control (for v2: what the instance dir delegates)
 * @param canKill     v2 {@code cgroup.kill} exists: one write kills the whole group atomically
 */
record Hierarchy(int version, Path mount, Path instanceDir, Set<Controller> controllers, boolean canKill) {

    String label() {
        return "cgroup v" + version;
    }
}

#!/usr/bin/env bash
# Fast-path benchmark (issue 21). Not a test: prints numbers side by side with the bare-sandbox floor and the
# machine's load, asserts nothing, appends the table to bench/fastpath/RESULTS.md. See README.md here.
#   bench/fastpath/run.sh [--build] [--priority] [--runs 200] [--seconds 10] [--read-seconds 10] [--rss-runs 2000]
#                         [--langs python,bash] [--label text] [--jar path]
set -euo pipefail
cd "$(dirname "$0")/../.."
build=no
priority=no
args=()
for arg in "$@"; do
  case "$arg" in
    --build) build=yes ;;
    --priority) priority=yes ;;
    *) args+=("$arg") ;;
  esac
done
if [ "$build" = yes ] || [ ! -f app/target/sandpod.jar ]; then
  # The jar only; no tests, no npm (frontend/dist must exist, as after any full build).
  mvn -o -B -ntp -q -pl app -am package -DskipTests -Dexec.skip=true -Dfrontend.npm.install.skip=true \
      -Dfrontend.test.skip=true
fi
command -v bwrap >/dev/null || { echo "needs bubblewrap (apt-get install bubblewrap)" >&2; exit 1; }
command -v wrk >/dev/null || apt-get install -y -q wrk >/dev/null
# The JVM options `./sandpod run` gives the app (its app_java_opts: heap bound, VFORK below JDK 25), unless
# SANDPOD_BENCH_JAVA_OPTS says otherwise.
if [ -z "${SANDPOD_BENCH_JAVA_OPTS:-}" ]; then
  eval "$(sed -n '/^app_java_opts() {/,/^}/p' sandpod)"
  SANDPOD_BENCH_JAVA_OPTS="$(app_java_opts | tr '\n' ' ')"
  export SANDPOD_BENCH_JAVA_OPTS
fi
if [ "$priority" = yes ]; then
  # As bench/sandbox --priority: the benchmark, the app, the floor's sandboxes and the app's sandboxes (their run
  # cgroups go under this one: cgroup-parent) get the highest CPU weight, so other load on a shared machine disturbs
  # both columns less. The group stays behind (rmdir it when done).
  if [ -d /sys/fs/cgroup/cpu ] && [ ! -e /sys/fs/cgroup/cgroup.subtree_control ]; then
    mkdir -p /sys/fs/cgroup/cpu/sandpod-fastpath
    echo 262144 > /sys/fs/cgroup/cpu/sandpod-fastpath/cpu.shares
    echo $$ > /sys/fs/cgroup/cpu/sandpod-fastpath/cgroup.procs
  elif [ -e /sys/fs/cgroup/cgroup.subtree_control ]; then
    mkdir -p /sys/fs/cgroup/sandpod-fastpath
    echo 10000 > /sys/fs/cgroup/sandpod-fastpath/cpu.weight 2>/dev/null || true
    echo $$ > /sys/fs/cgroup/sandpod-fastpath/cgroup.procs
  fi
  args+=("--label-suffix=(--priority)")
  export SANDPOD_BENCH_JAVA_OPTS="${SANDPOD_BENCH_JAVA_OPTS:-} -Dsandpod.executor.sandbox.cgroup-parent=sandpod-fastpath"
fi
exec python3 bench/fastpath/fastpath.py "${args[@]}"

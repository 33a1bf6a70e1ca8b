#!/usr/bin/env bash
# Sandbox overhead benchmark (issue 4). Not a test: prints numbers, asserts nothing. See README.md here.
#   bench/sandbox/run.sh [--priority] [--vfork | --jdk-launch] [--util-linux] [--runs 100] [--seconds 10] [--pool N]
# Compiles the executor module (offline when the local repository has everything), then runs SandboxBench
# with the module's runtime classpath as root (the local runner's per-run uids and cgroups need it).
# --priority: run the benchmark JVM, the bare processes and the sandboxes' cgroups under a cgroup with the
# highest CPU weight, so that other load on a shared machine disturbs the measurement less.
# Process launch: like `./sandpod run`, the JVM starts processes with vfork on JDK < 25 (one exec less per run
# than posix_spawn + jspawnhelper). --jdk-launch keeps the JDK's default instead, to compare; --vfork asks for
# vfork on any JDK.
# --util-linux: the runner launches with unshare, sh, mount and setpriv even when it could compile its helper.
# --pool N: pre-started sandboxes per run shape (0: every run starts cold; default: the runner's default).
set -euo pipefail
cd "$(dirname "$0")/../.."
props=()
if [ "${1:-}" = --priority ]; then
  shift
  if [ -d /sys/fs/cgroup/cpu ] && [ ! -e /sys/fs/cgroup/cgroup.subtree_control ]; then
    mkdir -p /sys/fs/cgroup/cpu/sandpod-bench
    echo 262144 > /sys/fs/cgroup/cpu/sandpod-bench/cpu.shares
    echo $$ > /sys/fs/cgroup/cpu/sandpod-bench/cgroup.procs
  elif [ -e /sys/fs/cgroup/cgroup.subtree_control ]; then
    mkdir -p /sys/fs/cgroup/sandpod-bench
    echo 10000 > /sys/fs/cgroup/sandpod-bench/cpu.weight 2>/dev/null || true
    echo $$ > /sys/fs/cgroup/sandpod-bench/cgroup.procs
  fi
  props+=(-Dsandpod.bench.cgroup-parent=sandpod-bench)
  echo "priority: benchmark and its sandboxes run under cgroup sandpod-bench with the highest CPU weight"
fi
launch=auto
while [ "${1:-}" = --vfork ] || [ "${1:-}" = --jdk-launch ] || [ "${1:-}" = --util-linux ]; do
  case "$1" in
    --vfork) launch=vfork ;;
    --jdk-launch) launch=jdk ;;
    --util-linux) props+=(-Dsandpod.bench.launcher=util-linux) ;;
  esac
  shift
done
if [ "$launch" = auto ]; then
  # The same choice as the sandpod script's app_java_opts: VFORK below JDK 25 (deprecated there, JDK-8357179).
  version=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
  if [ -n "$version" ] && [ "${version%%.*}" -lt 25 ]; then
    launch=vfork
  fi
fi
if [ "$launch" = vfork ]; then
  props+=(-Djdk.lang.Process.launchMechanism=VFORK)
  echo "process launch: VFORK (as ./sandpod run starts the app; --jdk-launch for the JDK's default)"
else
  echo "process launch: the JDK's default"
fi
mvn -B -q -o -pl executor compile dependency:build-classpath -Dmdep.includeScope=runtime \
    -Dmdep.outputFile=target/bench-classpath.txt >/dev/null 2>&1 \
  || mvn -B -q -pl executor compile dependency:build-classpath -Dmdep.includeScope=runtime \
    -Dmdep.outputFile=target/bench-classpath.txt
# Compiled ahead, not run as a single-file source program: the source launcher's compiler keeps every classpath jar
# open (377 fds instead of 212 here), and the JDK's spawn walks and closes all of the JVM's fds in each child,
# ~7 us each per run. The app has no such compiler in it.
cp="executor/target/classes:$(cat executor/target/bench-classpath.txt)"
mkdir -p executor/target/bench-classes
javac -nowarn -d executor/target/bench-classes -cp "$cp" bench/sandbox/SandboxBench.java
exec java "${props[@]}" -cp "executor/target/bench-classes:$cp" SandboxBench "$@"

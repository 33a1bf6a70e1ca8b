#!/usr/bin/env bash
# Sandbox overhead benchmark (issue 4). Not a test: prints numbers, asserts nothing.
#   bench/sandbox/run.sh [--runs 100] [--seconds 10]
# Compiles the executor module (offline when the local repository has everything), then runs SandboxBench
# with the module's runtime classpath as root (the local runner's per-run uids and cgroups need it).
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -B -q -o -pl executor compile dependency:build-classpath -Dmdep.includeScope=runtime \
    -Dmdep.outputFile=target/bench-classpath.txt >/dev/null 2>&1 \
  || mvn -B -q -pl executor compile dependency:build-classpath -Dmdep.includeScope=runtime \
    -Dmdep.outputFile=target/bench-classpath.txt
exec java -cp "executor/target/classes:$(cat executor/target/bench-classpath.txt)" \
    bench/sandbox/SandboxBench.java "$@"

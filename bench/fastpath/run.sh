#!/usr/bin/env bash
# Fast-path benchmark (issue 21). Not a test: prints numbers side by side with the bare-sandbox floor and the
# machine's load, asserts nothing, appends the table to bench/fastpath/RESULTS.md. See README.md here.
#   bench/fastpath/run.sh [--build] [--runs 200] [--seconds 10] [--read-seconds 10] [--rss-runs 2000]
#                         [--langs python,bash] [--label text] [--jar path]
set -euo pipefail
cd "$(dirname "$0")/../.."
build=no
args=()
for arg in "$@"; do
  if [ "$arg" = --build ]; then build=yes; else args+=("$arg"); fi
done
if [ "$build" = yes ] || [ ! -f app/target/sandpod.jar ]; then
  # The jar only; no tests, no npm (frontend/dist must exist, as after any full build).
  mvn -o -B -ntp -q -pl app -am package -DskipTests -Dexec.skip=true -Dfrontend.npm.install.skip=true \
      -Dfrontend.test.skip=true
fi
command -v bwrap >/dev/null || { echo "needs bubblewrap (apt-get install bubblewrap)" >&2; exit 1; }
command -v wrk >/dev/null || apt-get install -y -q wrk >/dev/null
# The JVM options `./sandpod run` gives the app: VFORK below JDK 25 (see app_java_opts in ./sandpod).
version=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
if [ -z "${SANDPOD_BENCH_JAVA_OPTS:-}" ] && [ -n "$version" ] && [ "${version%%.*}" -lt 25 ]; then
  export SANDPOD_BENCH_JAVA_OPTS="-Djdk.lang.Process.launchMechanism=VFORK"
fi
exec python3 bench/fastpath/fastpath.py "${args[@]}"

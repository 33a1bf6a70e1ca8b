#!/usr/bin/env bash
# Operations benchmark (issue 15): lag of every processor under real runs, then a rebuild of the executions
# read model over 100 000 events through the admin API. Not a test: prints numbers, asserts nothing.
#   bench/operations/run.sh [--events 100000] [--runs-per-minute 200] [--lag-seconds 60] [--users 40]
#                           [--sample-ms 250] [-D<spring.property>=<value> ...]
# Compiles the app module and the modules it depends on (offline; the frontend jar comes from the local
# repository), snapshots their classes and the project's own jars (so that builds running meanwhile cannot
# change them under the benchmark), compiles the bench source against that classpath and runs
# OperationsBench. JAVA_OPTS overrides the JVM options.
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -B -q -o -pl 'app,!frontend' -am test-compile dependency:build-classpath -Dmaven.test.skip=true \
    -Dmdep.includeScope=runtime -Dmdep.outputFile=target/bench-classpath.txt
RUN=bench/operations/target/run-$$
mkdir -p "$RUN/lib"
cp -r app/target/classes "$RUN/app-classes"
CP="$RUN/app-classes"
IFS=: read -ra ENTRIES < app/target/bench-classpath.txt || true
for entry in "${ENTRIES[@]}"; do
  case "$entry" in
    */dev/sandpod/*) cp "$entry" "$RUN/lib/" && CP="$CP:$RUN/lib/$(basename "$entry")" ;;
    "$PWD"/*/target/classes)
      module=$(basename "$(dirname "$(dirname "$entry")")")
      cp -r "$entry" "$RUN/$module-classes" && CP="$CP:$RUN/$module-classes" ;;
    *) CP="$CP:$entry" ;;
  esac
done
mkdir -p "$RUN/classes"
javac -nowarn -d "$RUN/classes" -cp "$CP" -parameters $(find bench/operations/src -name '*.java')
trap 'rm -rf "$RUN"' EXIT
echo "machine: $(nproc) cores; $(uptime)"
java ${JAVA_OPTS:--Xmx1g} -Daxoniq.update-checker.disabled=true -cp "$RUN/classes:$CP" \
    bench.operations.OperationsBench "$@"

#!/usr/bin/env bash
# Embedded store benchmark (issue 9). Not a test: prints numbers, asserts nothing.
#   bench/store/run.sh [--phases axon,query] [--events 100000] [--aggregates 1000] [--writers 4]
#                      [--rate 500] [--live-seconds 60] [--burst-seconds 15] [--executions 100000]
#                      [--user-executions 1000] [--requests 200] [--timeout 300] [--label text]
#                      [-D<spring.property>=<value> ...]
# Compiles the app module (offline), compiles the bench sources against its runtime classpath into
# bench/store/target and runs StoreBench. JAVA_OPTS overrides the JVM options (default -Xmx1g).
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -B -q -o -pl app compile dependency:build-classpath -Dmdep.includeScope=runtime \
    -Dmdep.outputFile=target/bench-classpath.txt
CP="app/target/classes:$(cat app/target/bench-classpath.txt)"
OUT=bench/store/target/classes
rm -rf "$OUT" && mkdir -p "$OUT"
javac -nowarn -d "$OUT" -cp "$CP" -parameters $(find bench/store/src -name '*.java')
exec java ${JAVA_OPTS:--Xmx1g} -Daxoniq.update-checker.disabled=true -cp "$OUT:$CP" \
    bench.store.StoreBench "$@"

#!/usr/bin/env bash
# Audit benchmark (issue 14). Not a test: prints numbers, asserts nothing.
#   bench/audit/run.sh [--events 100000] [--requests 50]
# Compiles the app module and the modules it depends on (offline; the frontend jar comes from the local
# repository), snapshots their classes and the project's own jars (so that builds running meanwhile
# cannot change them under the benchmark), compiles the bench sources against that classpath into
# bench/audit/target and runs AuditBench. JAVA_OPTS overrides the JVM options.
set -euo pipefail
cd "$(dirname "$0")/../.."
# Up to test-compile, with tests skipped: build-classpath resolves test scope too, and only from that phase
# on does the reactor resolve embedded-store's test-jar (test fixtures of the store modules' tests).
mvn -B -q -o -pl 'app,!frontend' -am test-compile dependency:build-classpath -Dmaven.test.skip=true \
    -Dmdep.includeScope=runtime -Dmdep.outputFile=target/bench-classpath.txt
RUN=bench/audit/target/run-$$
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
javac -nowarn -d "$RUN/classes" -cp "$CP" -parameters $(find bench/audit/src -name '*.java')
trap 'rm -rf "$RUN"' EXIT
java ${JAVA_OPTS:--Xmx512m} -Daxoniq.update-checker.disabled=true -cp "$RUN/classes:$CP" \
    bench.audit.AuditBench "$@"

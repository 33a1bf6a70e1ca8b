#!/usr/bin/env bash
# Runs the executor's hostile suites (HostileInputsTest, HostileSecondSetTest) N times in a row and counts the
# rounds that failed, and among them those that found processes of a run left over ("processes of sandbox uids").
# Issue 20 item 8: the suites must pass 20 times in a row. Run as root (the local runner needs it), alone
# on a shared machine: bench/hostile-load/suite-loop.sh [N=20]
set -uo pipefail
cd "$(dirname "$0")/../.."
n="${1:-20}"
log_dir="$(mktemp -d /tmp/sandpod-hostile-loop-XXXXXX)"
failed=0
leftover=0
echo "hostile suites x$n, logs in $log_dir; load: $(cut -d' ' -f1-3 /proc/loadavg)"
# Compile once; each round then only runs the two classes.
mvn -o -B -ntp -q -pl executor -am test-compile -Dexec.skip=true >"$log_dir/compile.log" 2>&1 || {
  echo "compile failed, see $log_dir/compile.log"; exit 1; }
for i in $(seq 1 "$n"); do
  started=$(date +%s)
  if mvn -o -B -ntp -pl executor test -Dtest='HostileInputsTest,HostileSecondSetTest' \
      -Dsurefire.failIfNoSpecifiedTests=false -Dexec.skip=true >"$log_dir/round-$i.log" 2>&1; then
    result=pass
  else
    result=FAIL
    failed=$((failed + 1))
    if grep -q "processes of sandbox uids" "$log_dir/round-$i.log" executor/target/surefire-reports/*Hostile*.txt 2>/dev/null; then
      leftover=$((leftover + 1))
      result="FAIL (leftover processes)"
    fi
    cp -r executor/target/surefire-reports "$log_dir/reports-$i" 2>/dev/null
  fi
  if ! grep -q "Tests run:" "$log_dir/round-$i.log"; then
    echo "round $i: no tests ran (build failure?), see $log_dir/round-$i.log"; exit 2
  fi
  tests=$(grep -ho 'Tests run: [0-9]*, Failures: [0-9]*, Errors: [0-9]*, Skipped: [0-9]*' "$log_dir/round-$i.log" | tail -1)
  echo "round $i: $result in $(( $(date +%s) - started )) s ($tests), load $(cut -d' ' -f1-3 /proc/loadavg)"
done
echo "hostile suites: $((n - failed))/$n rounds passed, $leftover with leftover processes, $failed failed"
[ "$failed" -eq 0 ]

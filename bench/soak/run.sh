#!/usr/bin/env bash
# Issue 20 item 5: N runs (default 10 000) over python, bash, node, ruby and go with a hostile sample, 4 clients,
# against the built jar; prints runs/s, p50/p99, errors and resources before/after. Asserts nothing. As root:
#   bench/soak/run.sh [--runs N] [--clients 4] [--jar app/target/sandpod.jar] [--label text]
# The jar is built when missing (offline, no tests; frontend/dist must exist). See bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec python3 bench/soak/soak.py "$@"

#!/usr/bin/env bash
# Issue 20 item 8 benchmark: print('ok') end to end and API read latency, unloaded and beside 9 hostile runs.
# Prints figures beside `uptime`, asserts nothing. Run as root (the local runner needs it):
#   bench/hostile-load/run.sh [--jar app/target/sandpod.jar] [--ok-runs 20] [--label text]
# The jar is built when missing (offline, no tests; frontend/dist must exist). See bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec python3 bench/hostile-load/hostile_load.py "$@"

#!/usr/bin/env bash
# Issue 20 item 6: 500 concurrent SSE streams (400 execution, 100 notification) while 10 runs/s complete; prints
# frame delays, missed frames and 5xx beside `uptime`. Asserts nothing. As root:
#   bench/sse-load/run.sh [--seconds 60] [--exec-streams 400] [--notif-streams 100] [--rate 10] [--jar path]
# The jar is built when missing (offline, no tests; frontend/dist must exist). See bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
ulimit -n 65536 2>/dev/null || true
exec python3 bench/sse-load/sse_load.py "$@"

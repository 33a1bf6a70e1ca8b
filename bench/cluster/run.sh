#!/usr/bin/env bash
# Capacity figures of the scale-out topology (infra/README.md, "Capacity"): starts `./sandpod cluster` in a
# scratch directory on free ports with rate limits off (the bench is one client sending many runs) and a metrics
# scrape token, runs cluster_bench.py against it, prints `uptime`, and stops exactly that cluster.
#   bench/cluster/run.sh [--runs N] [--users N] [--streams N]
set -euo pipefail
cd "$(dirname "$0")/../.."
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
export SANDPOD_CLUSTER_DIR=${SANDPOD_CLUSTER_DIR:-$(mktemp -d /tmp/sandpod-cluster-bench.XXXXXX)}
# two consecutive free ports for the API instances, one for the executor
while :; do
  port=$(free_port)
  python3 -c "import socket,sys; [socket.socket().bind(('127.0.0.1', p)) for p in (int(sys.argv[1])+1, int(sys.argv[1])+2)]" "$port" 2>/dev/null && break
done
export SANDPOD_CLUSTER_PORT=$port SANDPOD_CLUSTER_KAFKA_PORT=$(free_port) SANDPOD_CLUSTER_MONGO_PORT=$(free_port) \
  SANDPOD_CLUSTER_REDIS_PORT=$(free_port)
export SANDPOD_RATE_LIMIT_ENABLED=false SANDPOD_METRICS_SCRAPE_TOKEN=bench-cluster-scrape-token-0123456789
echo "uptime before: $(uptime)"
trap './sandpod cluster stop' EXIT
./sandpod cluster
python3 bench/cluster/cluster_bench.py --dir "$SANDPOD_CLUSTER_DIR" --api1 "$port" --api2 $((port + 1)) \
  --token "$SANDPOD_METRICS_SCRAPE_TOKEN" "$@"
echo "uptime after: $(uptime)"
echo "nproc: $(nproc)"

#!/usr/bin/env bash
# `./sandpod cluster` and `./sandpod cluster stop`: a real scale-out topology on one machine, for trying and
# measuring (infra/README.md, "Scale-out"). Sourced by ./sandpod, which has cd'ed to the repository root.
#
#   Kafka broker (KRaft)   one process: kafka.Kafka with its own server.properties (the jar's Kafka 3.9 classes)
#   Mongo-wire server      one process: dev.sandpod.embedded.mongo.StandaloneMongoServer (stands in for MongoDB)
#   redis-server           one process
#   API instances 1 and 2  SANDPOD_ROLES=api,processors on ${SANDPOD_CLUSTER_PORT:-8081} and the next port
#   executor               SANDPOD_ROLES=executor (Kafka only), health on the port after those
#
# Everything lives in ${SANDPOD_CLUSTER_DIR:-./data/cluster}: a copy of the jar, each process's data, <name>.log
# and <name>.pid. `stop` ends exactly the processes named by those pid files (each checked to still be the one
# started, by its command line) and nothing else. Memory: about 2 GB in all (heaps capped below).

cluster_dir() { realpath -m -- "${SANDPOD_CLUSTER_DIR:-./data/cluster}"; }

# The member is the process we started: the pid is alive and its command line carries our marker.
cluster_member_alive() {
  local dir=$1 name=$2 pid
  [ -f "$dir/$name.pid" ] || return 1
  pid=$(cat "$dir/$name.pid")
  [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q -- "$(cluster_marker "$dir" "$name")"
}

cluster_marker() {
  case "$2" in
    redis) echo "redis-server" ;;
    *) echo "-Dsandpod.cluster.member=$2@$1" ;;
  esac
}

# Starts one member in the background: name, then the command. Its output goes to <name>.log.
cluster_spawn() {
  local dir=$1 name=$2
  shift 2
  nohup "$@" >> "$dir/$name.log" 2>&1 < /dev/null &
  echo $! > "$dir/$name.pid"
}

cluster_wait_port() {
  local dir=$1 name=$2 port=$3 deadline=$((SECONDS + 300))
  until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    cluster_member_alive "$dir" "$name" || { echo "cluster: $name exited; see $dir/$name.log" >&2; tail -n 30 "$dir/$name.log" >&2; return 1; }
    [ "$SECONDS" -lt "$deadline" ] || { echo "cluster: $name did not listen on $port" >&2; return 1; }
    sleep 1
  done
}

cluster_start() {
  local dir api1 api2 exec_port kafka_port controller_port mongo_port redis_port jar launcher deadline name
  dir=$(cluster_dir)
  api1=${SANDPOD_CLUSTER_PORT:-8081}
  api2=$((api1 + 1))
  exec_port=${SANDPOD_CLUSTER_EXECUTOR_PORT:-$((api1 + 2))}
  kafka_port=${SANDPOD_CLUSTER_KAFKA_PORT:-19092}
  controller_port=$((kafka_port + 1))
  mongo_port=${SANDPOD_CLUSTER_MONGO_PORT:-27117}
  redis_port=${SANDPOD_CLUSTER_REDIS_PORT:-16379}
  for name in kafka mongo redis api-1 api-2 executor; do
    if cluster_member_alive "$dir" "$name"; then
      echo "cluster: already running ($name, pid $(cat "$dir/$name.pid")); ./sandpod cluster stop first" >&2
      return 1
    fi
  done
  command -v redis-server >/dev/null || { echo "cluster: redis-server is not installed (apt-get install redis-server)" >&2; return 1; }
  if [ ! -f app/target/sandpod.jar ]; then
    mvn_quiet -q -DskipTests install
  fi
  mkdir -p "$dir"
  rm -f "$dir"/*.pid
  # A copy: a build in this tree cannot replace the jar under the running members.
  cp app/target/sandpod.jar "$dir/sandpod.jar"
  jar="$dir/sandpod.jar"
  # The jar's nested libraries on the class path, with another main class than the application's.
  # Plain logback (no Spring Boot here) would log at DEBUG: the members get infra/cluster/logback-member.xml.
  launcher=(-Dlogback.configurationFile="$PWD/infra/cluster/logback-member.xml" -cp "$jar"
    org.springframework.boot.loader.launch.PropertiesLauncher)

  # Kafka: one KRaft node (broker + controller), formatted once.
  mkdir -p "$dir/kafka"
  cat > "$dir/kafka/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$kafka_port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$kafka_port
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$dir/kafka/logs
num.partitions=4
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
message.max.bytes=10485760
PROPS
  if [ ! -f "$dir/kafka/logs/meta.properties" ]; then
    java -Xmx128m -Dloader.main=kafka.tools.StorageTool "${launcher[@]}" \
      format -t "$(java -Xmx64m -Dloader.main=kafka.tools.StorageTool "${launcher[@]}" random-uuid 2>/dev/null | tail -n 1)" \
      -c "$dir/kafka/server.properties" --ignore-formatted >> "$dir/kafka.log" 2>&1 \
      || { echo "cluster: formatting Kafka's storage failed; see $dir/kafka.log" >&2; return 1; }
  fi
  cluster_spawn "$dir" kafka java -Xmx384m -XX:+UseSerialGC "$(cluster_marker "$dir" kafka)" \
    -Dloader.main=kafka.Kafka "${launcher[@]}" "$dir/kafka/server.properties"
  cluster_spawn "$dir" mongo java -Xmx256m -XX:+UseSerialGC "$(cluster_marker "$dir" mongo)" \
    -Dloader.main=dev.sandpod.embedded.mongo.StandaloneMongoServer "${launcher[@]}" "$dir/mongo" "$mongo_port"
  cluster_spawn "$dir" redis redis-server --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no
  cluster_wait_port "$dir" kafka "$kafka_port" && cluster_wait_port "$dir" mongo "$mongo_port" \
    && cluster_wait_port "$dir" redis "$redis_port" || { cluster_stop; return 1; }

  # API 1 first, alone: it creates the collections, indexes, topics and demo accounts the others then find.
  deadline=$((SECONDS + ${SANDPOD_CLUSTER_STARTUP_S:-600}))
  cluster_instance "$dir" api-1 "$api1" api,processors "$kafka_port" "$mongo_port" "$redis_port"
  cluster_wait_ready "$dir" api-1 "$api1" "$deadline" || return 1
  cluster_instance "$dir" api-2 "$api2" api,processors "$kafka_port" "$mongo_port" "$redis_port"
  cluster_instance "$dir" executor "$exec_port" executor "$kafka_port" "$mongo_port" "$redis_port"
  cluster_wait_ready "$dir" api-2 "$api2" "$deadline" && cluster_wait_ready "$dir" executor "$exec_port" "$deadline" \
    || return 1
  cat <<EOF2
Sandpod cluster ready (logs and pid files in $dir):
  API 1      http://127.0.0.1:$api1      SANDPOD_ROLES=api,processors
  API 2      http://127.0.0.1:$api2      SANDPOD_ROLES=api,processors
  executor   http://127.0.0.1:$exec_port/api/v1/health/ready   SANDPOD_ROLES=executor
  Kafka 127.0.0.1:$kafka_port   Mongo-wire mongodb://127.0.0.1:$mongo_port   Redis redis://127.0.0.1:$redis_port
Stop it with: ./sandpod cluster stop
EOF2
}

# Back once the instance answers ready (a loaded two-core machine takes minutes); on failure, stops everything.
cluster_wait_ready() {
  local dir=$1 name=$2 port=$3 deadline=$4
  until curl -sf -m 5 "http://127.0.0.1:$port/api/v1/health/ready" >/dev/null 2>&1; do
    if ! cluster_member_alive "$dir" "$name" || [ "$SECONDS" -ge "$deadline" ]; then
      echo "cluster: $name did not become ready; see $dir/$name.log" >&2
      tail -n 30 "$dir/$name.log" >&2
      cluster_stop
      return 1
    fi
    sleep 2
  done
}

# One Sandpod instance: its own data dir (the embedded profile's log file) and port, the shared stores.
cluster_instance() {
  local dir=$1 name=$2 port=$3 roles=$4 kafka_port=$5 mongo_port=$6 redis_port=$7 heap=384m
  [ "$roles" = executor ] && heap=256m
  SERVER_PORT=$port SANDPOD_ROLES=$roles SANDPOD_DATA_DIR="$dir/$name" \
    SANDPOD_KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:$kafka_port" \
    SANDPOD_MONGODB_URI="mongodb://127.0.0.1:$mongo_port/sandpod" SANDPOD_MONGODB_WIRE_SERVER=true \
    SANDPOD_REDIS_URL="redis://127.0.0.1:$redis_port" SANDPOD_REDIS_HEALTH=true \
    LOGGING_THRESHOLD_CONSOLE=INFO \
    cluster_spawn "$dir" "$name" java "-Xmx${SANDPOD_CLUSTER_HEAP:-$heap}" "$(cluster_marker "$dir" "$name")" \
    $(app_java_opts | grep -v -- -Xmx) -jar "$dir/sandpod.jar"
}

cluster_stop() {
  local dir name pid deadline stopped=()
  dir=$(cluster_dir)
  # Instances first (they flush to the stores), then the stores.
  for name in api-1 api-2 executor redis mongo kafka; do
    [ -f "$dir/$name.pid" ] || continue
    if cluster_member_alive "$dir" "$name"; then
      pid=$(cat "$dir/$name.pid")
      kill -TERM "$pid" 2>/dev/null || true
      deadline=$((SECONDS + 40))
      while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 1; done
      kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
      stopped+=("$name")
    fi
    rm -f "$dir/$name.pid"
  done
  echo "cluster: stopped ${stopped[*]:-nothing (no member was running)}"
}

cluster_main() {
  case "${1:-start}" in
    start) cluster_start ;;
    stop) cluster_stop ;;
    *) echo "usage: ./sandpod cluster [start|stop]" >&2; return 2 ;;
  esac
}

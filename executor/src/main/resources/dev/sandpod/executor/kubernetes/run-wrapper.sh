# Sandpod run wrapper: PID 1 of every run container of the Kubernetes runner, POSIX sh (dash, busybox ash).
#   sh -c "$wrapper" sandpod <timeout-seconds> <max-output-bytes> <script-file> <command...>
# The program's stdout and stderr go to two files, each on its own size-limited tmpfs volume (the per-stream
# caps: a full volume is ENOSPC for that stream only), never to this container's log. When the program ends,
# times out (the watchdog below) or the pod is stopped (SIGTERM of the pod deadline or an eviction), every
# other process of the container is killed, usage goes to the termination message, and both files, cut at the
# cap and base64-encoded, go to the log between marker lines. The log thus carries no byte of the program's
# own: stdout and stderr are told apart, binary output survives, and whatever the program wrote to the log
# some other way comes before the last marker block, which is the one the executor reads.
set -u
timeout=$1 cap=$2 file=$3
shift 3
r=${SANDPOD_WRAPPER_ROOT:-}
out=$r/sandpod/stdout/data
err=$r/sandpod/stderr/data
pid=
read -r up0 _ </proc/uptime

finish() {
  if [ "$$" = 1 ]; then
    kill -KILL -1 2>/dev/null
  elif [ -n "$pid" ]; then
    kill -KILL "$pid" 2>/dev/null
  fi
  read -r up1 _ </proc/uptime
  wall=$(( ${up1%.*}${up1#*.} - ${up0%.*}${up0#*.} ))
  cpu=0 peak=0 oom=0 g=/sys/fs/cgroup
  if [ -r $g/cpu.stat ]; then
    while read -r k v; do if [ "$k" = usage_usec ]; then cpu=$v; fi; done <$g/cpu.stat
    if [ -r $g/memory.peak ]; then read -r peak <$g/memory.peak; fi
    if [ -r $g/memory.events ]; then
      while read -r k v; do if [ "$k" = oom_kill ]; then oom=$v; fi; done <$g/memory.events
    fi
  else
    for f in $g/cpuacct/cpuacct.usage $g/cpu,cpuacct/cpuacct.usage; do
      if [ -r "$f" ]; then read -r ns <"$f"; cpu=$((ns / 1000)); break; fi
    done
    if [ -r $g/memory/memory.max_usage_in_bytes ]; then read -r peak <$g/memory/memory.max_usage_in_bytes; fi
    if [ -r $g/memory/memory.oom_control ]; then
      while read -r k v; do if [ "$k" = oom_kill ]; then oom=$v; fi; done <$g/memory/memory.oom_control
    fi
  fi
  ob=$(wc -c <"$out" 2>/dev/null | tr -d ' ')
  eb=$(wc -c <"$err" 2>/dev/null | tr -d ' ')
  printf 'sandpod/1 ended=%s exit=%s wall_cs=%s cpu_us=%s peak_bytes=%s oom_kills=%s stdout_bytes=%s stderr_bytes=%s\n' \
    "$1" "$2" "$wall" "$cpu" "$peak" "$oom" "${ob:-0}" "${eb:-0}" >"$r/dev/termination-log" 2>/dev/null
  printf '\n@@sandpod-dump/1 stdout\n'
  head -c "$cap" "$out" 2>/dev/null | base64
  printf '@@sandpod-dump/1 stderr\n'
  head -c "$cap" "$err" 2>/dev/null | base64
  printf '@@sandpod-dump/1 end\n'
  exit "$2"
}

: >"$out" 2>/dev/null
if ! : >"$err" 2>/dev/null || ! cp "$r/sandpod/script/$file" "$r/workspace/$file" 2>>"$err"; then
  finish setup 127
fi
cd "$r/workspace" || finish setup 127
if ! command -v "$1" >/dev/null 2>&1; then
  printf 'sandpod: %s not found in the runtime image\n' "$1" >>"$err"
  finish setup 127
fi
ended=exit
trap 'ended=timeout' USR1
trap 'ended=term' TERM INT HUP
"$@" </dev/null >"$out" 2>"$err" &
pid=$!
( sleep "$timeout"; kill -USR1 $$ ) </dev/null >/dev/null 2>&1 &
wait "$pid"
code=$?
case $ended in
  exit) finish exit "$code" ;;
  timeout) finish timeout 124 ;;
  *) finish term 143 ;;
esac

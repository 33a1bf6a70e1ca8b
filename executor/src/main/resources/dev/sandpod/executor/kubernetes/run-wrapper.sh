# Sandpod run wrapper: PID 1 of every run container of the Kubernetes runner, POSIX sh (dash, busybox ash).
#   sh -c "$wrapper" sandpod <timeout-seconds> <max-output-bytes> <script-file> <command...>
# The program's stdout and stderr go to two files, each on its own size-limited tmpfs volume (the per-stream
# caps: a full volume is ENOSPC for that stream only), never to this container's log. When the program ends,
# times out (the watchdog below) or the pod is stopped (SIGTERM of the pod deadline or an eviction), every
# other process of the container is killed, usage goes to the termination message, and both files, cut at the
# cap and base64-encoded, go to the log between marker lines. The log thus carries no byte of the program's
# own: stdout and stderr are told apart, binary output survives, and whatever the program wrote to the log
# some other way comes before the last marker block, which is the one the executor reads.
# The program runs as the same uid as this wrapper, so it can signal it, write its log (/proc/1/fd/1), the
# termination log (0666) and replace its own output files (H37): only the clock decides a timeout (a USR1 or
# TERM before it changes nothing), a watchdog the program kills is restarted, every other process is killed
# before anything is reported, output files that are not regular files are never read (a FIFO would block the
# finish), and the executor reads the log's tail and checks the reported exit against the container's.
set -u
ulimit -c 0 2>/dev/null
timeout=$1 cap=$2 file=$3
shift 3
r=${SANDPOD_WRAPPER_ROOT:-}
out=$r/sandpod/stdout/data
err=$r/sandpod/stderr/data
pid=
dog=
read -r up0 _ </proc/uptime
c0=${up0%.*}${up0#*.}

finish() {
  trap '' USR1 TERM INT HUP CHLD
  if [ "$$" = 1 ]; then
    kill -KILL -1 2>/dev/null
    kill -KILL -1 2>/dev/null
  elif [ -n "$pid" ]; then
    kill -KILL "$pid" ${dog:+"$dog"} 2>/dev/null
  fi
  read -r up1 _ </proc/uptime
  wall=$(( ${up1%.*}${up1#*.} - c0 ))
  ended=$1 code=$2
  for f in "$out" "$err"; do
    if [ -L "$f" ] || [ ! -f "$f" ]; then
      ended=tampered code=125
    fi
  done
  if [ "$ended" = tampered ]; then out=/dev/null err=/dev/null; fi
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
    "$ended" "$code" "$wall" "$cpu" "$peak" "$oom" "${ob:-0}" "${eb:-0}" >"$r/dev/termination-log" 2>/dev/null
  printf '\n@@sandpod-dump/1 stdout\n'
  head -c "$cap" "$out" 2>/dev/null | base64
  printf '@@sandpod-dump/1 stderr\n'
  head -c "$cap" "$err" 2>/dev/null | base64
  printf '@@sandpod-dump/1 end\n'
  exit "$code"
}

watchdog() {
  ( sleep "$1"; kill -USR1 $$ ) </dev/null >/dev/null 2>&1 &
  dog=$!
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
# Every signal (the watchdog's USR1, the program's forgeries, SIGCHLD of any process that ends) runs check:
# the clock alone decides a timeout, and a watchdog that is gone (killed by the program) is started again.
ended=exit
limit=$((timeout * 100))
check() {
  read -r up _ </proc/uptime
  spent=$(( ${up%.*}${up#*.} - c0 ))
  if [ "$spent" -ge "$limit" ]; then
    ended=timeout
    kill -KILL "$pid" 2>/dev/null
  elif ! kill -CONT "$dog" 2>/dev/null; then
    watchdog $(( (limit - spent + 99) / 100 ))
  fi
}
"$@" </dev/null >"$out" 2>"$err" &
pid=$!
trap 'check' USR1 TERM INT HUP CHLD
watchdog "$timeout"
while kill -0 "$pid" 2>/dev/null; do
  wait "$pid"
done
wait "$pid"
code=$?
if [ "$ended" = timeout ]; then
  finish timeout 124
fi
finish exit "$code"

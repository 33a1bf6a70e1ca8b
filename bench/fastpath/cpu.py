#!/usr/bin/env python3
"""Where the app's CPU per run goes (issue 21). Not a test: prints figures and the machine's load, asserts nothing.

Starts the jar on a fresh data directory (as the other harnesses: rate limits off, the JVM options of
`./sandpod run` unless SANDPOD_BENCH_JAVA_OPTS says otherwise), warms up, then drives `--runs` hello-world runs
(`print('hi')`, POST → `result_stored` frame) with `--clients` clients twice: phase A without a profiler,
phase B under JFR. For each phase: runs/s, p50/p99, the app's CPU (utime + stime of the JVM, not of its
sandboxes) per run, each thread group's CPU and wake-ups (voluntary context switches), and in phase A the
store commands (by command and collection) and Kafka sends per run from /actuator/prometheus. Then the
idle app for `--idle-seconds`: CPU % of a core and which threads woke. Phase B's JFR file is summarised by
library (the first frame from the leaf in a known package) and by thread.

    python3 bench/fastpath/cpu.py [--jar app/target/sandpod.jar] [--runs 300] [--clients 2] [--out DIR]
                                  [--no-jfr] [--idle-wait 5] [--idle-seconds 20]

Run it as root (the local runner needs it) one heavy job at a time on a shared machine.
"""
import argparse
import collections
import json
import os
import re
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from sandpod_bench import App, Client, load, pct  # noqa: E402

HZ = os.sysconf("SC_CLK_TCK")
LIBRARIES = [("opentelemetry", "io.opentelemetry"), ("micrometer", "io.micrometer"), ("jackson", "com.fasterxml"),
             ("bson", "org.bson"), ("mongo driver", "com.mongodb"), ("mongo-wire server", "de.bwaldvogel"),
             ("h2 (store pages)", "org.h2"), ("kafka client", "org.apache.kafka.clients"),
             ("kafka broker", "kafka."), ("kafka other", "org.apache.kafka"), ("axon", "org.axonframework"),
             ("netty", "io.netty"), ("reactor", "reactor."), ("spring", "org.springframework"),
             ("logging", "ch.qos"), ("embedded store", "dev.sandpod.embedded"), ("sandpod", "dev.sandpod"),
             ("avro", "org.apache.avro"), ("jobrunr", "org.jobrunr")]


def process_cpu(pid):
    fields = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / HZ


def threads(pid):
    """thread id → (name with digits as #, CPU seconds, voluntary context switches)."""
    result = {}
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            base = "/proc/%d/task/%s/" % (pid, tid)
            name = re.sub(r"\d+", "#", open(base + "comm").read().strip())
            fields = open(base + "stat").read().rsplit(")", 1)[1].split()
            status = open(base + "status").read()
            switches = int(re.search(r"^voluntary_ctxt_switches:\s+(\d+)", status, re.M).group(1))
            result[tid] = (name, (int(fields[11]) + int(fields[12])) / HZ, switches)
        except (OSError, AttributeError):
            pass
    return result


def thread_groups(before, after):
    groups = collections.defaultdict(lambda: [0.0, 0])
    for tid, (name, cpu, switches) in after.items():
        if tid in before:
            groups[name][0] += cpu - before[tid][1]
            groups[name][1] += switches - before[tid][2]
        else:
            groups[name][0] += cpu
            groups[name][1] += switches
    return sorted(groups.items(), key=lambda kv: -kv[1][0])


def counters(admin):
    """Store commands and Kafka sends so far, from the Prometheus scrape."""
    status, body = admin.request("GET", "/actuator/prometheus")
    found = collections.Counter()
    for line in body.decode().splitlines():
        if line.startswith("mongodb_driver_commands_seconds_count"):
            labels = dict(re.findall(r'(\w+)="([^"]*)"', line))
            found["store %s %s" % (labels.get("command"), labels.get("collection"))] += float(line.rsplit(" ", 1)[1])
        elif line.startswith("spring_kafka_template_seconds_count"):
            labels = dict(re.findall(r'(\w+)="([^"]*)"', line))
            found["kafka send %s" % labels.get("messaging_destination_name")] += float(line.rsplit(" ", 1)[1])
    return found


def drive(clients, runs):
    latencies, errors, left, lock = [], [0], [runs], threading.Lock()

    def worker(client):
        while True:
            with lock:
                if left[0] <= 0:
                    return
                left[0] -= 1
            try:
                latencies.append(client.run("python", "print('hi')")[0])
            except Exception as e:  # noqa: BLE001 — counted and shown, the run goes on
                errors[0] += 1
                print("  error: %s" % e)

    workers = [threading.Thread(target=worker, args=(c,)) for c in clients]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return latencies, errors[0]


def phase(app, clients, admin, name, runs, jfr_file=None):
    pid = app.proc.pid
    if jfr_file:
        subprocess.run(["jcmd", str(pid), "JFR.start", "name=cpu", "filename=" + jfr_file], stdout=subprocess.DEVNULL)
    counted = counters(admin) if admin else None
    t0, c0, w0 = threads(pid), process_cpu(pid), time.monotonic()
    latencies, errors = drive(clients, runs)
    w1, c1, t1 = time.monotonic(), process_cpu(pid), threads(pid)
    if jfr_file:
        subprocess.run(["jcmd", str(pid), "JFR.dump", "name=cpu", "filename=" + jfr_file], stdout=subprocess.DEVNULL)
        subprocess.run(["jcmd", str(pid), "JFR.stop", "name=cpu"], stdout=subprocess.DEVNULL)
    done = max(1, len(latencies))
    print("\n## phase %s%s: %d runs, %d clients, load %s" % (name, " (JFR)" if jfr_file else "", len(latencies),
                                                          len(clients), load()))
    print("%.2f runs/s, p50 %.0f ms, p99 %.0f ms, errors %d; app CPU %.1f s = **%.0f ms per run**" % (
        len(latencies) / (w1 - w0), pct(latencies, 50), pct(latencies, 99), errors, c1 - c0,
        (c1 - c0) * 1000 / done))
    print("\n| thread group | CPU ms per run | wake-ups per run |\n|---|---|---|")
    for group, (cpu, switches) in thread_groups(t0, t1)[:25]:
        print("| %s | %.1f | %.1f |" % (group, cpu * 1000 / done, switches / done))
    if counted is not None:
        delta = counters(admin) - counted
        store = sum(v for k, v in delta.items() if k.startswith("store"))
        print("\nstore commands per run: %.1f; the largest:" % (store / done))
        for key, value in delta.most_common(20):
            print("  %6.2f  %s" % (value / done, key))
        # the event index's own commands, also the ones below the twenty largest
        for key, value in sorted(delta.items()):
            if "event_index" in key and key not in dict(delta.most_common(20)):
                print("  %6.2f  %s" % (value / done, key))


def idle(app, seconds):
    pid = app.proc.pid
    t0, c0 = threads(pid), process_cpu(pid)
    time.sleep(seconds)
    t1, c1 = threads(pid), process_cpu(pid)
    print("\n## idle %d s: %.1f %% of a core, load %s\n" % (seconds, (c1 - c0) * 100 / seconds, load()))
    print("| thread group | CPU ms | wake-ups per s |\n|---|---|---|")
    for group, (cpu, switches) in thread_groups(t0, t1)[:20]:
        print("| %s | %.0f | %.1f |" % (group, cpu * 1000, switches / seconds))


def summarise_jfr(jfr_file, top):
    text = subprocess.run(["jfr", "print", "--events", "jdk.ExecutionSample", "--stack-depth", "64", jfr_file],
                          stdout=subprocess.PIPE, text=True).stdout
    by_library, by_thread, samples = collections.Counter(), collections.Counter(), 0
    for block in text.split("jdk.ExecutionSample {")[1:]:
        samples += 1
        thread = re.search(r'sampledThread = "([^"]*)"', block)
        by_thread[re.sub(r"\d+", "#", thread.group(1) if thread else "?")[:60]] += 1
        library = "jdk"
        for frame in re.findall(r"^\s+([\w$./<>]+)\(", block, re.M):
            library = next((name for name, prefix in LIBRARIES if frame.startswith(prefix)), None)
            if library:
                break
        by_library[library or "jdk"] += 1
    print("\n## JFR execution samples (%d): by library, then by thread\n" % samples)
    for name, count in by_library.most_common(top):
        print("  %5.1f %%  %s" % (100.0 * count / max(1, samples), name))
    print()
    for name, count in by_thread.most_common(top):
        print("  %5.1f %%  %s" % (100.0 * count / max(1, samples), name))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--jar", default="app/target/sandpod.jar")
    p.add_argument("--runs", type=int, default=300)
    p.add_argument("--clients", type=int, default=2)
    p.add_argument("--warmup", type=int, default=30)
    p.add_argument("--idle-seconds", type=int, default=20)
    p.add_argument("--out", default="/tmp/sandpod-cpu")
    p.add_argument("--no-jfr", action="store_true", help="skip phase B (the profiled one)")
    p.add_argument("--idle-wait", type=int, default=5, help="seconds after the last run before the idle window")
    args = p.parse_args()
    os.makedirs(args.out, exist_ok=True)
    app = App(args.jar)
    try:
        print("live after %.1f s; JVM options %s" % (app.live_after, os.environ.get("SANDPOD_BENCH_JAVA_OPTS", "")))
        clients = [Client(app.port, "user", "user123") for _ in range(args.clients)]
        admin = Client(app.port, "admin", "admin123")
        drive(clients[:1], args.warmup)
        phase(app, clients, admin, "A", args.runs)
        jfr_file = None if args.no_jfr else os.path.join(args.out, "run.jfr")
        if jfr_file:
            phase(app, clients, None, "B", args.runs, jfr_file)
        time.sleep(args.idle_wait)
        idle(app, args.idle_seconds)
        if jfr_file:
            summarise_jfr(jfr_file, 20)
    finally:
        app.stop()


if __name__ == "__main__":
    main()

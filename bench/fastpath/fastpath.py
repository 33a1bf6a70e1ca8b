#!/usr/bin/env python3
"""Fast-path benchmark (issue 21): Sandpod's end-to-end latency and throughput beside the bare-sandbox floor.

Prints numbers and asserts nothing. See README.md beside this file; run it through run.sh.
"""
import argparse
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from sandpod_bench import App, Client, load, pct  # noqa: E402

HELLO = {
    "python": ("print('hi')", ["/usr/bin/python3", "-c", "print('hi')"]),
    "bash": ("echo hi", ["/usr/bin/bash", "-c", "echo hi"]),
}

# The floor: the same hello world in fresh bubblewrap namespaces (every namespace, read-only system,
# private /proc, /dev and /tmp), as bench/sandbox and the issue measure it. No cgroups, no uid pool, no
# seccomp: what any sandbox must at least pay.
BWRAP = ["bwrap", "--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
         "--ro-bind", "/usr", "/usr", "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64",
         "--symlink", "usr/bin", "/bin", "--ro-bind", "/etc", "/etc", "--proc", "/proc", "--dev", "/dev",
         "--tmpfs", "/tmp", "--chdir", "/tmp"]


# ---------------------------------------------------------------- floor

def floor_once(lang):
    argv = BWRAP + HELLO[lang][1]
    t0 = time.monotonic()
    out = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    took = (time.monotonic() - t0) * 1000
    if out.returncode != 0 or out.stdout.strip() != b"hi":
        raise RuntimeError("floor run failed: %r %r" % (out.returncode, out.stderr[-300:]))
    return took


# ---------------------------------------------------------------- Sandpod

def hello(client, lang):
    """POST /execute, then the execution's event stream (opened after the POST's answer, as the SPA does) until
    result_stored. Returns (ms, execution id, POST time and frame receipt by the wall clock)."""
    t0_wall = time.time()
    t0 = time.monotonic()
    execution_id = client.submit(lang, HELLO[lang][0])
    frame = client.await_result(execution_id)
    took = (time.monotonic() - t0) * 1000
    received = time.time()
    status = frame.get("result", {}).get("status")
    if status != "completed":
        raise RuntimeError("run ended %s: %s" % (status, frame))
    return took, execution_id, t0_wall, received


def parse_ts(text):
    # 2026-12-07T08:01:02.123456Z (any number of fraction digits)
    m = re.match(r"(.*T\d\d:\d\d:\d\d)(\.\d+)?Z?$", text)
    base = datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S").replace(tzinfo=None)
    frac = float(m.group(2) or 0)
    epoch = (base - datetime(1970, 1, 1)).total_seconds()
    return epoch + frac


HOPS = [
    ("POST → requested", None, "execution_requested"),
    ("requested → scheduled (saga, queue)", "execution_requested", "execution_scheduled"),
    ("scheduled → started (dispatch, Kafka, launch)", "execution_scheduled", "execution_started"),
    ("started → completed (run, report)", "execution_started", "execution_completed"),
    ("completed → result_stored", "execution_completed", "result_stored"),
    ("result_stored → SSE frame received", "result_stored", None),
]


def hops_of(client, execution_id, t0_wall, received):
    status, data = client.request("GET", "/api/v1/executions/%s/events" % execution_id)
    if status != 200:
        return None
    at = {}
    wall = None
    for e in json.loads(data):
        at.setdefault(e["event_type"], parse_ts(e["timestamp"]))
        usage = e.get("resource_usage")
        if usage and usage.get("wall_seconds") is not None:
            wall = usage["wall_seconds"] * 1000
    out = {}
    for name, a, b in HOPS:
        ta = t0_wall if a is None else at.get(a)
        tb = received if b is None else at.get(b)
        if ta is not None and tb is not None:
            out[name] = (tb - ta) * 1000
    if wall is not None and "started → completed (run, report)" in out:
        out["(the sandbox's own wall time, as the runner measured it)"] = wall
    return out


# ---------------------------------------------------------------- load

def closed_loop(n_clients, seconds, one_run):
    """n_clients loops back to back for `seconds`; returns (runs/s, latencies, errors)."""
    stop = time.monotonic() + seconds
    lat, errors = [], []
    lock = threading.Lock()

    def worker(i):
        while time.monotonic() < stop:
            try:
                took = one_run(i)
                with lock:
                    lat.append(took)
            except Exception as e:  # noqa: BLE001 - counted and shown
                with lock:
                    errors.append(str(e)[:200])

    start = time.monotonic()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n_clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - start
    return len(lat) / elapsed, lat, errors


def wrk(url, cookie, seconds, connections):
    out = subprocess.run(["wrk", "-t2", "-c%d" % connections, "-d%ds" % seconds, "-H", "Cookie: " + cookie, url],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    m = re.search(r"Requests/sec:\s*([\d.]+)", out.stdout)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", out.stdout)
    return (float(m.group(1)) if m else float("nan")), (int(non2xx.group(1)) if non2xx else 0)


def proc_stat(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime in clock ticks


def proc_status(pid):
    values = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            values[k] = v.strip()
    return int(values["VmRSS"].split()[0]) // 1024, int(values["Threads"])


# ---------------------------------------------------------------- main

def main():
    # A terminated benchmark still stops its app (the finally below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    p = argparse.ArgumentParser()
    p.add_argument("--jar", default="app/target/sandpod.jar")
    p.add_argument("--runs", type=int, default=200, help="single-client runs per language (each side)")
    p.add_argument("--seconds", type=int, default=10, help="seconds per throughput level")
    p.add_argument("--read-seconds", type=int, default=10)
    p.add_argument("--rss-runs", type=int, default=0, help="extra runs (4 clients) before RSS is read")
    p.add_argument("--langs", default="python,bash")
    p.add_argument("--label", default="")
    p.add_argument("--label-suffix", default="")
    p.add_argument("--results", default="bench/fastpath/RESULTS.md")
    p.add_argument("--keep-data", action="store_true")
    a = p.parse_args()
    langs = a.langs.split(",")

    # The commit checked out when the run starts (the jar is whatever --jar names; --label says which).
    rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], stdout=subprocess.PIPE, text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], stdout=subprocess.PIPE,
                           text=True).stdout.strip()
    for lang in langs:  # the floor must work before the app is worth starting
        floor_once(lang)

    load_before = load()
    app = App(a.jar, keep_data=a.keep_data)  # fresh data dir, free port, rate limits off, signed-in users work
    port = app.port
    rows = []  # (section, metric, floor, sandpod, note)
    try:
        rows.append(("start", "start → /health/live", "", "%.1f s" % app.live_after, "fresh data dir"))
        print("live after %.1f s (port %d, data %s)" % (app.live_after, port, app.data), flush=True)
        clients = [Client(port, "user", "user123") for _ in range(4)]
        first_run = hello(clients[0], "python")[0]
        rows.append(("start", "first run (cold), python", "", "%.0f ms" % first_run, ""))
        for lang in langs:  # warm-up, not counted
            for _ in range(10):
                hello(clients[0], lang)
                floor_once(lang)

        all_hops = {}
        total_runs = 11 + 10 * len(langs)
        for lang in langs:
            # Single client, back to back, floor and Sandpod interleaved in blocks of 10 so host noise hits both.
            fl, sp, ids = [], [], []
            for i in range(0, a.runs, 10):
                for _ in range(min(10, a.runs - i)):
                    fl.append(floor_once(lang))
                for _ in range(min(10, a.runs - i)):
                    took, eid, t0w, rec = hello(clients[0], lang)
                    sp.append(took)
                    ids.append((eid, t0w, rec))
            total_runs += len(sp)
            rows.append((lang, "1 client p50 (%d runs)" % a.runs, "%.1f ms" % pct(fl, 50), "%.1f ms" % pct(sp, 50),
                         "+%.1f ms" % (pct(sp, 50) - pct(fl, 50))))
            rows.append((lang, "1 client p99", "%.1f ms" % pct(fl, 99), "%.1f ms" % pct(sp, 99),
                         "+%.1f ms" % (pct(sp, 99) - pct(fl, 99))))
            hops = {}
            for eid, t0w, rec in ids:
                h = hops_of(clients[0], eid, t0w, rec)
                for k, v in (h or {}).items():
                    hops.setdefault(k, []).append(v)
            all_hops[lang] = hops
            print("%s single client done: floor p50 %.1f, sandpod p50 %.1f ms" % (lang, pct(fl, 50), pct(sp, 50)),
                  flush=True)
            for n in (2, 4):
                frate, flat, ferr = closed_loop(n, a.seconds, lambda i: floor_once(lang))
                srate, slat, serr = closed_loop(n, a.seconds, lambda i: hello(clients[i], lang)[0])
                total_runs += len(slat)
                rows.append((lang, "%d clients runs/s" % n, "%.1f" % frate, "%.1f" % srate,
                             "%.0f %% of floor" % (100 * srate / frate if frate else 0)))
                rows.append((lang, "%d clients p99, errors" % n, "%.0f ms, %d" % (pct(flat, 99), len(ferr)),
                             "%.0f ms, %d" % (pct(slat, 99), len(serr)), (serr[0][:80] if serr else "")))
                print("%s %d clients: floor %.1f/s, sandpod %.1f/s" % (lang, n, frate, srate), flush=True)

        # Reads, 32 connections each, one after another.
        eid = ids[-1][0]
        cookie = clients[1].cookie
        base = "http://127.0.0.1:%d" % port
        live_rps, _ = wrk(base + "/api/v1/health/live", cookie, a.read_seconds, 32)
        res_rps, res_bad = wrk(base + "/api/v1/executions/%s/result" % eid, cookie, a.read_seconds, 32)
        list_rps, list_bad = wrk(base + "/api/v1/user/executions?limit=20", cookie, a.read_seconds, 32)
        rows.append(("reads", "GET /health/live req/s (HTTP floor)", "%.0f" % live_rps, "", ""))
        rows.append(("reads", "GET /executions/{id}/result req/s", "%.0f" % live_rps, "%.0f" % res_rps,
                     "%.0f %% of floor%s" % (100 * res_rps / live_rps, ", %d non-2xx" % res_bad if res_bad else "")))
        rows.append(("reads", "GET /user/executions?limit=20 req/s", "%.0f" % live_rps, "%.0f" % list_rps,
                     "%.0f %% of floor%s" % (100 * list_rps / live_rps, ", %d non-2xx" % list_bad if list_bad else "")))

        if a.rss_runs:
            lang0 = langs[0]
            done = [0]
            target = a.rss_runs
            lock = threading.Lock()

            def more(i):
                while True:
                    with lock:
                        if done[0] >= target:
                            return
                        done[0] += 1
                    hello(clients[i], lang0)

            threads = [threading.Thread(target=more, args=(i,)) for i in range(4)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            total_runs += target
        time.sleep(5)  # let the last effects settle before idle is measured
        ticks = os.sysconf("SC_CLK_TCK")
        c0, t0 = proc_stat(app.proc.pid), time.monotonic()
        time.sleep(10)
        idle = (proc_stat(app.proc.pid) - c0) / ticks / (time.monotonic() - t0) * 100
        rss, threads_n = proc_status(app.proc.pid)
        rows.append(("process", "RSS after %d runs" % total_runs, "", "%d MiB" % rss, "%d threads" % threads_n))
        rows.append(("process", "idle CPU (10 s)", "", "%.1f %% of a core" % idle, ""))

        hop_rows = []
        for lang in langs:
            for name, values in all_hops[lang].items():
                hop_rows.append((lang, name, "%.1f" % pct(values, 50), "%.1f" % pct(values, 99), len(values)))
    finally:
        app.stop()

    load_after = load()
    head = "## %s UTC, %s%s%s\n\n" % (datetime.utcnow().strftime("%Y-%m-%d %H:%M"), rev, "+changes" if dirty else "",
                                      (" — " + a.label + " " + a.label_suffix) if a.label or a.label_suffix else "")
    head += "load average before %s, after %s (`uptime`); %d cores\n\n" % (load_before, load_after, os.cpu_count())
    table = "| | metric | floor | Sandpod | note |\n|---|---|---|---|---|\n"
    table += "".join("| %s | %s | %s | %s | %s |\n" % r for r in rows)
    table += "\nPer hop, from the events' commit times (ms; POST and SSE receipt by the client's clock):\n\n"
    table += "| lang | hop | p50 | p99 | runs |\n|---|---|---|---|---|\n"
    table += "".join("| %s | %s | %s | %s | %d |\n" % r for r in hop_rows)
    print()
    print(head + table)
    with open(a.results, "a") as f:
        f.write("\n" + head + table)
    return 0


if __name__ == "__main__":
    sys.exit(main())

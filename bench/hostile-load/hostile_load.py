#!/usr/bin/env python3
"""Issue 20 item 8: is the platform responsive while 9 hostile runs go on? Prints figures, asserts nothing.

Unloaded, then with 9 hostile runs kept in flight (each one that ends is submitted again): end-to-end time of a
harmless print('ok') (POST /execute → result_stored frame on its event stream) and the latency of API reads
(GET /user/executions?limit=20 and GET /executions/{id}/result, 2 reader threads), side by side with `uptime`.
"""
import argparse
import os
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from sandpod_bench import App, Client, ensure_jar, load, pct, uptime  # noqa: E402

HOSTILE = [
    ("bash", ":(){ :|:& };:\nsleep 30\n"),                       # fork bomb, stops at the pids limit
    ("bash", ":(){ :|:& };:\nsleep 30\n"),
    ("python", "while True: pass\n"),                             # busy loops, until the timeout
    ("node", "for (;;) {}\n"),
    ("ruby", "loop { }\n"),
    ("python", "x = []\nwhile True: x.append(bytearray(1 << 20))\n"),   # memory floods, end at the limit
    ("python", "x = bytearray(10**10)\n"),
    ("bash", "yes\n"),                                            # output floods, end at the output cap
    ("python", "import sys\nwhile True: sys.stdout.write('x' * 65536)\n"),
]
OK = ("python", "print('ok')")


def ok_runs(client, n, errors=None):
    """n print('ok') runs one after another; failures go to `errors` (raised when None)."""
    times = []
    for _ in range(n):
        try:
            took, _, status = client.run(*OK)
            if status != "completed":
                raise RuntimeError("print('ok') ended " + str(status))
            times.append(took)
        except Exception as e:  # noqa: BLE001 - counted and shown
            if errors is None:
                raise
            errors.append(str(e)[:160])
    return times


def reads(port, seconds, result_id):
    """Two readers back to back for `seconds`: (latencies ms, non-2xx count)."""
    lat, bad = [], [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def reader(path):
        c = Client(port, "user", "user123")
        while time.monotonic() < stop:
            t0 = time.monotonic()
            status, _ = c.request("GET", path)
            took = (time.monotonic() - t0) * 1000
            with lock:
                lat.append(took)
                if status != 200:
                    bad[0] += 1
            time.sleep(0.02)

    threads = [threading.Thread(target=reader, args=(p,)) for p in
               ("/api/v1/user/executions?limit=20", "/api/v1/executions/%s/result" % result_id)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return lat, bad[0]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--jar", default="app/target/sandpod.jar")
    p.add_argument("--ok-runs", type=int, default=20)
    p.add_argument("--label", default="")
    p.add_argument("--without-output-floods", action="store_true",
                   help="two more busy loops instead of the two output floods (which the embedded store may not "
                        "survive at the default heap: see bench/hostile-load/RESULTS.md)")
    a = p.parse_args()
    hostile = HOSTILE
    if a.without_output_floods:
        hostile = HOSTILE[:7] + [("python", "while True: pass\n"), ("bash", "while :; do :; done\n")]
    ensure_jar(a.jar)
    print("before: " + uptime(), flush=True)
    app = App(a.jar, ["-Dsandpod.execution.max-active-per-user=100"])
    try:
        client = Client(app.port, "user", "user123")
        ok_runs(client, 5)  # warm-up: pool, JIT
        idle_ok = ok_runs(client, a.ok_runs)
        _, rid, _ = client.run(*OK)
        idle_reads, idle_bad = reads(app.port, 10, rid)
        load_idle = load()
        print("unloaded: ok p50 %.0f ms max %.0f ms; reads p99 %.1f ms" % (pct(idle_ok, 50), max(idle_ok),
                                                                           pct(idle_reads, 99)), flush=True)

        stop = threading.Event()
        hostile_ended, hostile_errors = [0], []

        def keep(lang, script):
            c = Client(app.port, "user", "user123")
            while not stop.is_set():
                try:
                    c.run(lang, script)
                    hostile_ended[0] += 1
                except Exception as e:  # noqa: BLE001 - counted and shown
                    hostile_errors.append(str(e)[:120])
                    time.sleep(0.5)

        keepers = [threading.Thread(target=keep, args=h, daemon=True) for h in hostile]
        for t in keepers:
            t.start()
        time.sleep(3)  # all nine running, bombs at their limits
        load_box = {}
        read_box = {}
        reader = threading.Thread(target=lambda: read_box.update(r=reads(app.port, 20, rid)))
        reader.start()
        ok_errors = []
        loaded_ok = ok_runs(client, a.ok_runs, ok_errors) or [float("nan")]
        reader.join()
        load_box["l"] = load()
        stop.set()
        loaded_reads, loaded_bad = read_box["r"]
        up = uptime()
        rows = [
            ("print('ok') end to end, p50", "%.0f ms" % pct(idle_ok, 50), "%.0f ms" % pct(loaded_ok, 50), "1 s"),
            ("print('ok') end to end, max of %d" % a.ok_runs, "%.0f ms" % max(idle_ok), "%.0f ms" % max(loaded_ok),
             "1 s"),
            ("API reads p50 (%d / %d)" % (len(idle_reads), len(loaded_reads)), "%.1f ms" % pct(idle_reads, 50),
             "%.1f ms" % pct(loaded_reads, 50), ""),
            ("API reads p99", "%.1f ms" % pct(idle_reads, 99), "%.1f ms" % pct(loaded_reads, 99), "100 ms"),
            ("API reads non-2xx", str(idle_bad), str(loaded_bad), "0"),
            ("print('ok') runs failed", "0", "%d of %d" % (len(ok_errors), a.ok_runs), "0"),
            ("hostile runs ended meanwhile / errors", "", "%d / %d" % (hostile_ended[0], len(hostile_errors)), ""),
            ("load average (1 5 15 min)", load_idle, load_box["l"], ""),
        ]
        print("\n## hostile load %s %s\n" % (time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), a.label))
        print("| metric | unloaded | 9 hostile runs | target |\n|---|---|---|---|")
        for r in rows:
            print("| %s | %s | %s | %s |" % r)
        print("\n`uptime` after: " + up)
        if ok_errors:
            print("first print('ok') error: " + ok_errors[0])
        if hostile_errors:
            print("first hostile error: " + hostile_errors[0])
    finally:
        app.stop()


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Issue 20 item 8, the heap side: 9 output floods kept in flight for --seconds, each followed on its event stream,
and a print('ok') every 2 s beside them. Prints the app's heap (G1 used, sampled every 5 s with `jcmd GC.heap_info`),
`OutOfMemoryError`s and store closures in its log, the print('ok') times and failures, beside `uptime`. Asserts
nothing. How the launcher's heap options were chosen (bench/hostile-load/RESULTS.md): compare two option sets with
SANDPOD_BENCH_JAVA_OPTS, e.g. `SANDPOD_BENCH_JAVA_OPTS="-Xmx512m" python3 bench/hostile-load/floods.py`.
"""
import argparse
import os
import re
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from sandpod_bench import App, Client, ensure_jar, java_opts, load, pct, uptime  # noqa: E402

FLOODS = [
    ("bash", "yes\n"),
    ("bash", "yes flood >&2\n"),
    ("python", "import sys\nwhile True: sys.stdout.write('x' * 65536)\n"),
    ("python", "import sys\nwhile True: sys.stdout.write('x' * 65536)\n"),
    ("python", "import sys\nwhile True: sys.stderr.write('y' * 65536)\n"),
    ("python", "import sys\nwhile True:\n    sys.stdout.write('o' * 32768)\n    sys.stderr.write('e' * 32768)\n"),
    ("python", "import os, sys\nwhile True: sys.stdout.write(os.urandom(32768).hex())\n"),
    ("python", "import os, sys\nwhile True: sys.stdout.write(os.urandom(32768).hex())\n"),
    ("bash", "while :; do cat /etc/services; done\n"),
]


def heap_used_mb(pid):
    out = subprocess.run(["jcmd", str(pid), "GC.heap_info"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         text=True, timeout=30).stdout
    m = re.search(r"total (\d+)K, used (\d+)K", out)
    return int(m.group(2)) / 1024 if m else None


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--jar", default="app/target/sandpod.jar")
    p.add_argument("--seconds", type=int, default=60)
    p.add_argument("--label", default="")
    a = p.parse_args()
    ensure_jar(a.jar)
    print("before: " + uptime(), flush=True)
    print("JVM options: " + " ".join(java_opts()), flush=True)
    app = App(a.jar, ["-Dsandpod.execution.max-active-per-user=100"])
    try:
        stop = threading.Event()
        ended, errors, ok_times, ok_failed, heap = [0], [], [], [], []

        def keep(lang, script):
            c = Client(app.port, "user", "user123")
            while not stop.is_set():
                try:
                    c.run(lang, script)
                    ended[0] += 1
                except Exception as e:  # noqa: BLE001 - counted and shown
                    errors.append(str(e)[:120])
                    time.sleep(0.5)

        def ok_loop():
            c = Client(app.port, "user", "user123")
            while not stop.is_set():
                t0 = time.monotonic()
                try:
                    took, _, status = c.run("python", "print('ok')")
                    (ok_times if status == "completed" else ok_failed).append(took if status == "completed"
                                                                             else str(status))
                except Exception as e:  # noqa: BLE001 - counted and shown
                    ok_failed.append(str(e)[:120])
                time.sleep(max(0, 2 - (time.monotonic() - t0)))

        threads = [threading.Thread(target=keep, args=f, daemon=True) for f in FLOODS]
        threads.append(threading.Thread(target=ok_loop, daemon=True))
        for t in threads:
            t.start()
        started = time.monotonic()
        mid_load = None
        while time.monotonic() - started < a.seconds:
            time.sleep(5)
            used = heap_used_mb(app.proc.pid)
            if used is not None:
                heap.append(used)
            if mid_load is None and time.monotonic() - started > a.seconds / 2:
                mid_load = load()
        stop.set()
        for t in threads:
            t.join(timeout=60)
        app.log.flush()
        with open(app.log.name, errors="replace") as f:
            log = f.read()
        ooms = log.count("OutOfMemoryError")
        closed = log.count("This store is closed")
        print("\n## output floods %s %s, %d s\n" % (time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), a.label,
                                                    a.seconds))
        print("| metric | value |\n|---|---|")
        print("| JVM options | `%s` |" % " ".join(java_opts()))
        print("| `OutOfMemoryError` / \"store is closed\" lines in the app log | %d / %d |" % (ooms, closed))
        print("| G1 heap used, min / max of %d samples | %.0f / %.0f MB |" % (len(heap), min(heap or [0]),
                                                                           max(heap or [0])))
        print("| floods ended / errors | %d / %d |" % (ended[0], len(errors)))
        print("| print('ok') completed / failed | %d / %d |" % (len(ok_times), len(ok_failed)))
        print("| print('ok') p50 / max | %.0f / %.0f ms |" % (pct(ok_times, 50), max(ok_times or [0])))
        print("| load average (mid-run) | %s |" % mid_load)
        print("\n`uptime` after: " + uptime())
        for e in (errors + [str(x) for x in ok_failed])[:3]:
            print("error: " + e)
    finally:
        app.stop()


if __name__ == "__main__":
    sys.exit(main())

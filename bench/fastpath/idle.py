#!/usr/bin/env python3
"""Idle CPU of two jars side by side (issue 21). Not a test: prints figures and the machine's load, asserts nothing.

Starts both jars at once (fresh data dirs, free ports, rate limits off, `./sandpod run`'s JVM options unless
SANDPOD_BENCH_JAVA_OPTS says otherwise), gives each the same burst of hello-world runs (one client each, the two
bursts at the same time), waits `--wait` seconds, then samples both for `--seconds`: the app's CPU in % of a core,
with and without the JIT compiler threads (C2 drains a burst's compile queue for minutes after it), and the thread
groups that used most CPU and woke most. Both columns see the same machine load, which on a shared machine moves
more between two runs than the difference measured.

    python3 bench/fastpath/idle.py --before A.jar --after B.jar [--runs 60] [--wait 60] [--seconds 30] [--windows 1]
        [--before-opts '-XX:…'] [--after-opts '-XX:…']

With `--windows N` it goes on sampling N-1 further windows of `--seconds` each and prints each window's CPU (with
and without the JIT), which shows how long the compiler's backlog lasts; the thread table is the first window's.
SANDPOD_BENCH_PORTS=18200-18299 keeps the apps' HTTP ports in a range.

Run it as root one heavy job at a time on a shared machine.
"""
import argparse
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from cpu import process_cpu, thread_groups, threads  # noqa: E402
from sandpod_bench import App, Client, load  # noqa: E402


def burst(app, runs, out):
    client = Client(app.port, "user", "user123")
    errors = 0
    for _ in range(runs):
        try:
            client.run("python", "print('hi')")
        except Exception:  # noqa: BLE001 — counted, the burst goes on
            errors += 1
    out.append(errors)


def window(args, i, first, last):
    cells = []
    for n in ("before", "after"):
        total = (last[n][1] - first[n][1]) * 100 / args.seconds
        jit = sum(v[0] for k, v in thread_groups(first[n][0], last[n][0]) if "Compiler" in k) * 100 / args.seconds
        cells.append("%.1f, %.1f" % (total, total - jit))
    start = args.wait + (i - 1) * args.seconds
    print("| %d–%d | %s | %s |" % (start, start + args.seconds, cells[0], cells[1]), flush=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--before", required=True)
    p.add_argument("--after", required=True)
    p.add_argument("--runs", type=int, default=60)
    p.add_argument("--wait", type=int, default=60)
    p.add_argument("--seconds", type=int, default=30)
    p.add_argument("--windows", type=int, default=1)
    p.add_argument("--before-opts", default="", help="extra JVM options for the before jar (e.g. JIT flags)")
    p.add_argument("--after-opts", default="", help="extra JVM options for the after jar")
    args = p.parse_args()
    print("load before: %s" % load())
    apps = {}
    try:
        for name in ("before", "after"):
            apps[name] = App(getattr(args, name), getattr(args, name + "_opts").split())
            print("%s: %s %s live after %.1f s" % (name, getattr(args, name), getattr(args, name + "_opts"),
                                                   apps[name].live_after))
        results = {name: [] for name in apps}
        bursts = [threading.Thread(target=burst, args=(apps[n], args.runs, results[n])) for n in apps]
        for b in bursts:
            b.start()
        for b in bursts:
            b.join()
        print("burst of %d runs each; errors %s" % (args.runs, {n: r[0] for n, r in results.items()}))
        time.sleep(args.wait)
        first = {n: (threads(a.proc.pid), process_cpu(a.proc.pid)) for n, a in apps.items()}
        time.sleep(args.seconds)
        last = {n: (threads(a.proc.pid), process_cpu(a.proc.pid)) for n, a in apps.items()}
        print("\nidle %d s from %d s after the burst; load %s\n" % (args.seconds, args.wait, load()))
        print("| | before | after |\n|---|---|---|")
        groups = {n: dict(thread_groups(first[n][0], last[n][0])) for n in apps}
        total = {n: (last[n][1] - first[n][1]) * 100 / args.seconds for n in apps}
        jit = {n: sum(v[0] for k, v in groups[n].items() if "Compiler" in k) * 100 / args.seconds for n in apps}
        print("| idle CPU, %% of a core | %.1f | %.1f |" % (total["before"], total["after"]))
        print("| … without the JIT compiler threads | %.1f | %.1f |" % (
            total["before"] - jit["before"], total["after"] - jit["after"]))
        names = sorted(set(groups["before"]) | set(groups["after"]),
                       key=lambda k: -max(groups["before"].get(k, (0, 0))[0], groups["after"].get(k, (0, 0))[0]))
        print("\n| thread group | CPU ms before | after | wake-ups/s before | after |\n|---|---|---|---|---|")
        for k in names[:25]:
            b, a = groups["before"].get(k, (0, 0)), groups["after"].get(k, (0, 0))
            print("| %s | %.0f | %.0f | %.1f | %.1f |" % (k, b[0] * 1000, a[0] * 1000, b[1] / args.seconds,
                                                        a[1] / args.seconds))
        wakes = {n: sum(v[1] for v in groups[n].values()) / args.seconds for n in apps}
        print("| (all threads) | | | %.0f | %.0f |" % (wakes["before"], wakes["after"]))
        if args.windows > 1:
            print("\n| window (s after the burst) | before: CPU %, without JIT | after: CPU %, without JIT |")
            print("|---|---|---|")
            window(args, 1, first, last)
            for i in range(2, args.windows + 1):
                first = last
                time.sleep(args.seconds)
                last = {n: (threads(a.proc.pid), process_cpu(a.proc.pid)) for n, a in apps.items()}
                window(args, i, first, last)
            print("\nload %s" % load())
    finally:
        for a in apps.values():
            a.stop()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Issue 20 item 5: a soak of N runs over all five languages (a hostile sample among them), 4 clients, against the
built jar. Prints runs/s, p50/p99, errors, and host resources before and after (processes, open fds, threads,
cgroups, files in the runner's work directory, heap after a full GC): all should be flat. Asserts nothing.
"""
import argparse
import glob
import os
import re
import signal
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from sandpod_bench import App, Client, ensure_jar, load, pct, uptime  # noqa: E402

GO_HELLO = 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("ok") }\n'
# Per 10 runs; Go compiles each run (about a second of CPU), so it gets 1 in 10.
MIX = [("python", "print('ok')"), ("bash", "echo ok"), ("node", "console.log('ok')"), ("ruby", "puts 'ok'"),
       ("python", "import json; print(json.dumps({'ok': sum(range(1000))}))"), ("bash", "for i in 1 2 3; do echo $i; done"),
       ("node", "console.log([1,2,3].map(x => x * 2).join(','))"), ("ruby", "puts (1..10).sum"),
       ("python", "import sys; print('err', file=sys.stderr); print('ok')"), ("go", GO_HELLO)]
# Every 50th run: short hostile ones, each ending at a limit or by itself within about a second or two.
HOSTILE = [("bash", ":(){ :|:& };:\nsleep 1\n"), ("python", "x = bytearray(10**10)\n"), ("bash", "yes\n"),
           ("python", "import time\nt = time.time()\nwhile time.time() - t < 1: pass\n"),
           ("python", "import os\nfor _ in range(30):\n    if os.fork() == 0:\n        import time; time.sleep(60)\n")]
EXPECTED = {"completed", "failed", "timeout"}


def script_for(i):
    if i % 50 == 49:
        return True, HOSTILE[(i // 50) % len(HOSTILE)]
    return False, MIX[i % len(MIX)]


def descendants(pid):
    children = {}
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            with open(stat) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.split("/")[2]))
        except (OSError, IndexError, ValueError):
            pass
    out, todo = [], [pid]
    while todo:
        for c in children.get(todo.pop(), []):
            out.append(c)
            todo.append(c)
    return len(out)


def sandbox_uid_processes(uid_base):
    """Processes of this app's uid range only (other runners on the machine have their own ranges)."""
    n = 0
    for status in glob.glob("/proc/[0-9]*/status"):
        try:
            with open(status) as f:
                for line in f:
                    if line.startswith("Uid:"):
                        if uid_base <= int(line.split()[1]) < uid_base + 1000000:
                            n += 1
                        break
        except OSError:
            pass
    return n


def run_cgroups(pid):
    # Run groups of this app's runner: <mount>/sandpod/<app pid>-<random>/<run>, in every hierarchy it uses.
    pattern = "sandpod/%d-*/*" % pid
    return sum(1 for d in glob.glob("/sys/fs/cgroup/*/" + pattern) + glob.glob("/sys/fs/cgroup/" + pattern)
               if os.path.isdir(d))


def class_histogram(pid):
    """{class: (instances, bytes)} of the live objects (the histogram runs a full GC first)."""
    out = subprocess.run(["jcmd", str(pid), "GC.class_histogram"], stdout=subprocess.PIPE, text=True).stdout
    rows = [line.split() for line in out.splitlines() if re.match(r"\s*\d+:", line)]
    return {r[3]: (int(r[1]), int(r[2])) for r in rows if len(r) >= 4}


def top_classes(hist, top=8):
    rows = sorted(hist.items(), key=lambda kv: -kv[1][1])[:top]
    return ["%s %d MiB" % (name, size // (1 << 20)) for name, (_, size) in rows]


def growth(first, last, runs, top=15):
    """The classes that grew most between two histograms, with the bytes and instances per run."""
    rows = []
    for name, (count, size) in last.items():
        count0, size0 = first.get(name, (0, 0))
        rows.append((size - size0, count - count0, name))
    rows.sort(reverse=True)
    return ["%s +%.1f MiB (+%d objects, %.0f B and %.1f objects per run)"
            % (name, ds / (1 << 20), dc, ds / max(runs, 1), dc / max(runs, 1)) for ds, dc, name in rows[:top]]


def fd_kinds(pid):
    """The app's open fds by kind (socket, pipe, anon_inode:..., or the file's directory)."""
    kinds = {}
    for fd in os.listdir("/proc/%d/fd" % pid):
        try:
            target = os.readlink("/proc/%d/fd/%s" % (pid, fd))
        except OSError:
            continue
        if target.startswith("/"):
            target = os.path.dirname(target) + "/"
        else:
            target = re.sub(r"\[\d+\]$", "", target)
        kinds[target] = kinds.get(target, 0) + 1
    return kinds


def count_files(root):
    n = 0
    for _, dirs, files in os.walk(root):
        n += len(files) + len(dirs)
    return n


def heap_after_gc(pid):
    subprocess.run(["jcmd", str(pid), "GC.run"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    out = subprocess.run(["jcmd", str(pid), "GC.heap_info"], stdout=subprocess.PIPE, text=True).stdout
    m = re.search(r"used (\d+)K", out)
    return int(m.group(1)) // 1024 if m else -1


def resources(app, workdir, uid_base):
    pid = app.proc.pid
    with open("/proc/%d/status" % pid) as f:
        threads = int(re.search(r"Threads:\s+(\d+)", f.read()).group(1))
    return {
        "app's descendant processes (pooled sandboxes included)": descendants(pid),
        "processes of sandbox uids": sandbox_uid_processes(uid_base),
        "open fds of the app": len(os.listdir("/proc/%d/fd" % pid)),
        "threads of the app": threads,
        "run cgroups of the app's runner": run_cgroups(pid),
        "files in the runner's work dir": count_files(workdir),
        "heap after GC (MiB)": heap_after_gc(pid),
    }


STOP = threading.Event()


def soak(clients, n, offset=0, on_progress=None):
    lock = threading.Lock()
    next_i = [0]
    lat, errors, hostile_lat, outcomes = [], [], [], {}

    def worker(c):
        while True:
            with lock:
                i = next_i[0]
                if i >= n or STOP.is_set():
                    return
                next_i[0] += 1
            hostile, (lang, script) = script_for(i + offset)
            try:
                try:
                    took, _, status = c.run(lang, script)
                except RuntimeError as e:
                    if "execute: 401" not in str(e):
                        raise
                    # The session ended (SANDPOD_SESSION_TIMEOUT, 60 min by default): sign in again and retry once.
                    c.__init__(c.port, "user", "user123")
                    took, _, status = c.run(lang, script)
                with lock:
                    outcomes[status] = outcomes.get(status, 0) + 1
                    (hostile_lat if hostile else lat).append(took)
                    if status not in EXPECTED or (not hostile and status != "completed"):
                        errors.append("%s run %d ended %s" % (lang, i, status))
            except Exception as e:  # noqa: BLE001 - counted and shown
                with lock:
                    errors.append(str(e)[:200])
            if i and i % 1000 == 0:
                print("  %d runs, load %s" % (i, load()), flush=True)
            if on_progress is not None:
                on_progress(i)

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.monotonic() - started, lat, hostile_lat, errors, outcomes


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--jar", default="app/target/sandpod.jar")
    p.add_argument("--runs", type=int, default=10000)
    p.add_argument("--clients", type=int, default=4)
    p.add_argument("--warmup", type=int, default=100)
    p.add_argument("--label", default="")
    p.add_argument("--histogram-every", type=int, default=0,
                   help="also take a class histogram (after a full GC) every N runs, and print the growth")
    p.add_argument("--heap-dump", default="", help="write a heap dump of the live objects here at the end")
    p.add_argument("--work-dir", default="/tmp/sandpod-bench-soak-runs",
                   help="the runner's work directory (two soaks side by side need two)")
    p.add_argument("--uid-base", type=int, default=1960000000,
                   help="the sandboxes' uid base (two soaks side by side need two ranges, 1 000 000 apart)")
    a = p.parse_args()
    # Ctrl-C (or SIGTERM) ends the soak early: the runs in flight finish, and the figures so far are reported.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: (STOP.set(), print("stopping: reporting the runs done so far", flush=True)))
    ensure_jar(a.jar)
    workdir = a.work_dir
    uid_base = a.uid_base
    print("before: " + uptime(), flush=True)
    app = App(a.jar, ["-Dsandpod.execution.max-active-per-user=100",
                      "-Dsandpod.executor.sandbox.work-dir=" + workdir,
                      "-Dsandpod.executor.sandbox.uid-base=%d" % uid_base])
    try:
        clients = [Client(app.port, "user", "user123") for _ in range(a.clients)]
        soak(clients, a.warmup, offset=1)  # every language and its pool, JIT; not counted
        time.sleep(5)
        before = resources(app, workdir, uid_base)
        hist_before = class_histogram(app.proc.pid)
        fds_before = fd_kinds(app.proc.pid)
        load_before = load()
        print("resources before: %s" % before, flush=True)
        hists = [(0, hist_before)]
        hist_lock = threading.Lock()

        def progress(i):
            if a.histogram_every and i and i % a.histogram_every == 0:
                with hist_lock:
                    h = class_histogram(app.proc.pid)
                    hists.append((i, h))
                    print("  histogram at %d runs: %.0f MiB live; %s" % (i, sum(v[1] for v in h.values()) / (1 << 20),
                                                                       ", ".join(top_classes(h, 10))), flush=True)

        elapsed, lat, hostile_lat, errors, outcomes = soak(clients, a.runs, on_progress=progress)
        load_during = load()
        if STOP.is_set():
            print("stopped early after %.0f s" % elapsed, flush=True)
        time.sleep(10)  # the pool refills, clean-ups finish
        after = resources(app, workdir, uid_base)
        up = uptime()
        total = len(lat) + len(hostile_lat)
        print("\n## soak %s, %d runs%s, %d clients %s\n" % (
            time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), a.runs,
            " (stopped early)" if STOP.is_set() else "", a.clients, a.label))
        print("| metric | value |\n|---|---|")
        print("| runs done / errors | %d / %d |" % (total, len(errors)))
        print("| runs/s | %.1f |" % (total / elapsed))
        print("| p50 / p99, ordinary runs (%d) | %.0f / %.0f ms |" % (len(lat), pct(lat, 50), pct(lat, 99)))
        print("| p50 / p99, hostile sample (%d) | %.0f / %.0f ms |" % (len(hostile_lat), pct(hostile_lat, 50),
                                                                     pct(hostile_lat, 99)))
        print("| outcomes | %s |" % ", ".join("%s %d" % kv for kv in sorted(outcomes.items(), key=str)))
        print("| load before / at the end | %s / %s |" % (load_before, load_during))
        print("\n| resource | before | after |\n|---|---|---|")
        for k in before:
            print("| %s | %s | %s |" % (k, before[k], after[k]))
        print("\n`uptime` after: " + up)
        if errors:
            print("first errors: " + " | ".join(errors[:3]))
        hist_after = class_histogram(app.proc.pid)
        print("largest classes on the heap before: " + ", ".join(top_classes(hist_before)))
        print("largest classes on the heap after:  " + ", ".join(top_classes(hist_after)))
        print("growth over the %d runs:\n  " % total + "\n  ".join(growth(hist_before, hist_after, total)))
        for (i0, h0), (i1, h1) in zip(hists, hists[1:]):
            print("growth runs %d-%d: %s" % (i0, i1, "; ".join(growth(h0, h1, i1 - i0, 6))))
        fds_after = fd_kinds(app.proc.pid)
        changed = {k: (fds_before.get(k, 0), fds_after.get(k, 0)) for k in set(fds_before) | set(fds_after)
                   if fds_before.get(k, 0) != fds_after.get(k, 0)}
        print("open fds by kind that changed (before, after): %s" % (changed or "none"))
        if a.heap_dump:
            subprocess.run(["jcmd", str(app.proc.pid), "GC.heap_dump", a.heap_dump], stdout=subprocess.DEVNULL)
            print("heap dump: " + a.heap_dump)
    finally:
        app.stop()


if __name__ == "__main__":
    sys.exit(main())

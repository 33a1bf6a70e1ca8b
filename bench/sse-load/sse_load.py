#!/usr/bin/env python3
"""Issue 20 item 6: 500 concurrent SSE streams while 10 runs/s complete. Prints figures, asserts nothing.

Streams: --exec-streams execution streams, watching "ticker" runs (each prints the wall clock every 250 ms for
--ticker-seconds; --watchers streams per ticker, a new ticker with new watchers as soon as one ends), and
--notif-streams notification streams (an admin posts an announcement every second; every user gets it in-app).
Frame delay: receive time minus the time printed inside the sandbox (output frames), or minus the announcement's
POST (notification frames); same host clock. Meanwhile --rate print('ok') runs a second complete, each followed on
its own stream. Counts every 5xx answer and every stream that missed a frame, by kind: no final frame, a run that
did not complete (--run-timeout, 60 s by default, keeps a loaded machine's slow tickers from timing out), or lines
it was owed (printed after it opened: live output is not replayed) missing at the end (the final frame overtaking the
run's last output) or before. The print('ok') runs print one such line and are checked alike.
"""
import argparse
import collections
import json
import os
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from sandpod_bench import App, Client, ensure_jar, load, pct, uptime  # noqa: E402


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.exec_delays, self.notif_delays, self.ok_lat = [], [], []
        self.server_errors, self.errors = 0, []
        self.open_now, self.open_max = 0, 0
        self.exec_streams = self.exec_short = self.notif_short = 0
        self.ok_streams = self.ok_short = 0
        self.short_kinds = collections.Counter()

    def opened(self, delta):
        with self.lock:
            self.open_now += delta
            self.open_max = max(self.open_max, self.open_now)

    def error(self, e):
        with self.lock:
            if " 5" in str(e)[-6:] or ": 5" in str(e):
                self.server_errors += 1
            self.errors.append(str(e)[:160])


def ticker_script(seconds):
    return ("import time\nfor i in range(%d):\n    print('%%d %%.3f' %% (i, time.time()), flush=True)\n"
            "    time.sleep(0.25)\n" % (seconds * 4))


def follow(client, execution_id):
    """One execution stream to its end: (result status or None, line numbers owed but not received, delays).

    Live output is not replayed (docs/architecture.md: the stored result has all of it), so a stream is owed the
    lines printed after it opened: its response headers arrive after its subscription is registered, so every line
    the result shows printed after that moment (same host clock) must have come as an output frame."""
    stream, r = client.open_stream("/api/v1/events/executions/" + execution_id)
    opened_at = time.time()
    got, delays, status, stdout = set(), [], None, ""
    try:
        while True:
            line = r.readline()
            if not line:
                break
            if not line.startswith(b"data:"):
                continue
            now = time.time()
            frame = json.loads(line[5:])
            if frame.get("event_type") == "output" and frame.get("stream") == "stdout":
                for text in frame.get("data", "").split("\n"):
                    if text:
                        index, printed = text.split()
                        got.add(int(index))
                        delays.append((now - float(printed)) * 1000)
            elif frame.get("event_type") == "result_stored":
                result = frame.get("result") or {}
                status, stdout = result.get("status") or frame.get("status"), result.get("stdout") or ""
                break
    finally:
        stream.close()
    printed = [text.split() for text in stdout.split("\n") if text]
    owed = [int(i) for i, at in printed if float(at) > opened_at]
    return status, [i for i in owed if i not in got], len(printed), delays


def watch_execution(client, execution_id, stats):
    """A ticker's watcher: its output frames' delays, and whether it got every line it is owed."""
    stats.opened(1)
    try:
        status, missing, lines, delays = follow(client, execution_id)
    except Exception as e:  # noqa: BLE001 - counted
        stats.error(e)
        return
    finally:
        stats.opened(-1)
    with stats.lock:
        stats.exec_streams += 1
        stats.exec_delays.extend(delays)
        kind = short_kind(status, missing, lines)
        if kind:
            stats.exec_short += 1
            stats.short_kinds[kind] += 1


def short_kind(status, missing, lines):
    """Why a stream ended short (None: it did not): no final frame, a run that did not complete, or which of the
    lines it was owed it missed."""
    if status is None:
        return "no result_stored"
    if status != "completed":
        return "run " + str(status)
    if not missing:
        return None
    tail = missing == list(range(lines - len(missing), lines))
    return "missing its last owed line(s)" if tail else "missing owed lines before the last"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--jar", default="app/target/sandpod.jar")
    p.add_argument("--seconds", type=int, default=60)
    p.add_argument("--exec-streams", type=int, default=400)
    p.add_argument("--watchers", type=int, default=20)
    p.add_argument("--notif-streams", type=int, default=100)
    p.add_argument("--ticker-seconds", type=int, default=6)
    # The runs' timeout: well above the tickers' 6 s, so that a loaded machine does not end them as timed out
    p.add_argument("--run-timeout", type=int, default=60)
    p.add_argument("--rate", type=float, default=10.0)
    p.add_argument("--label", default="")
    a = p.parse_args()
    ensure_jar(a.jar)
    tickers = a.exec_streams // a.watchers
    print("before: " + uptime(), flush=True)
    app = App(a.jar, ["-Dsandpod.execution.max-active-per-user=200", "-Dsandpod.execution.timeout-seconds=%d" % a.run_timeout, "-Dsandpod.executor.workers=%d" % (tickers + 16),
                      "-Dsandpod.rate-limit.sse-max-connections-per-user=0",
                      "-Dsandpod.notifications.sse-heartbeat=5s", "-Dsandpod.notifications.throttle.enabled=false"])
    stats = Stats()
    stop = threading.Event()
    posted = []  # announcement subjects with their POST times
    try:
        admin = Client(app.port, "admin", "admin123")
        users = [Client(app.port, "user", "user123") for _ in range(8)]

        def notification_stream(k):
            c = users[k % len(users)]
            try:
                stream, r = c.open_stream("/api/v1/events/notifications/stream")
            except Exception as e:  # noqa: BLE001
                stats.error(e)
                return
            stats.opened(1)
            seen = set()
            try:
                event = None
                while not stop.is_set():
                    line = r.readline()
                    if not line:
                        break
                    if line.startswith(b"event:"):
                        event = line[6:].strip()
                    elif line.startswith(b"data:") and event == b"notification":
                        now = time.time()
                        n = json.loads(line[5:])
                        subject = n.get("subject", "")
                        if subject.startswith("sse-load "):
                            seen.add(subject)
                            stats_delay = (now - float(subject.split()[1])) * 1000
                            with stats.lock:
                                stats.notif_delays.append(stats_delay)
            except Exception as e:  # noqa: BLE001
                if not stop.is_set():
                    stats.error(e)
            finally:
                stream.close()
                stats.opened(-1)
            with stats.lock:
                # the last announcement may still be on its way when the stop comes
                if len([s for s in posted[:-1] if s not in seen and float(s.split()[1]) > opened_at[k]]) > 0:
                    stats.notif_short += 1

        opened_at = {}
        notif_threads = []
        for k in range(a.notif_streams):
            opened_at[k] = time.time() + 3  # announcements posted from 3 s after the open count
            t = threading.Thread(target=notification_stream, args=(k,), daemon=True)
            t.start()
            notif_threads.append(t)

        def ticker_slot(k):
            c = users[k % len(users)]
            while not stop.is_set():
                try:
                    eid = c.submit("python", ticker_script(a.ticker_seconds))
                except Exception as e:  # noqa: BLE001
                    stats.error(e)
                    time.sleep(1)
                    continue
                ws = [threading.Thread(target=watch_execution,
                                       args=(users[(k + j) % len(users)], eid, stats))
                      for j in range(a.watchers)]
                for w in ws:
                    w.start()
                for w in ws:
                    w.join()

        def ok_loop(k, n_loops):
            c = users[k % len(users)]
            interval = n_loops / a.rate
            nxt = time.monotonic()
            while not stop.is_set():
                nxt += interval
                try:
                    # print('ok') with a line number and the time, followed on its own stream: its one output frame
                    # and its end come on two paths, the tightest case of the final frame overtaking the output
                    t0 = time.monotonic()
                    eid = c.submit("python", "import time\nprint('0 %.3f' % time.time())\n")
                    status, missing, lines, _ = follow(c, eid)
                    took = (time.monotonic() - t0) * 1000
                    with stats.lock:
                        stats.ok_lat.append(took)
                        stats.ok_streams += 1
                        kind = short_kind(status, missing, lines)
                        if kind:
                            stats.ok_short += 1
                            stats.short_kinds["print('ok'): " + kind] += 1
                        if status != "completed":
                            stats.errors.append("ok run " + str(status))
                except Exception as e:  # noqa: BLE001
                    stats.error(e)
                time.sleep(max(0, nxt - time.monotonic()))

        def announcer():
            while not stop.is_set():
                subject = "sse-load %.3f" % time.time()
                status, data = admin.request("POST", "/api/v1/admin/notifications/announcements",
                                             {"subject": subject, "body": "load test", "audience": "all"})
                if status >= 500:
                    with stats.lock:
                        stats.server_errors += 1
                elif status != 200:
                    stats.errors.append("announcement %d %s" % (status, data[:100]))
                with stats.lock:
                    posted.append(subject)
                time.sleep(1)

        workers = [threading.Thread(target=ticker_slot, args=(k,), daemon=True) for k in range(tickers)]
        ok_threads = 6
        workers += [threading.Thread(target=ok_loop, args=(k, ok_threads), daemon=True) for k in range(ok_threads)]
        workers.append(threading.Thread(target=announcer, daemon=True))
        started = time.monotonic()
        for w in workers:
            w.start()
        time.sleep(a.seconds)
        mid_load = load()
        stop.set()
        elapsed = time.monotonic() - started
        for w in workers:
            w.join(timeout=a.ticker_seconds + 30)
        for t in notif_threads:
            t.join(timeout=10)  # a heartbeat at most 5 s away ends each read
        up = uptime()
        with stats.lock:
            print("\n## SSE load %s %s\n" % (time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), a.label))
            print("| metric | value | target |\n|---|---|---|")
            print("| streams open at once (max) | %d | 500 |" % stats.open_max)
            print("| execution streams done / short of frames | %d / %d | all / 0 |" % (stats.exec_streams,
                                                                                      stats.exec_short))
            print("| print('ok') streams / short of their output frame | %d / %d | all / 0 |" % (stats.ok_streams,
                                                                                                 stats.ok_short))
            if stats.short_kinds:
                print("| short streams by kind | %s | |" % ", ".join(
                    "%s: %d" % kv for kv in stats.short_kinds.most_common()))
            print("| output frame delay p50 / p99 / max (%d) | %.0f / %.0f / %.0f ms | p99 ≤ 250 ms |" % (
                len(stats.exec_delays), pct(stats.exec_delays, 50), pct(stats.exec_delays, 99),
                max(stats.exec_delays or [0])))
            print("| notification streams / missing an announcement | %d / %d | 0 |" % (a.notif_streams,
                                                                                      stats.notif_short))
            print("| notification frame delay p50 / p99 (%d) | %.0f / %.0f ms | p99 ≤ 250 ms |" % (
                len(stats.notif_delays), pct(stats.notif_delays, 50), pct(stats.notif_delays, 99)))
            print("| print('ok') runs/s, p50 / p99 | %.1f, %.0f / %.0f ms | 10/s |" % (
                len(stats.ok_lat) / elapsed, pct(stats.ok_lat, 50), pct(stats.ok_lat, 99)))
            print("| 5xx / other errors | %d / %d | 0 |" % (stats.server_errors, len(stats.errors)))
            print("| load average during | %s | |" % mid_load)
            print("\n`uptime` after: " + up)
            if stats.errors:
                print("first errors: " + " | ".join(stats.errors[:3]))
    finally:
        app.stop()


if __name__ == "__main__":
    sys.exit(main())

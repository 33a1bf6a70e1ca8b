#!/usr/bin/env python3
"""Load harness: start time to live, and POST /execute -> result_stored latency over the real stack.

Starts the built jar on a fresh data dir (embedded Mongo-wire server and Kafka broker, local sandbox),
measures how long until /api/v1/health/live answers, then submits print('hi') N times one after another,
each timed from the POST to the result_stored frame of its SSE stream. Prints the numbers; asserts nothing.

    python3 bench/execution_latency.py [--jar app/target/sandpod.jar] [--runs 20] [--port 18181]
"""
import argparse
import http.cookiejar
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request


def wait_live(base, deadline):
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/api/v1/health/live", timeout=1) as r:
                if r.status == 200:
                    return True
        except Exception:
            time.sleep(0.1)
    return False


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--jar", default="app/target/sandpod.jar")
    p.add_argument("--runs", type=int, default=20)
    p.add_argument("--port", type=int, default=18181)
    p.add_argument("--script", default="print('hi')")
    a = p.parse_args()

    data = tempfile.mkdtemp(prefix="sandpod-bench-")
    env = dict(os.environ, SANDPOD_DATA_DIR=data, SERVER_PORT=str(a.port),
               SANDPOD_RATE_LIMIT_ENABLED="false")  # 20 runs in a row would hit the 10/min execute limit
    log = open(os.path.join(data, "app.log"), "w")
    started = time.monotonic()
    app = subprocess.Popen(["java", "-jar", a.jar], env=env, stdout=log, stderr=subprocess.STDOUT)
    base = "http://127.0.0.1:%d" % a.port
    try:
        if not wait_live(base, started + 120):
            print("app did not become live within 120 s; log in " + log.name, file=sys.stderr)
            return 1
        start_to_live = time.monotonic() - started

        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        form = urllib.parse.urlencode({"username": "user", "password": "user123"}).encode()
        deadline = time.monotonic() + 60
        while True:
            try:
                with opener.open(base + "/api/v1/auth/login", data=form, timeout=10) as r:
                    csrf = json.load(r)["csrf_token"]
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

        def run_once():
            body = json.dumps({"script": a.script, "lang": "python", "lang_version": "3.11"}).encode()
            req = urllib.request.Request(base + "/api/v1/execute", data=body, method="POST",
                                         headers={"Content-Type": "application/json", "X-CSRF-Token": csrf})
            t0 = time.monotonic()
            with opener.open(req, timeout=30) as r:
                execution_id = json.load(r)["execution_id"]
            with opener.open(base + "/api/v1/events/executions/" + execution_id, timeout=60) as stream:
                for raw in stream:
                    line = raw.decode("utf-8").strip()
                    if line.startswith("data:"):
                        frame = json.loads(line[5:])
                        if frame["event_type"] == "result_stored":
                            t1 = time.monotonic()
                            status = frame["result"]["status"]
                            return t1 - t0, status
            raise RuntimeError("stream ended without result_stored")

        first, first_status = run_once()
        samples = []
        statuses = {}
        for _ in range(a.runs):
            took, status = run_once()
            samples.append(took)
            statuses[status] = statuses.get(status, 0) + 1
        ms = sorted(s * 1000 for s in samples)
        print("start to live:                 %.1f s" % start_to_live)
        print("first run (cold):              %.0f ms (%s)" % (first * 1000, first_status))
        print("POST /execute -> result_stored over %d runs of %r:" % (a.runs, a.script))
        print("  median %.0f ms   p90 %.0f ms   min %.0f ms   max %.0f ms   statuses %s" % (
            statistics.median(ms), ms[int(len(ms) * 0.9) - 1], ms[0], ms[-1], statuses))
        return 0
    finally:
        app.terminate()
        try:
            app.wait(timeout=30)
        except subprocess.TimeoutExpired:
            app.kill()
        log.close()
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

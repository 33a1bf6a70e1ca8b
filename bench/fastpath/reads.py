#!/usr/bin/env python3
"""The three reads of two jars side by side (issue 21, reads). Not a test: prints req/s and the load, asserts nothing.

Starts both jars (fresh data dirs, free ports, rate limits off, `./sandpod run`'s JVM options unless
SANDPOD_BENCH_JAVA_OPTS says otherwise), gives each `--runs` hello worlds (so the list has pages to read), warms
each read up once, then for `--rounds` rounds measures on each jar in turn, with `wrk -t2 -c32` for `--seconds`
each: `GET /health/live` without a session (the HTTP floor: no session, no store) and with the session cookie (what the
session check alone costs), `GET /executions/{id}/result` and `GET /user/executions?limit=20` with the session cookie,
as the SPA sends them, and `GET /executions/{id}/result` once more with a personal access
token (`Authorization: Bearer`, scope `read`) instead, the way a REST client polls. Rounds alternate the jars so a
change in the machine's load hits both columns.

    python3 bench/fastpath/reads.py --before A.jar --after B.jar [--runs 100] [--seconds 10] [--rounds 2]

Run it as root one heavy job at a time on a shared machine; SANDPOD_BENCH_PORTS=18100-18199 keeps its ports in a range.
"""
import argparse
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from fastpath import hello  # noqa: E402
from sandpod_bench import App, Client, uptime  # noqa: E402

READS = [("GET /health/live, no session (HTTP floor)", "/api/v1/health/live", "none"),
         ("GET /health/live with the session cookie", "/api/v1/health/live", "cookie"),
         ("GET /executions/{id}/result", "/api/v1/executions/%s/result", "cookie"),
         ("GET /user/executions?limit=20", "/api/v1/user/executions?limit=20", "cookie"),
         ("GET /executions/{id}/result, API token", "/api/v1/executions/%s/result", "token")]


def wrk(url, header, seconds, connections):
    out = subprocess.run(["wrk", "-t2", "-c%d" % connections, "-d%ds" % seconds, "-H", header, url],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    m = re.search(r"Requests/sec:\s*([\d.]+)", out.stdout)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", out.stdout)
    return (float(m.group(1)) if m else float("nan")), (int(non2xx.group(1)) if non2xx else 0)


def api_token(client):
    status, body = client.request("POST", "/api/v1/user/tokens", {"name": "reads-bench", "scopes": ["read"]})
    if status not in (200, 201):
        raise RuntimeError("token: %d %s" % (status, body[:200]))
    return json.loads(body)["token"]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--before", required=True)
    p.add_argument("--after", required=True)
    p.add_argument("--runs", type=int, default=100)
    p.add_argument("--seconds", type=int, default=10)
    p.add_argument("--rounds", type=int, default=2)
    args = p.parse_args()
    print("before: %s" % uptime(), flush=True)
    apps, targets = {}, {}
    try:
        for name in ("before", "after"):
            app = apps[name] = App(getattr(args, name))
            client = Client(app.port, "user", "user123")
            eid = None
            for _ in range(args.runs):
                eid = hello(client, "python")[1]
            headers = {"none": "Accept: */*", "cookie": "Cookie: " + client.cookie,
                       "token": "Authorization: Bearer " + api_token(client)}
            targets[name] = (app.port, headers, eid)
            print("%s: %s live after %.1f s, %d runs" % (name, getattr(args, name), app.live_after, args.runs),
                  flush=True)
        results = {name: {label: [] for label, _, _ in READS} for name in apps}
        for name, (port, headers, eid) in targets.items():  # warm-up, not counted
            for _, path, auth in READS:
                wrk("http://127.0.0.1:%d%s" % (port, path.replace("%s", eid)), headers[auth], 3, 32)
        for r in range(args.rounds):
            order = ("before", "after") if r % 2 == 0 else ("after", "before")
            for name in order:
                port, headers, eid = targets[name]
                for label, path, auth in READS:
                    rps, bad = wrk("http://127.0.0.1:%d%s" % (port, path.replace("%s", eid)), headers[auth],
                                   args.seconds, 32)
                    results[name][label].append(rps)
                    if bad:
                        print("  %s %s: %d non-2xx" % (name, label, bad))
        print("\nreads, wrk -t2 -c32, %d s each, %d rounds; after: %s\n" % (args.seconds, args.rounds, uptime()))
        print("| read | before req/s | % of its floor | after req/s | % of its floor |\n|---|---|---|---|---|")
        for label, _, _ in READS:
            cells = []
            for name in ("before", "after"):
                mean = sum(results[name][label]) / len(results[name][label])
                floor = sum(results[name][READS[0][0]]) / len(results[name][READS[0][0]])
                cells += ["%.0f (%s)" % (mean, ", ".join("%.0f" % v for v in results[name][label])),
                          "%.0f %%" % (100 * mean / floor)]
            print("| %s | %s |" % (label, " | ".join(cells)))
    finally:
        for a in apps.values():
            a.stop()


if __name__ == "__main__":
    main()

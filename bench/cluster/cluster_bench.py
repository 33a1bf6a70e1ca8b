#!/usr/bin/env python3
"""Capacity figures of a running `./sandpod cluster` (issue 18): throughput, CPU per run of every member,
store writes and Kafka messages per run, SSE connections per API instance. Prints numbers, asserts nothing.
Run through run.sh, which starts the cluster (rate limits off, a metrics scrape token) and stops it."""
import argparse
import collections
import http.client
import json
import os
import re
import socket
import time
import urllib.parse
import uuid

TERMINAL = {"completed", "failed", "timeout", "cancelled", "error"}
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid, children=False):
    """The process's own CPU (utime + stime); with children, plus that of its reaped descendants (cutime +
    cstime): for the executor, the sandboxed runs themselves (launch helper, bubblewrap, the interpreter)."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    own = int(fields[11]) + int(fields[12])
    return (own + (int(fields[13]) + int(fields[14]) if children else 0)) / TICK


def rss_mib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def load():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


class Client:
    def __init__(self, port, username, password, register=False):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        if register:
            status, data = self.call("POST", "/api/v1/auth/register",
                                     {"username": username, "email": username + "@example.test",
                                      "password": password}, auth=False)
            if status not in (200, 201):
                raise RuntimeError("register: %d %s" % (status, data[:200]))
        body = urllib.parse.urlencode({"username": username, "password": password})
        self.conn.request("POST", "/api/v1/auth/login", body, {"Content-Type": "application/x-www-form-urlencoded"})
        r = self.conn.getresponse()
        payload = r.read()
        if r.status != 200:
            raise RuntimeError("login: %d %s" % (r.status, payload[:200]))
        cookies = {}
        for k, v in r.getheaders():
            if k.lower() == "set-cookie":
                name, _, rest = v.partition("=")
                cookies[name] = rest.split(";", 1)[0]
        self.cookie = "; ".join("%s=%s" % kv for kv in cookies.items())
        self.csrf = json.loads(payload)["csrf_token"]

    def at(self, port):
        other = object.__new__(Client)
        other.port, other.cookie, other.csrf = port, self.cookie, self.csrf
        other.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        return other

    def call(self, method, path, body=None, auth=True):
        headers = {}
        if auth:
            headers["Cookie"] = self.cookie
        if body is not None:
            headers["Content-Type"] = "application/json"
            if auth:
                headers["X-CSRF-Token"] = self.csrf
            body = json.dumps(body)
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body, headers)
                r = self.conn.getresponse()
                return r.status, r.read()
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
                if attempt == 2:
                    raise


def scrape(port, token):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", "/actuator/prometheus", headers={"Authorization": "Bearer " + token})
    r = conn.getresponse()
    text = r.read().decode()
    if r.status != 200:
        raise RuntimeError("scrape %d: %d" % (port, r.status))
    return text


def metric_sum(text, name, label_filter=None):
    """Sum of a Prometheus counter over its series, optionally grouped by one label."""
    totals = {}
    for line in text.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        labels = dict(re.findall(r'(\w+)="([^"]*)"', line.split(" ")[0]))
        key = labels.get(label_filter, "") if label_filter else ""
        totals[key] = totals.get(key, 0.0) + float(line.rsplit(" ", 1)[1])
    return totals


def delta(after, before):
    return {k: after.get(k, 0.0) - before.get(k, 0.0) for k in after if after.get(k, 0.0) - before.get(k, 0.0) > 0}


def run_batch(clients, runs, script):
    """Submits `runs` runs in batches of 20 spread over the clients (and so over both instances); returns
    (ids with their client, seconds until every run ended)."""
    started = time.monotonic()
    pending = {}
    i = 0
    while i < runs:
        client = clients[(i // 20) % len(clients)]
        n = min(20, runs - i)
        status, data = client.call("POST", "/api/v1/executions/batch",
                                   {"submissions": [{"script": script, "lang": "python", "lang_version": "3.11"}] * n})
        if status != 200:
            raise RuntimeError("batch: %d %s" % (status, data[:300]))
        for e in json.loads(data)["executions"]:
            pending[e["execution_id"]] = client
        i += n
    ids = dict(pending)
    statuses = {}
    while pending:
        by_client = {}
        for eid, client in pending.items():
            by_client.setdefault(id(client), (client, []))[1].append(eid)
        for client, eids in by_client.values():
            for k in range(0, len(eids), 50):
                status, data = client.call("GET", "/api/v1/executions?ids=" + ",".join(eids[k:k + 50]))
                if status == 200:
                    for e in json.loads(data)["executions"]:
                        if e.get("status") in TERMINAL:
                            statuses[e["execution_id"]] = e["status"]
                            pending.pop(e["execution_id"], None)
        if pending:
            if time.monotonic() - started > 900:
                raise RuntimeError("%d runs did not end within 15 min" % len(pending))
            time.sleep(0.5)
    return ids, statuses, time.monotonic() - started


def open_streams(port, cookie, count):
    socks = []
    for _ in range(count):
        s = socket.create_connection(("127.0.0.1", port), timeout=30)
        s.sendall(("GET /api/v1/events/notifications/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                   "Accept: text/event-stream\r\nCookie: %s\r\n\r\n" % cookie).encode())
        socks.append(s)
    ok = 0
    for s in socks:
        data = b""
        deadline = time.monotonic() + 60
        while b":connected" not in data.replace(b": ", b":") and time.monotonic() < deadline:
            try:
                chunk = s.recv(4096)
            except socket.timeout:
                break
            if not chunk:
                break
            data += chunk
        ok += b" 200 " in data.split(b"\r\n", 1)[0] + b" "
    return socks, ok


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True)
    p.add_argument("--api1", type=int, required=True)
    p.add_argument("--api2", type=int, required=True)
    p.add_argument("--token", required=True)
    p.add_argument("--runs", type=int, default=200)
    p.add_argument("--users", type=int, default=8)
    p.add_argument("--streams", type=int, default=400)
    p.add_argument("--max-concurrent", type=int, default=32,
                   help="the max_concurrent_executions setting during the run (default setting: 10)")
    a = p.parse_args()
    pids = {}
    for name in ("api-1", "api-2", "executor", "kafka", "mongo", "redis"):
        with open(os.path.join(a.dir, name + ".pid")) as f:
            pids[name] = int(f.read().strip())
    ports = [a.api1, a.api2]
    tag = uuid.uuid4().hex[:6]
    admin = Client(a.api1, "admin", "admin123")
    status, data = admin.call("PUT", "/api/v1/admin/settings", {"max_concurrent_executions": a.max_concurrent})
    if status != 200:
        raise RuntimeError("settings: %d %s" % (status, data[:200]))
    clients = []
    for u in range(a.users):
        c = Client(ports[u % 2], "bench-%s-%d" % (tag, u), "bench-password-%d" % u, register=True)
        clients.append(c)
    # spread each person's batches over both instances
    clients = clients + [c.at(ports[(k + 1) % 2]) for k, c in enumerate(clients)]

    print("cluster bench: %d runs (python print) over 2 API instances, 1 executor, max_concurrent_executions %d; "
          "load before: %s" % (a.runs, a.max_concurrent, load()))
    run_batch(clients, 20, "print('warm')")  # warm-up: JIT, connections, topics

    scripts_before = {port: scrape(port, a.token) for port in ports}
    cpu_before = {n: cpu_seconds(pid) for n, pid in pids.items()}
    runs_before = cpu_seconds(pids["executor"], children=True)
    ids, statuses, took = run_batch(clients, a.runs, "print('hi')")
    cpu_after = {n: cpu_seconds(pid) for n, pid in pids.items()}
    runs_after = cpu_seconds(pids["executor"], children=True)
    scripts_after = {port: scrape(port, a.token) for port in ports}

    print("\n== throughput")
    print("%d runs ended in %.1f s: %.2f runs/s end to end; statuses: %s" % (
        len(statuses), took, len(statuses) / took,
        ", ".join("%s %d" % (k, v) for k, v in sorted(collections.Counter(statuses.values()).items()))))
    print("\n== CPU per run (ms) and what one core of each carries")
    for name in pids:
        used = cpu_after[name] - cpu_before[name]
        per_run = used * 1000 / max(1, len(statuses))
        print("  %-9s %7.1f ms/run  -> %7.1f runs/s per core   (%.1f CPU-s in the window, RSS %.0f MiB)" % (
            name, per_run, 1000 / per_run if per_run else float("inf"), used, rss_mib(pids[name])))

    with_runs = (runs_after - runs_before) * 1000 / max(1, len(statuses))
    print("  %-9s %7.1f ms/run  -> %7.1f runs/s per core   (the executor with its sandboxed runs: launch, "
          "bubblewrap, python)" % ("exec+runs", with_runs, 1000 / with_runs if with_runs else float("inf")))

    writes = {}
    kafka = {}
    for port in ports:
        for k, v in delta(metric_sum(scripts_after[port], "mongodb_driver_commands_seconds_count", "command"),
                          metric_sum(scripts_before[port], "mongodb_driver_commands_seconds_count", "command")).items():
            writes[k] = writes.get(k, 0) + v
        for metric in ("spring_kafka_template_seconds_count", "spring_kafka_listener_seconds_count"):
            for k, v in delta(metric_sum(scripts_after[port], metric, "spring_kafka_listener_id" if "listener" in metric else None),
                              metric_sum(scripts_before[port], metric, "spring_kafka_listener_id" if "listener" in metric else None)).items():
                kafka[metric.split("_")[2] + (":" + k if k else "")] = kafka.get(metric.split("_")[2] + (":" + k if k else ""), 0) + v
    n = max(1, len(statuses))
    print("\n== store commands per run (both API instances, Mongo driver metrics)")
    for k in sorted(writes, key=lambda k: -writes[k]):
        print("  %-16s %6.1f" % (k, writes[k] / n))
    write_cmds = sum(v for k, v in writes.items() if k in ("insert", "update", "delete", "findAndModify"))
    print("  writes (insert+update+delete+findAndModify): %.1f per run" % (write_cmds / n))
    print("\n== Kafka records per run seen by the API instances (sends; consumed per listener)")
    for k in sorted(kafka):
        print("  %-40s %6.2f" % (k, kafka[k] / n))

    sample = next(iter(ids))
    status, data = ids[sample].call("GET", "/api/v1/audit/aggregates/execution/%s/events?limit=1000" % sample)
    if status == 200:
        print("  events stored for one run: %d" % json.loads(data)["total"])

    print("\n== SSE: %d notification streams held open on API 1" % a.streams)
    rss0, cpu0 = rss_mib(pids["api-1"]), cpu_seconds(pids["api-1"])
    heap0 = metric_sum(scrape(a.api1, a.token), "jvm_memory_used_bytes", "area").get("heap", 0)
    socks, ok = open_streams(a.api1, clients[0].cookie, a.streams)
    time.sleep(30)
    rss1, cpu1 = rss_mib(pids["api-1"]), cpu_seconds(pids["api-1"])
    heap1 = metric_sum(scrape(a.api1, a.token), "jvm_memory_used_bytes", "area").get("heap", 0)
    print("  %d of %d answered 200 and ':connected'" % (ok, a.streams))
    print("  RSS %.0f -> %.0f MiB (%.1f KiB per stream); heap used %.0f -> %.0f MiB; CPU over the 30 s held: %.2f s" % (
        rss0, rss1, (rss1 - rss0) * 1024 / max(1, ok), heap0 / 2**20, heap1 / 2**20, cpu1 - cpu0))
    for s in socks:
        s.close()
    print("\nload after: %s" % load())


if __name__ == "__main__":
    main()

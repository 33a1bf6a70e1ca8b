"""Shared parts of the Python benchmarks (hostile-load, soak, sse-load): start the built jar on a fresh data
directory and a free port, sign in, submit runs and follow their event streams, percentiles, machine load.

Not a test and not shipped: the harnesses print figures beside the machine's load and assert nothing.
"""
import http.client
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.parse

VERSIONS = {"python": "3.11", "node": "20", "ruby": "3.1", "bash": "5.2", "go": "1.19"}


def pct(values, p):
    if not values:
        return float("nan")
    s = sorted(values)
    k = (len(s) - 1) * p / 100.0
    lo = int(k)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def load():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def uptime():
    return subprocess.run(["uptime"], stdout=subprocess.PIPE, text=True).stdout.strip()


_handed_out = set()


def free_port():
    """A free port; from SANDPOD_BENCH_PORTS ("18200-18299") when set, so parallel sessions keep to their ranges."""
    span = os.environ.get("SANDPOD_BENCH_PORTS")
    candidates = range(int(span.split("-")[0]), int(span.split("-")[1]) + 1) if span else [0]
    for port in candidates:
        if port in _handed_out:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            if span:
                _handed_out.add(port)
            return s.getsockname()[1]
    raise RuntimeError("no free port in " + span)


def ensure_jar(jar):
    if not os.path.exists(jar):
        subprocess.run(["mvn", "-o", "-B", "-ntp", "-q", "-pl", "app", "-am", "package", "-DskipTests",
                        "-Dexec.skip=true", "-Dfrontend.npm.install.skip=true", "-Dfrontend.test.skip=true"],
                       check=True)
    return jar


def java_opts():
    """The JVM options `./sandpod run` gives the app, unless SANDPOD_BENCH_JAVA_OPTS says otherwise."""
    if os.environ.get("SANDPOD_BENCH_JAVA_OPTS"):
        return os.environ["SANDPOD_BENCH_JAVA_OPTS"].split()
    out = subprocess.run(["bash", "-c", "eval \"$(sed -n '/^app_java_opts() {/,/^}/p' sandpod)\"; app_java_opts"],
                         stdout=subprocess.PIPE, text=True)
    return out.stdout.split()


def launch_args(jar):
    """How `./sandpod run` launches a jar (its class-data-sharing form, prepared once per jar; `app_launch` in
    ./sandpod), unless SANDPOD_CDS=off: then the jar itself."""
    out = subprocess.run(["bash", "-c", "eval \"$(sed -n '/^app_java_opts() {/,/^}/p;/^app_launch() {/,/^}/p' sandpod)\";"
                          " app_launch \"$1\"", "launch", jar], stdout=subprocess.PIPE, text=True, check=True)
    return out.stdout.split()


class App:
    """The jar on a fresh data directory and a free port, rate limits off (the benchmarks submit in bulk)."""

    def __init__(self, jar, extra_opts=(), keep_data=False):
        self.port = free_port()
        self.data = tempfile.mkdtemp(prefix="sandpod-bench-")
        self.keep_data = keep_data
        env = dict(os.environ, SANDPOD_DATA_DIR=self.data, SERVER_PORT=str(self.port),
                   SANDPOD_RATE_LIMIT_ENABLED="false", AXONIQ_UPDATE_CHECKER_DISABLED="true")
        self.log = open(os.path.join(self.data, "bench-app.log"), "w")
        launch = launch_args(jar)  # before the clock starts: a new jar's archive is made once, here
        self.proc = subprocess.Popen(["java"] + java_opts() + list(extra_opts) + launch, env=env,
                                     stdout=self.log, stderr=subprocess.STDOUT)
        started = time.monotonic()
        while time.monotonic() < started + 240:
            try:
                c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=1)
                c.request("GET", "/api/v1/health/live")
                if c.getresponse().status == 200:
                    break
            except OSError:
                pass
            if self.proc.poll() is not None:
                raise RuntimeError("app exited; log in " + self.log.name)
            time.sleep(0.1)
        else:
            raise RuntimeError("app not live after 240 s; log in " + self.log.name)
        self.live_after = time.monotonic() - started
        deadline = time.monotonic() + 60
        while True:  # the seeded accounts come a moment after /health/live
            try:
                Client(self.port, "user", "user123")
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()
        # The app's log outlives the data directory: a 5xx or a stall is explained there.
        kept = "/tmp/sandpod-bench-app-%d.log" % int(time.time())
        shutil.copyfile(self.log.name, kept)
        print("app log: " + kept)
        if not self.keep_data:
            shutil.rmtree(self.data, ignore_errors=True)


class Client:
    """One signed-in session (cookie + CSRF token) over a keep-alive connection."""

    def __init__(self, port, username, password):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        body = urllib.parse.urlencode({"username": username, "password": password})
        self.conn.request("POST", "/api/v1/auth/login", body, {"Content-Type": "application/x-www-form-urlencoded"})
        r = self.conn.getresponse()
        payload = r.read()
        if r.status != 200:
            raise RuntimeError("login failed: %d %s" % (r.status, payload[:200]))
        cookies = {}
        for k, v in r.getheaders():
            if k.lower() == "set-cookie":
                name, _, rest = v.partition("=")
                cookies[name] = rest.split(";", 1)[0]
        self.cookie = "; ".join("%s=%s" % kv for kv in cookies.items())
        self.csrf = json.loads(payload)["csrf_token"]

    def request(self, method, path, body=None):
        headers = {"Cookie": self.cookie}
        if body is not None:
            headers.update({"Content-Type": "application/json", "X-CSRF-Token": self.csrf})
            body = json.dumps(body)
        try:
            self.conn.request(method, path, body, headers)
            r = self.conn.getresponse()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            self.conn.request(method, path, body, headers)
            r = self.conn.getresponse()
        return r.status, r.read()

    def submit(self, lang, script):
        status, data = self.request("POST", "/api/v1/execute",
                                    {"script": script, "lang": lang, "lang_version": VERSIONS[lang]})
        if status not in (200, 202):
            raise RuntimeError("execute: %d %s" % (status, data[:200]))
        return json.loads(data)["execution_id"]

    def open_stream(self, path):
        stream = http.client.HTTPConnection("127.0.0.1", self.port, timeout=180)
        stream.request("GET", path, headers={"Cookie": self.cookie, "Accept": "text/event-stream"})
        r = stream.getresponse()
        if r.status != 200:
            stream.close()
            raise RuntimeError("stream %s: %d" % (path, r.status))
        return stream, r

    def await_result(self, execution_id):
        """Follows the execution's event stream until result_stored; returns the frame."""
        stream, r = self.open_stream("/api/v1/events/executions/" + execution_id)
        try:
            while True:
                line = r.readline()
                if not line:
                    raise RuntimeError("stream ended without result_stored")
                if line.startswith(b"data:"):
                    frame = json.loads(line[5:])
                    if frame.get("event_type") == "result_stored":
                        return frame
        finally:
            stream.close()

    def run(self, lang, script):
        """POST /execute → result_stored frame; returns (ms, execution id, result status)."""
        t0 = time.monotonic()
        execution_id = self.submit(lang, script)
        frame = self.await_result(execution_id)
        return (time.monotonic() - t0) * 1000, execution_id, frame.get("result", {}).get("status")

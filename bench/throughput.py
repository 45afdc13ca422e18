"""Throughput under gunicorn (2 sync workers, loopback only): the project detail page of
the CRM, signed in, against the bare Flask "hello world" of bench/hello.py, in the same
run and with the same load generator (`wrk` from Debian; installed by the benchmark when
missing and we are root; otherwise a Python load generator, and the table says so).

Then every page of the benchmark is requested twice from four connections, so both
workers have rendered everything (PDFs included), and the workers' resident memory
(VmRSS) is read from /proc. Every process started here is stopped here.
"""
from __future__ import annotations

import http.client
import http.cookiejar
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

from bench.data import PASSWORD, RESULTS, ROOT, STAFF_EMAIL
from bench.measure import CSRF, Row, percentile

HOST = "127.0.0.1"
USER_AGENT = "crm-bench"  # the same on the sign-in and under load (strong session protection)
TARGET_RATIO = 0.20
TARGET_RSS_MB = 150.0

WRK_SCRIPT = r"""
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) ok = 0; other = 0; bytes = 0 end
function response(status, headers, body)
  if status == 200 then ok = ok + 1 else other = other + 1 end
end
function done(summary, latency, requests)
  local o, n = 0, 0
  for _, t in ipairs(threads) do o = o + t:get("ok"); n = n + t:get("other") end
  io.write(string.format("bench: status200=%d other=%d p50_us=%d p95_us=%d errors=%d\n",
    o, n, latency:percentile(50), latency:percentile(95),
    summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def ensure_wrk(log=print) -> str | None:
    found = shutil.which("wrk")
    if found or os.environ.get("BENCH_NO_INSTALL"):
        return found
    if os.geteuid() != 0:
        log("  wrk is not installed and we are not root: using the Python load generator")
        return None
    log("  installing wrk (apt-get install -y wrk) …")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for attempt in ("install", "update-then-install"):
        if attempt == "update-then-install":
            subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True, timeout=300)
        result = subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], env=env,
                                capture_output=True, timeout=300)
        if result.returncode == 0 and shutil.which("wrk"):
            return shutil.which("wrk")
    log("  could not install wrk: using the Python load generator")
    return None


class Gunicorn:
    """`gunicorn --workers 2 --bind 127.0.0.1:<free port> APP`, stopped on exit."""

    def __init__(self, app: str, env: dict | None = None, workers: int = 2):
        self.app, self.workers = app, workers
        self.env = {**os.environ, **(env or {})}
        self.port = free_port()
        self.log_path = RESULTS / f"gunicorn-{app.replace(':', '-').replace('.', '-')}.log"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Gunicorn:
        self.log_file = open(self.log_path, "wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", str(self.workers),
             "--worker-class", "sync", "--bind", f"{HOST}:{self.port}",
             "--log-level", "warning", self.app],
            cwd=ROOT, env=self.env, stdout=self.log_file, stderr=subprocess.STDOUT,
            start_new_session=True)
        return self

    def wait_ready(self, path: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn {self.app} exited; see {self.log_path}")
            try:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=5)
                conn.request("GET", path)
                status = conn.getresponse().status
                conn.close()
                if status < 500 and len(self.worker_pids()) >= self.workers:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn {self.app} did not answer within {timeout} s")

    def worker_pids(self) -> list[int]:
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid == self.process.pid:
                pids.append(int(entry.name))
        return pids

    def worker_rss_mb(self) -> list[float]:
        out = []
        for pid in self.worker_pids():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
            if match:
                out.append(round(int(match.group(1)) * 1024 / 1e6, 1))
        return out

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # the master stops its workers
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)  # our own process group
                self.process.wait(timeout=5)
        self.log_file.close()


def sign_in(port: int) -> str:
    """Sign in through the real form; returns the Cookie header for later requests."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", USER_AGENT)]
    base = f"http://{HOST}:{port}"
    html = opener.open(f"{base}/login", timeout=30).read().decode()
    token = CSRF.search(html).group(1)
    form = urllib.parse.urlencode({"email": STAFF_EMAIL, "password": PASSWORD,
                                   "csrf_token": token}).encode()
    opener.open(f"{base}/login", data=form, timeout=60).read()
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    if "session=" not in cookie:
        raise RuntimeError("signing in to gunicorn failed (no session cookie)")
    return cookie


def fetch(port: int, path: str, cookie: str | None = None, timeout: float = 60):
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    headers = {"User-Agent": USER_AGENT}
    if cookie:
        headers["Cookie"] = cookie
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body


def run_wrk(wrk: str, port: int, path: str, cookie: str | None, *, threads: int,
            connections: int, duration: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    try:
        cmd = [wrk, f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "10s",
               "-s", script.name, "-H", f"User-Agent: {USER_AGENT}"]
        if cookie:
            cmd += ["-H", f"Cookie: {cookie}"]
        cmd.append(f"http://{HOST}:{port}{path}")
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60)
    finally:
        os.unlink(script.name)
    out = result.stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    mine = re.search(r"bench: status200=(\d+) other=(\d+) p50_us=(\d+) p95_us=(\d+) errors=(\d+)",
                     out)
    if not rps or not mine:
        raise RuntimeError(f"could not read wrk's output: {out} {result.stderr}")
    return {"rps": float(rps.group(1)), "ok": int(mine.group(1)), "other": int(mine.group(2)),
            "p50_ms": int(mine.group(3)) / 1000, "p95_ms": int(mine.group(4)) / 1000,
            "errors": int(mine.group(5)),
            "generator": f"wrk -t{threads} -c{connections} -d{duration}s"}


def run_python_load(port: int, path: str, cookie: str | None, *, connections: int,
                    duration: int) -> dict:
    """A plain load generator for when wrk cannot be had (it competes for the same CPUs,
    so its figures are lower than wrk's)."""
    stop = time.monotonic() + duration
    latencies: list[float] = []
    counts = {"ok": 0, "other": 0, "errors": 0}
    lock = threading.Lock()

    def worker():
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                status, _body = fetch(port, path, cookie, timeout=10)
            except OSError:
                with lock:
                    counts["errors"] += 1
                continue
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                counts["ok" if status == 200 else "other"] += 1

    started = time.monotonic()
    pool = [threading.Thread(target=worker) for _ in range(connections)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.monotonic() - started
    return {"rps": round((counts["ok"] + counts["other"]) / elapsed, 1), **counts,
            "p50_ms": statistics.median(latencies) if latencies else None,
            "p95_ms": percentile(latencies, 95) if latencies else None,
            "generator": f"python (threads={connections}, {duration}s; wrk unavailable)"}


def load(wrk, port, path, cookie, *, threads, connections, duration) -> dict:
    if wrk:
        return run_wrk(wrk, port, path, cookie, threads=threads, connections=connections,
                       duration=duration)
    return run_python_load(port, path, cookie, connections=connections, duration=duration)


TOUR_CONNECTIONS = 4


def tour(port: int, cookie: str, paths: list[str], rounds: int = 2) -> list[str]:
    """Every page, from several connections at once (so that both workers get their share:
    with more connections than workers, none of them stays idle)."""
    problems: list[str] = []

    def walk():
        for _ in range(rounds):
            for path in paths:
                try:
                    status, _body = fetch(port, path, cookie, timeout=120)
                except OSError as e:
                    problems.append(f"{path}: {e}")
                    continue
                if status != 200:
                    problems.append(f"{path}: {status}")

    pool = [threading.Thread(target=walk) for _ in range(TOUR_CONNECTIONS)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return problems


def measure_throughput(scale: str, url: str, detail_path: str, tour_paths: list[str], *,
                       duration: int = 10, threads: int = 2, connections: int = 8,
                       log=print) -> list[Row]:
    wrk = ensure_wrk(log)
    opts = {"threads": threads, "connections": connections, "duration": duration}
    rows = []
    with Gunicorn("bench.hello:app") as hello_server:
        hello_server.wait_ready("/")
        fetch(hello_server.port, "/")
        hello = load(wrk, hello_server.port, "/", None, **opts)
        hello_rss = hello_server.worker_rss_mb()
    hello_row = Row("hello world throughput (gunicorn, 2 workers)", scale, kind="hello",
                    path="/", rps=round(hello["rps"], 1), median_ms=hello["p50_ms"],
                    p95_ms=hello["p95_ms"], rss_mb=max(hello_rss or [0]),
                    note=hello["generator"], extra={"non_200": hello["other"],
                                                    "errors": hello["errors"]})
    rows.append(hello_row)
    log(f"  {'hello world':<42} {hello['rps']:9.1f} requests/s ({hello['generator']})")

    env = {"DATABASE_URL": url, "CRM_ENV": "development"}
    with Gunicorn("wsgi:app", env) as crm:
        crm.wait_ready("/login")
        cookie = sign_in(crm.port)
        status, body = fetch(crm.port, detail_path, cookie)
        if status != 200:
            raise RuntimeError(f"{detail_path} answered {status} under gunicorn")
        for _ in range(4):  # warm both workers
            fetch(crm.port, detail_path, cookie)
        detail = load(wrk, crm.port, detail_path, cookie, **opts)
        rss_after_detail = crm.worker_rss_mb()
        problems = tour(crm.port, cookie, tour_paths)
        rss = crm.worker_rss_mb()
    # The same page with the page cache off: what rendering it every time costs.
    with Gunicorn("wsgi:app", {**env, "CRM_PAGE_CACHE_MB": "0"}) as uncached:
        uncached.wait_ready("/login")
        cookie = sign_in(uncached.port)
        for _ in range(4):
            fetch(uncached.port, detail_path, cookie)
        rendered = load(wrk, uncached.port, detail_path, cookie, **opts)
    ratio = detail["rps"] / hello["rps"] if hello["rps"] else None
    note = detail["generator"]
    if detail["other"] or detail["errors"]:
        note += f"; {detail['other']} non-200 responses, {detail['errors']} errors"
    rows.append(Row("project detail throughput (gunicorn, 2 workers)", scale, kind="throughput",
                    path=detail_path, rps=round(detail["rps"], 1),
                    ratio_to_hello=round(ratio, 4) if ratio is not None else None,
                    median_ms=detail["p50_ms"], p95_ms=detail["p95_ms"],
                    rss_mb=max(rss_after_detail or [0]), bytes=len(body),
                    target=f"≥ {TARGET_RATIO:.0%} of hello",
                    ok=(ratio is not None and ratio >= TARGET_RATIO and not detail["other"]
                        and not detail["errors"]),
                    note=note, extra={"non_200": detail["other"], "errors": detail["errors"]}))
    log(f"  {'project detail':<42} {detail['rps']:9.1f} requests/s, "
        f"{(ratio or 0):.1%} of hello world")
    rendered_ratio = rendered["rps"] / hello["rps"] if hello["rps"] else None
    rows.append(Row("project detail throughput, page cache off", scale, kind="throughput",
                    path=detail_path, rps=round(rendered["rps"], 1),
                    ratio_to_hello=round(rendered_ratio, 4) if rendered_ratio else None,
                    median_ms=rendered["p50_ms"], p95_ms=rendered["p95_ms"],
                    target="for information", ok=None,
                    note=f"{rendered['generator']}; every request rendered (CRM_PAGE_CACHE_MB=0)",
                    extra={"non_200": rendered["other"], "errors": rendered["errors"]}))
    log(f"  {'project detail, page cache off':<42} {rendered['rps']:9.1f} requests/s, "
        f"{(rendered_ratio or 0):.1%} of hello world")
    worst = max(rss or [0])
    rows.append(Row("worker memory after the benchmark (max RSS)", scale, kind="rss",
                    rss_mb=worst, target=f"≤ {TARGET_RSS_MB:.0f} MB", ok=worst <= TARGET_RSS_MB,
                    note=(f"workers {', '.join(f'{r:.0f}' for r in rss)} MB after the load and "
                          f"{len(tour_paths)} pages × 2 rounds × {TOUR_CONNECTIONS} connections"
                          + (f"; problems: {'; '.join(problems[:3])}" if problems else "")),
                    extra={"workers_mb": rss, "after_detail_load_mb": rss_after_detail}))
    log(f"  {'worker memory (max RSS)':<42} {worst:9.1f} MB")
    return rows

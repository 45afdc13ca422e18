"""The CRM under gunicorn, as deployed: `gunicorn -c gunicorn.conf.py wsgi:app` (sync
workers; bind and workers from CRM_BIND / CRM_WORKERS), on 127.0.0.1 only, loaded by
`wrk` (from Debian; installed by the benchmark when missing and we are root; otherwise a
Python load generator, and the table says so).

- **hello world**: bench/hello.py, a bare Flask app, under the same config, workers and
  load shape (wrk -t2 -c8, the same rotating script and headers), for half the
  duration right before each festival day and half right after: the mean is the
  baseline of its ratio.
- **festival day**: 2 workers serve project detail pages of the 200 busiest projects,
  read in turn by 10 staff users, each signed in through the real /login form (CSRF
  token and all); request n reads project n mod 200 as user (n + n div 200) mod 10, so
  every user reads every project. Meanwhile another client logs a meeting about one of
  those projects through the API (POST /api/v1/meetings, bearer token) every second.
  Reported: requests/s, p50 and p99 of the page reads, their ratio to hello world, the
  meetings actually logged (rows counted in the database before and after) and every
  non-2xx answer, the writer's included.
- **worker memory**: after the festival day, every page of the benchmark is requested
  twice from four connections (so both workers have rendered everything, PDFs
  included) and the workers' resident memory (VmRSS) is read from /proc.
- **concurrent writes** (PostgreSQL): 4 workers, 8 connections logging meetings through
  the API for 20 s, each request with one of 8 users' tokens in turn: meetings/s, p50,
  p99 and errors.

Every process started here is stopped here.
"""
from __future__ import annotations

import http.client
import http.cookiejar
import json
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
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from bench.data import PASSWORD, RESULTS, ROOT, STAFF_EMAIL, add_readers
from bench.measure import CSRF, Row, percentile

HOST = "127.0.0.1"
USER_AGENT = "crm-bench"  # the same on the sign-in and under load (strong session protection)
TARGET_RATIO = 0.08
TARGET_P99_MS = 60.0
TARGET_RSS_MB = 120.0
READERS = 10
PROJECTS = 200
WRITERS = 8
THREADS, CONNECTIONS = 2, 8  # wrk -t2 -c8: the load shape of hello world and the festival day

LUA = r"""
local paths = {PATHS}
local bodies = {BODIES}
local headersets = {HEADERSETS}
local method = "{METHOD}"
local threads = {}
function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end
function init(args)
  n = id * 104729  -- threads start apart: not the same project at the same moment
  c2 = 0; c3 = 0; c4 = 0; c429 = 0; c5 = 0; bad = ""
end
function request()
  n = n + 1
  local i = n % #paths
  local u = (n + math.floor(n / #paths)) % #headersets
  local body = nil
  if #bodies > 0 then body = bodies[i + 1] end
  return wrk.format(method, paths[i + 1], headersets[u + 1], body)
end
function response(status, headers, body)
  if status < 300 then c2 = c2 + 1
  elseif status < 400 then c3 = c3 + 1
  elseif status == 429 then c429 = c429 + 1
  elseif status < 500 then c4 = c4 + 1
  else c5 = c5 + 1 end
  if status >= 300 and #bad < 600 then  -- the first few refusals, for the table's note
    bad = bad .. status .. " " .. string.gsub(string.sub(body or "", 1, 160), "%s+", " ") .. " | "
  end
end
function done(summary, latency, requests)
  local t = {c2 = 0, c3 = 0, c4 = 0, c429 = 0, c5 = 0}
  for _, thread in ipairs(threads) do
    for k, _ in pairs(t) do t[k] = t[k] + thread:get(k) end
  end
  local e = summary.errors
  io.write(string.format(
    "bench: requests=%d duration_us=%d c2=%d c3=%d c4=%d c429=%d c5=%d " ..
    "p50_us=%d p95_us=%d p99_us=%d errors=%d\n",
    summary.requests, summary.duration, t.c2, t.c3, t.c4, t.c429, t.c5,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout))
  for _, thread in ipairs(threads) do
    local b = thread:get("bad")
    if b and #b > 0 then io.write("bench-bad: " .. b .. "\n") end
  end
end
"""


def lua_string(text: str) -> str:
    # JSON's escapes for these strings (quotes, backslashes, newlines) are Lua's too.
    return json.dumps(text, ensure_ascii=False)


def lua_list(items) -> str:
    return "{" + ", ".join(items) + "}"


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
    """`gunicorn -c gunicorn.conf.py APP` on a free loopback port, stopped on exit."""

    def __init__(self, app: str, env: dict | None = None, workers: int = 2, label: str = ""):
        self.app, self.workers = app, workers
        self.port = free_port()
        self.env = {**os.environ, **(env or {}), "CRM_BIND": f"{HOST}:{self.port}",
                    "CRM_WORKERS": str(workers)}
        self.env.pop("CRM_ACCESS_LOG", None)
        name = re.sub(r"[^a-z0-9]+", "-", f"{app} {label}".lower()).strip("-")
        self.log_path = RESULTS / f"gunicorn-{name}.log"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Gunicorn:
        self.log_file = open(self.log_path, "wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--log-level",
             "warning", self.app],
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

    def worker_cpu_seconds(self) -> float:
        """User + system CPU time of the workers so far (from /proc/<pid>/stat)."""
        total = 0
        for pid in self.worker_pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime (clock ticks)
        return total / os.sysconf("SC_CLK_TCK")

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


def sign_in(port: int, email: str = STAFF_EMAIL) -> str:
    """Sign in through the real form; returns the Cookie header for later requests."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", USER_AGENT)]
    base = f"http://{HOST}:{port}"
    html = opener.open(f"{base}/login", timeout=30).read().decode()
    token = CSRF.search(html).group(1)
    form = urllib.parse.urlencode({"email": email, "password": PASSWORD,
                                   "csrf_token": token}).encode()
    opener.open(f"{base}/login", data=form, timeout=60).read()
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    if "session=" not in cookie:
        raise RuntimeError(f"signing in to gunicorn as {email} failed (no session cookie)")
    return cookie


def fetch(port: int, path: str, cookie: str | None = None, timeout: float = 60, *,
          method: str = "GET", headers: dict | None = None, body: bytes | None = None):
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    all_headers = {"User-Agent": USER_AGENT, **(headers or {})}
    if cookie:
        all_headers["Cookie"] = cookie
    conn.request(method, path, body=body, headers=all_headers)
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, data


# --- load -----------------------------------------------------------------------------

class Load:
    """What a load generator sends: `paths[i]` (with `bodies[i]` when given) in turn,
    each time with the next of `headersets` in turn (see the module docstring)."""

    def __init__(self, paths: list[str], headersets: list[dict], method: str = "GET",
                 bodies: list[str] | None = None):
        self.paths, self.headersets, self.method = paths, headersets, method
        self.bodies = bodies or []

    def pick(self, n: int) -> tuple[str, dict, str | None]:
        i = n % len(self.paths)
        u = (n + n // len(self.paths)) % len(self.headersets)
        return self.paths[i], self.headersets[u], (self.bodies[i] if self.bodies else None)

    def lua(self) -> str:
        headersets = [lua_list(f"[{lua_string(k)}] = {lua_string(v)}" for k, v in h.items())
                      for h in self.headersets]
        return (LUA.replace("{PATHS}", lua_list(lua_string(p) for p in self.paths))
                .replace("{BODIES}", lua_list(lua_string(b) for b in self.bodies))
                .replace("{HEADERSETS}", lua_list(headersets))
                .replace("{METHOD}", self.method))


def run_wrk(wrk: str, port: int, load: Load, *, threads: int, connections: int,
            duration: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(load.lua())
    try:
        cmd = [wrk, f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "10s",
               "--latency", "-s", script.name, f"http://{HOST}:{port}/"]
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60)
    finally:
        os.unlink(script.name)
    mine = re.search(r"bench: (.*)", result.stdout)
    if not mine:
        raise RuntimeError(f"could not read wrk's output: {result.stdout} {result.stderr}")
    v = {k: int(x) for k, x in (item.split("=") for item in mine.group(1).split())}
    bad = " ".join(re.findall(r"bench-bad: (.*)", result.stdout)).strip(" |")
    return {"refusals": bad[:400],"rps": v["requests"] / (v["duration_us"] / 1e6), "requests": v["requests"],
            "ok": v["c2"], "non_2xx": v["c3"] + v["c4"] + v["c429"] + v["c5"],
            "rate_limited": v["c429"], "server_errors": v["c5"], "errors": v["errors"],
            "p50_ms": v["p50_us"] / 1000, "p95_ms": v["p95_us"] / 1000,
            "p99_ms": v["p99_us"] / 1000,
            "generator": f"wrk -t{threads} -c{connections} -d{duration}s"}


def run_python_load(port: int, load: Load, *, connections: int, duration: int) -> dict:
    """A plain load generator for when wrk cannot be had (it competes for the same CPUs,
    so its figures are lower than wrk's)."""
    stop = time.monotonic() + duration
    latencies: list[float] = []
    counts = {"ok": 0, "non_2xx": 0, "rate_limited": 0, "server_errors": 0, "errors": 0}
    refusals: list[str] = []
    lock = threading.Lock()
    turn = iter(range(10**9))

    def worker():
        while time.monotonic() < stop:
            with lock:
                n = next(turn)
            path, headers, body = load.pick(n)
            started = time.perf_counter()
            try:
                status, data = fetch(port, path, timeout=10, method=load.method,
                                      headers=headers, body=body.encode() if body else None)
            except OSError:
                with lock:
                    counts["errors"] += 1
                continue
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                if status < 300:
                    counts["ok"] += 1
                else:
                    counts["non_2xx"] += 1
                    counts["rate_limited"] += status == 429
                    counts["server_errors"] += status >= 500
                    if len(refusals) < 3:
                        refusals.append(f"{status} " + " ".join(
                            data[:160].decode(errors="replace").split()))

    started = time.monotonic()
    pool = [threading.Thread(target=worker) for _ in range(connections)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.monotonic() - started
    done = counts["ok"] + counts["non_2xx"]
    return {"rps": round(done / elapsed, 1), "requests": done, **counts,
            "refusals": " | ".join(refusals),
            "p50_ms": statistics.median(latencies) if latencies else None,
            "p95_ms": percentile(latencies, 95) if latencies else None,
            "p99_ms": percentile(latencies, 99) if latencies else None,
            "generator": f"python (threads={connections}, {duration}s; wrk unavailable)"}


def run_load(wrk, port, load: Load, *, threads=THREADS, connections=CONNECTIONS,
             duration: int) -> dict:
    if wrk:
        return run_wrk(wrk, port, load, threads=threads, connections=connections,
                       duration=duration)
    return run_python_load(port, load, connections=connections, duration=duration)


class Writer(threading.Thread):
    """Logs a meeting through the API every `interval` seconds until stopped."""

    def __init__(self, port: int, token: str, bodies: list[str], interval: float = 1.0):
        super().__init__(daemon=True)
        self.port, self.token, self.bodies, self.interval = port, token, bodies, interval
        self.stopping = threading.Event()
        self.statuses: list[int] = []
        self.latencies: list[float] = []
        self.errors: list[str] = []  # the first few, for the table's note
        self.connection_errors = 0

    def run(self):
        started = time.monotonic()
        n = 0
        while not self.stopping.is_set():
            body = self.bodies[n % len(self.bodies)].encode()
            t0 = time.perf_counter()
            try:
                status, data = fetch(self.port, "/api/v1/meetings", timeout=30, method="POST",
                                     body=body, headers={
                                         "Authorization": f"Bearer {self.token}",
                                         "Content-Type": "application/json"})
                self.statuses.append(status)
                self.latencies.append((time.perf_counter() - t0) * 1000)
                if status != 201 and len(self.errors) < 3:
                    self.errors.append(f"{status} {data[:120]!r}")
            except OSError as e:
                self.connection_errors += 1
                if len(self.errors) < 3:
                    self.errors.append(str(e))
            n += 1
            self.stopping.wait(max(0.0, started + n * self.interval - time.monotonic()))


# --- what the runs read and write ---------------------------------------------------

def festival_projects(url: str, count: int = PROJECTS) -> list[dict]:
    """The `count` projects with the most meetings (the honest worst case), each with an
    organization and a person of theirs for the meetings logged about them."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.text("""
                SELECT p.id,
                       (SELECT min(pp.organization_id) FROM project_parties pp
                        JOIN organizations o ON o.id = pp.organization_id
                        WHERE pp.project_id = p.id AND o.archived_at IS NULL
                       ) AS organization_id,
                       (SELECT min(x.person_id) FROM project_people x
                        JOIN people pe ON pe.id = x.person_id
                        WHERE x.project_id = p.id AND pe.archived_at IS NULL) AS person_id
                FROM projects p JOIN meeting_projects mp ON mp.project_id = p.id
                WHERE p.archived_at IS NULL
                GROUP BY p.id ORDER BY count(*) DESC, p.id LIMIT :n"""), {"n": count})
            out = [dict(r._mapping) for r in rows]
            staff = conn.execute(sa.text("SELECT id FROM users WHERE email = :e"),
                                 {"e": STAFF_EMAIL}).scalar()
            event = conn.execute(sa.text(
                "SELECT id FROM events ORDER BY start_date DESC, id LIMIT 1")).scalar()
    finally:
        engine.dispose()
    for r in out:
        r["staff"], r["event"] = staff, event
    return out


def meeting_bodies(projects: list[dict]) -> list[str]:
    from crm.models import utcnow
    today = utcnow().date()
    out = []
    for i, p in enumerate(projects):
        out.append(json.dumps({
            "occurred_at": f"{today.isoformat()}T{8 + i % 10:02d}:{i % 60:02d}:00+02:00",
            "event_id": p["event"], "location": "National Pavilion of Kazakhstan",
            "summary": ("Met at the pavilion after the screening: they would take a 30 % "
                        "minority share. Келісім жобасын келесі аптада жібереміз."),
            "outcome": "positive",
            "organization_ids": [p["organization_id"]] if p["organization_id"] else [],
            "person_ids": [p["person_id"]] if p["person_id"] else [],
            "project_ids": [p["id"]],
            "follow_ups": [{"description": "Send the budget top sheet", "owner_id": p["staff"],
                            "due_date": (today + timedelta(days=7)).isoformat()}],
        }, ensure_ascii=False))
    return out


def count_meetings(url: str) -> int:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text("SELECT count(*) FROM meetings")).scalar()
    finally:
        engine.dispose()


def create_token(app, email: str) -> str:
    """A bearer token for `email`, made with `flask crm create-token` (SPEC)."""
    result = app.test_cli_runner().invoke(args=["crm", "create-token", email,
                                                "--name", "benchmark"])
    if result.exit_code != 0:
        raise RuntimeError(f"create-token failed: {result.output}")
    return [line for line in result.output.splitlines() if line.strip()][-1].strip()


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


def _ms(value):
    return round(value, 2) if value is not None else None


# --- the runs -------------------------------------------------------------------------

def measure_throughput(scale: str, database: str, url: str, tour_paths: list[str], *,
                       duration: int = 15, write_duration: int = 20, log=print) -> list[Row]:
    """hello world, the festival day and worker memory (and, on PostgreSQL, the
    concurrent writes) for one scale on one database."""
    from bench.data import make_app
    wrk = ensure_wrk(log)
    rows: list[Row] = []
    readers = add_readers(url, READERS)
    projects = festival_projects(url)
    bodies = meeting_bodies(projects)
    paths = [f"/projects/{p['id']}" for p in projects]
    app = make_app(url)
    staff_token = create_token(app, STAFF_EMAIL)
    writer_tokens = [create_token(app, email) for email in readers[:WRITERS]]
    with app.app_context():
        from crm.extensions import db
        db.engine.dispose()
    env = {"DATABASE_URL": url, "CRM_ENV": "development"}

    with Gunicorn("wsgi:app", env, workers=2, label=f"{scale} {database}") as crm:
        crm.wait_ready("/login")
        cookies = [sign_in(crm.port, email) for email in readers]
        headersets = [{"Cookie": c, "User-Agent": USER_AGENT} for c in cookies]
        festival = Load(paths, headersets)
        for n in range(0, 4 * len(headersets)):  # warm both workers, every reader signed in
            path, headers, _ = festival.pick(n * 37)
            status, body = fetch(crm.port, path, headers=headers)
            if status != 200:
                raise RuntimeError(f"{path} answered {status} under gunicorn")

        # The baseline with the same load shape (and headers), half of it right before and
        # half right after: the ratio is to their mean, so that other work on the machine
        # that starts or stops meanwhile weighs on both sides alike.
        half = max(3, duration // 2)
        with Gunicorn("bench.hello:app", workers=2, label="hello") as hello_server:
            hello_server.wait_ready("/")
            fetch(hello_server.port, "/")
            hello_load = Load(["/"], headersets)
            hello_before = run_load(wrk, hello_server.port, hello_load, duration=half)

            before = count_meetings(url)
            cpu_before = crm.worker_cpu_seconds()
            writer = Writer(crm.port, staff_token, bodies)
            writer.start()
            detail = run_load(wrk, crm.port, festival, duration=duration)
            writer.stopping.set()
            writer.join(timeout=60)
            cpu = crm.worker_cpu_seconds() - cpu_before
            logged = count_meetings(url) - before

            hello_after = run_load(wrk, hello_server.port, hello_load, duration=half)
        hello = {key: (hello_before[key] + hello_after[key]) / 2
                 for key in ("rps", "p50_ms", "p95_ms", "p99_ms")}
        hello.update({key: hello_before[key] + hello_after[key] for key in ("non_2xx", "errors")})
        rows.append(Row("hello world (gunicorn, 2 workers)", scale, kind="hello",
                        database=database, path="/", rps=round(hello["rps"], 1),
                        median_ms=_ms(hello["p50_ms"]), p95_ms=_ms(hello["p95_ms"]),
                        p99_ms=_ms(hello["p99_ms"]), non_2xx=hello["non_2xx"],
                        errors=hello["errors"],
                        note=(f"{hello_before['generator']} before the festival day "
                              f"({hello_before['rps']:.0f}/s) and after it "
                              f"({hello_after['rps']:.0f}/s): their mean"),
                        extra={"before": hello_before, "after": hello_after}))
        log(f"  {'hello world (before, after)':<34} {hello['rps']:8.1f} requests/s  "
            f"({hello_before['rps']:.0f}, {hello_after['rps']:.0f}; {hello_before['generator']})")
        rss_after_festival = crm.worker_rss_mb()
        problems = tour(crm.port, cookies[0], tour_paths)
        rss = crm.worker_rss_mb()

    ratio = detail["rps"] / hello["rps"] if hello["rps"] else None
    writer_failed = len([s for s in writer.statuses if s != 201])
    non_2xx = detail["non_2xx"] + writer_failed
    errors = detail["errors"] + writer.connection_errors
    notes = [detail["generator"], f"{len(paths)} projects × {len(readers)} users",
             f"writer: {len(writer.statuses)} POSTs, 1 a second"]
    answered = detail["requests"] + len(writer.statuses)
    if answered:
        notes.append(f"workers' CPU {cpu * 1000 / answered:.1f} ms per request")
    if writer.latencies:
        notes.append(f"POST p50 {statistics.median(writer.latencies):.0f} ms, "
                     f"max {max(writer.latencies):.0f} ms")
    if writer.errors:
        notes.append("writer problems: " + "; ".join(writer.errors[:2]))
    if detail.get("refusals"):
        notes.append(f"first refusals: {detail['refusals'][:200]}")
    ok = (ratio is not None and ratio >= TARGET_RATIO and detail["p99_ms"] is not None
          and detail["p99_ms"] <= TARGET_P99_MS and non_2xx == 0 and errors == 0
          and logged == len(writer.statuses) > 0)
    rows.append(Row("festival day: project detail (gunicorn, 2 workers)", scale,
                    kind="festival", database=database, path=f"/projects/<{len(paths)} ids>",
                    rps=round(detail["rps"], 1),
                    ratio_to_hello=round(ratio, 4) if ratio is not None else None,
                    median_ms=_ms(detail["p50_ms"]), p95_ms=_ms(detail["p95_ms"]),
                    p99_ms=_ms(detail["p99_ms"]), meetings=logged, non_2xx=non_2xx,
                    errors=errors, rss_mb=max(rss_after_festival or [0]),
                    target=f"≥ {TARGET_RATIO:.0%} of hello, p99 ≤ {TARGET_P99_MS:.0f} ms, all 2xx",
                    ok=ok, note="; ".join(notes),
                    extra={"reads": detail, "writer_statuses": sorted(set(writer.statuses)),
                           "writer_posts": len(writer.statuses)}))
    log(f"  {'festival day (project detail)':<34} {detail['rps']:8.1f} requests/s  p50 "
        f"{detail['p50_ms']:6.1f} ms  p99 {detail['p99_ms']:6.1f} ms  {(ratio or 0):.1%} of hello;"
        f" {logged} meetings logged, {non_2xx} non-2xx, {errors} errors")

    worst = max(rss or [0])
    rows.append(Row("worker memory after the benchmark (max RSS)", scale, kind="rss",
                    database=database, rss_mb=worst, target=f"≤ {TARGET_RSS_MB:.0f} MB",
                    ok=worst <= TARGET_RSS_MB and not problems,
                    note=(f"workers {', '.join(f'{r:.0f}' for r in rss)} MB after the festival "
                          f"day and {len(tour_paths)} pages × 2 rounds × {TOUR_CONNECTIONS} "
                          "connections"
                          + (f"; problems: {'; '.join(problems[:3])}" if problems else "")),
                    extra={"workers_mb": rss, "after_festival_mb": rss_after_festival}))
    log(f"  {'worker memory (max RSS)':<34} {worst:8.1f} MB")

    if database == "postgresql":
        rows.append(measure_writes(scale, database, url, env, writer_tokens, paths, bodies,
                                   wrk=wrk, duration=write_duration, log=log))
    return rows


def measure_writes(scale: str, database: str, url: str, env: dict, tokens: list[str],
                   paths: list[str], bodies: list[str], *, wrk, duration: int,
                   log=print) -> Row:
    """8 connections logging meetings through the API against 4 workers."""
    headersets = [{"Authorization": f"Bearer {t}", "Content-Type": "application/json",
                   "User-Agent": USER_AGENT} for t in tokens]
    load = Load(["/api/v1/meetings"] * len(bodies), headersets, method="POST", bodies=bodies)
    with Gunicorn("wsgi:app", env, workers=4, label=f"{scale} {database} writes") as crm:
        crm.wait_ready("/login")
        for n in range(8):  # warm the workers
            path, headers, body = load.pick(n)
            fetch(crm.port, path, method="POST", headers=headers, body=body.encode())
        before = count_meetings(url)
        cpu_before = crm.worker_cpu_seconds()
        result = run_load(wrk, crm.port, load, threads=2, connections=len(tokens),
                          duration=duration)
        cpu = crm.worker_cpu_seconds() - cpu_before
        logged = count_meetings(url) - before
    per_second = result["ok"] / duration
    notes = [result["generator"], f"{len(tokens)} users' tokens in turn"]
    if logged:
        notes.append(f"workers' CPU {cpu * 1000 / logged:.1f} ms per meeting "
                     "(the database server's not included)")
    if result["rate_limited"]:
        notes.append(f"{result['rate_limited']} answered 429 (the API's rate limit)")
    if result["server_errors"]:
        notes.append(f"{result['server_errors']} answered 5xx")
    # A request still in flight when the load stops may be stored unanswered: at most
    # one per connection.
    consistent = result["ok"] <= logged <= result["ok"] + len(tokens)
    if logged != result["ok"]:
        notes.append(f"{result['ok']} answered 2xx, {logged} rows in the database"
                     + ("" if consistent else " (more than the requests in flight!)"))
    if result.get("refusals"):
        notes.append(f"first refusals: {result['refusals'][:200]}")
    errors = result["errors"] + result["non_2xx"]
    log(f"  {'concurrent writes':<34} {per_second:8.1f} meetings/s  p50 {result['p50_ms']:6.1f}"
        f" ms  p99 {result['p99_ms']:6.1f} ms  {errors} errors")
    return Row(f"concurrent writes: {len(tokens)} clients log meetings (4 workers)", scale,
               kind="writes", database=database, method="POST", path="/api/v1/meetings",
               rps=round(per_second, 1), median_ms=_ms(result["p50_ms"]),
               p95_ms=_ms(result["p95_ms"]), p99_ms=_ms(result["p99_ms"]), meetings=logged,
               non_2xx=result["non_2xx"], errors=result["errors"],
               target="0 errors; meetings/s and p99 reported",
               ok=errors == 0 and consistent, note="; ".join(notes),
               extra={"load": result})

"""Real servers for the tests that need more than one process: gunicorn started on a free
127.0.0.1 port, a browser that talks HTTP to it (a new connection for every request, so
any worker may answer), a small forwarding proxy, and the shared Redis.

Used by tests/test_rate_limits.py and tests/test_two_servers.py.
"""
from __future__ import annotations

import contextlib
import http.client
import os
import re
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator
from urllib.parse import urlencode

import pytest

ROOT = Path(__file__).resolve().parents[1]
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
ACCESS_LOG_FORMAT = "%(p)s %(m)s %(U)s %(s)s"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_url_or_skip() -> str:
    """The shared Redis (db 0; each test keeps to its own key prefix). In CI a missing
    Redis is a failure, not a skip."""
    try:
        socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=0.5).close()
    except OSError:
        if os.environ.get("CI") == "true":
            pytest.fail(f"no Redis at {REDIS_HOST}:{REDIS_PORT}")
        pytest.skip(f"no Redis at {REDIS_HOST}:{REDIS_PORT}")
    return f"redis://{REDIS_HOST}:{REDIS_PORT}/0"


@contextlib.contextmanager
def redis_prefix(name: str) -> Iterator[str]:
    """A key prefix no other run uses; its keys are deleted afterwards."""
    import redis
    prefix = f"test-{name}-{uuid.uuid4().hex[:12]}"
    try:
        yield prefix
    finally:
        client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=0)
        keys = list(client.scan_iter(match=f"*{prefix}*", count=1000))
        if keys:
            client.delete(*keys)
        client.close()


def production_env(database_url: str, **extra: str) -> dict[str, str]:
    """What a production server is started with (the caller adds the rest)."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("CRM_", "RATELIMIT_"))}
    env.update(CRM_ENV="production", SECRET_KEY="two-servers-" + "x" * 40,
               DATABASE_URL=database_url, PYTHONWARNINGS="ignore")
    env.update(extra)
    return env


@dataclass
class Server:
    host: str
    port: int
    process: subprocess.Popen
    access_log: Path
    error_log: Path

    def pids_that_answered(self, path: str = "") -> set[str]:
        pids = set()
        for line in self.access_log.read_text().splitlines():
            pid, _method, url, _status = line.split(" ", 3)
            if path in url:
                pids.add(pid)
        return pids


@contextlib.contextmanager
def gunicorn(env: dict[str, str], workers: int, logs: Path, name: str = "server",
             ) -> Iterator[Server]:
    """`gunicorn -c gunicorn.conf.py wsgi:app` with `workers` workers, ready to answer
    (every worker has loaded the app); stopped on the way out, whatever happened."""
    with gunicorns(env, workers, logs, [name]) as (server,):
        yield server


@contextlib.contextmanager
def gunicorns(env: dict[str, str], workers: int, logs: Path, names: list[str],
              ) -> Iterator[list[Server]]:
    """Several such servers, started side by side (each on its own port)."""
    servers = []
    try:
        for name in names:
            servers.append(_start(env, workers, logs, name))
        for server, name in zip(servers, names):
            _wait_until_ready(server, workers, name)
        yield servers
    finally:
        for server in servers:
            server.process.terminate()
        for server in servers:
            try:
                server.process.wait(15)
            except subprocess.TimeoutExpired:
                server.process.kill()
                server.process.wait(5)


def _start(env: dict[str, str], workers: int, logs: Path, name: str) -> Server:
    port = free_port()
    access_log, error_log = logs / f"{name}-access.log", logs / f"{name}-error.log"
    command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py",
               "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
               "--access-logfile", str(access_log), "--access-logformat", ACCESS_LOG_FORMAT,
               "--error-logfile", str(error_log), "wsgi:app"]
    access_log.touch()
    error_log.touch()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    return Server("127.0.0.1", port, process, access_log, error_log)


def _wait_until_ready(server: Server, workers: int, name: str) -> None:
    deadline = time.monotonic() + 60
    while server.error_log.read_text().count("Worker ready") < workers:
        if server.process.poll() is not None:
            raise AssertionError(f"gunicorn {name} stopped at start:\n"
                                 f"{server.error_log.read_text()[-3000:]}")
        if time.monotonic() > deadline:
            raise AssertionError(f"gunicorn {name} not ready:\n"
                                 f"{server.error_log.read_text()[-3000:]}")
        time.sleep(0.1)


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


@dataclass
class Browser:
    """Cookies kept as a browser keeps them (the Secure flag aside: the tests speak plain
    HTTP to a production server); a new connection for every request."""
    source_address: str | None = None  # e.g. "127.0.0.2": another machine on the loopback
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, server, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> Answer:
        source = (self.source_address, 0) if self.source_address else None
        conn = http.client.HTTPConnection(server.host, server.port, timeout=30,
                                          source_address=source)
        sent = {"Connection": "close", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            answer = Answer(response.status, response.headers, response.read())
        finally:
            conn.close()
        for header in answer.headers.get_all("Set-Cookie") or ():
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if not value or "01 Jan 1970" in header or "Max-Age=0" in header:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        return answer

    def get(self, server, path: str, **headers) -> Answer:
        return self.request(server, "GET", path, headers=headers)

    def post(self, server, path: str, data: dict, *, page: str | None = None,
             files: dict[str, tuple[str, bytes, str]] | None = None,
             headers: dict[str, str] | None = None) -> Answer:
        """POST like a browser: the form's page first, then the form with its token."""
        html = self.get(server, page or path).text
        match = _CSRF.search(html)
        assert match, f"no CSRF token on {page or path}"
        fields = {**data, "csrf_token": match.group(1)}
        if files:
            body, content_type = _multipart(fields, files)
        else:
            body, content_type = urlencode(fields).encode(), "application/x-www-form-urlencoded"
        return self.request(server, "POST", path, body,
                            {"Content-Type": content_type, **(headers or {})})

    def sign_in(self, server, email: str, password: str) -> Answer:
        return self.post(server, "/login", {"email": email, "password": password})


def _multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                     f"{value}\r\n".encode())
    for name, (filename, data, content_type) in files.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                     f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
                     + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


@dataclass
class Proxy:
    host: str
    port: int


@contextlib.contextmanager
def forwarding_proxy(upstream: Server) -> Iterator[Proxy]:
    """A reverse proxy as nginx is usually set up in front of the app: it passes Host on
    and appends the address it was connected from to X-Forwarded-For
    ($proxy_add_x_forwarded_for)."""

    class Forward(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def _forward(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            headers = {k: v for k, v in self.headers.items()
                       if k.lower() not in ("connection", "x-forwarded-for", "x-forwarded-proto")}
            chain = [v.strip() for v in self.headers.get_all("X-Forwarded-For") or ()]
            headers["X-Forwarded-For"] = ", ".join([*chain, self.client_address[0]])
            headers["X-Forwarded-Proto"] = "http"
            conn = http.client.HTTPConnection(upstream.host, upstream.port, timeout=30)
            try:
                conn.request(self.command, self.path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
                self.send_response(response.status)
                for name, value in response.getheaders():
                    if name.lower() not in ("connection", "transfer-encoding",
                                            "content-length"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            finally:
                conn.close()

        do_GET = do_POST = _forward

        def log_message(self, *_args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Forward)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Proxy("127.0.0.1", server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)

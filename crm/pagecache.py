"""Rendered pages kept by each worker until the data changes.

A record's page is read far more often than the record changes: executives go back to
the same projects, staff reopen a project between meetings. `@cached_page` keeps the HTML
a view rendered, per page, user and language, and serves it again while the data is
exactly as it was:

- **The data version.** `track_writes` counts every transaction that wrote anything
  (INSERT, UPDATE, DELETE through this engine: the ORM, Core, the CLI, restores) and bumps
  the single row of `crm_data_version` just before the commit, in the same transaction.
  A cached page is served only while the version is the one it was rendered at; any
  committed change, anywhere, makes every cached page stale. (Coarse, therefore simple
  and obviously correct: no rule about which change touches which page can be wrong.)
- **Per viewer.** The key holds the user (so their role, organization and name in the
  navigation), the full path with its query string and the language. The CSRF token of
  the page's forms is put in fresh for each request; the rest of the page is the same.
- **Only plain pages.** A page is kept only if it answered 200 with HTML and nothing else
  (no headers of its own, no change to the session). A request with flashed messages
  waiting is rendered normally (the messages are part of that page only).
- **Time.** An entry lives at most `CRM_PAGE_CACHE_SECONDS` (60 s), so labels that
  depend on the clock ("stale", "overdue") change at most that late.
- **Bounded.** At most `CRM_PAGE_CACHE_BYTES` (8 MB) per worker, least recently used
  first out; 0 turns the cache off.

A hit costs one statement (the signed-in user, read with the data version) and a
dictionary look-up; see the README's benchmark for the figures.
"""
from __future__ import annotations

import functools
import secrets
import threading
import time
from collections import OrderedDict

from flask import Response, current_app, g, make_response, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import event
from sqlalchemy.engine import Engine

from crm.extensions import db
from crm.models.data_version import BUMP_VERSION, DATA_VERSION_TABLE, READ_VERSION

DEFAULT_MAX_BYTES = 8 * 1024 * 1024
DEFAULT_SECONDS = 60
SKIP_OPTION = "crm_skip_data_version"  # migrations: the table may not exist yet
_WROTE = "crm_wrote"
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "TRUNCATE", "MERGE")


# --- the data version -------------------------------------------------------------------

def track_writes(engine: Engine) -> None:
    """Bump the data version in every transaction on `engine` that wrote something."""

    @event.listens_for(engine, "begin")
    def _begin(conn):
        conn.info[_WROTE] = False

    @event.listens_for(engine, "after_cursor_execute")
    def _after_execute(conn, _cursor, statement, _parameters, _context, _executemany):
        if not conn.info.get(_WROTE) and statement.lstrip()[:8].upper().startswith(_WRITES) \
                and DATA_VERSION_TABLE not in statement:
            conn.info[_WROTE] = True

    @event.listens_for(engine, "commit")
    def _commit(conn):
        if conn.info.pop(_WROTE, False) and not conn.get_execution_options().get(SKIP_OPTION):
            conn.exec_driver_sql(BUMP_VERSION)

    @event.listens_for(engine, "rollback")
    def _rollback(conn):
        conn.info.pop(_WROTE, None)


def current_data_version() -> int | None:
    """The version this request sees (None if the row is missing). The look-up of the
    signed-in user reads it in the same statement (crm.access.load_user); read before
    anything on the page, it is never newer than what the page shows."""
    if "crm_data_version" in g:
        return g.crm_data_version
    return db.session.connection().exec_driver_sql(READ_VERSION).scalar()


# --- the cache --------------------------------------------------------------------------

class PageCache:
    """Least-recently-used pages of one data version, bounded in bytes; thread-safe.

    Every entry belongs to `version`: seeing any other version (newer, or older after a
    database file was swapped) empties the cache, and a page rendered at another version
    is not kept."""

    def __init__(self, max_bytes: int, seconds: float):
        self.max_bytes, self.seconds = max_bytes, seconds
        self.version: int | None = None
        self.entries: OrderedDict[tuple, tuple[bytes, bool, float]] = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    def _see(self, version: int) -> None:
        if version != self.version:
            self.entries.clear()
            self.size = 0
            self.version = version

    def get(self, key: tuple, version: int) -> tuple[bytes, bool] | None:
        with self.lock:
            self._see(version)
            entry = self.entries.get(key)
            if entry is None:
                return None
            body, has_token, expires = entry
            if time.monotonic() >= expires:
                self._drop(key)
                return None
            self.entries.move_to_end(key)
            return body, has_token

    def put(self, key: tuple, version: int, body: bytes, has_token: bool) -> None:
        if len(body) > self.max_bytes // 4:
            return  # a huge page would push out everything else
        with self.lock:
            if version != self.version:
                return  # the data changed while this page was rendered
            if key in self.entries:
                self._drop(key)
            self.entries[key] = (body, has_token, time.monotonic() + self.seconds)
            self.size += len(body)
            while self.size > self.max_bytes and self.entries:
                self._drop(next(iter(self.entries)))

    def _drop(self, key: tuple) -> None:
        self.size -= len(self.entries.pop(key)[0])

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.size = 0
            self.version = None


# Stands for the page's CSRF token in a kept page: random, so no page text can mimic it.
_TOKEN_PLACEHOLDER = f"crm-csrf-{secrets.token_hex(16)}".encode()
_PLAIN_HEADERS = frozenset({"Content-Type", "Content-Length"})


def init_app(app) -> None:
    app.config.setdefault("CRM_PAGE_CACHE_BYTES", DEFAULT_MAX_BYTES)
    app.config.setdefault("CRM_PAGE_CACHE_SECONDS", DEFAULT_SECONDS)
    app.extensions["crm_page_cache"] = PageCache(app.config["CRM_PAGE_CACHE_BYTES"],
                                                 app.config["CRM_PAGE_CACHE_SECONDS"])
    with app.app_context():
        track_writes(db.engine)


def page_cache() -> PageCache:
    return current_app.extensions["crm_page_cache"]


def _session_without_token() -> dict:
    return {k: v for k, v in session.items() if k != "csrf_token"}


def cached_page(view):
    """Serve the page from this worker's cache while the data is unchanged (see above).
    Goes under `@login_required`: only signed-in pages are kept, one set per user."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        cache = page_cache()
        if (not cache.max_bytes or request.method != "GET" or "_flashes" in session
                or not current_user.is_authenticated):
            return view(*args, **kwargs)
        version = current_data_version()
        if version is None:
            return view(*args, **kwargs)
        # The language is chosen from the user's setting (the user id stands for it) and
        # the browser's Accept-Language: keyed on those, not on the chosen locale, which
        # would cost more than the rest of a hit to work out.
        key = (request.endpoint, request.full_path, current_user.id,
               request.headers.get("Accept-Language", ""))
        hit = cache.get(key, version)
        if hit is not None:
            body, has_token = hit
            if has_token:
                body = body.replace(_TOKEN_PLACEHOLDER, generate_csrf().encode())
            return Response(body, mimetype="text/html")

        session_before = _session_without_token()
        response = make_response(view(*args, **kwargs))
        if (response.status_code == 200 and response.mimetype == "text/html"
                and not response.direct_passthrough
                and set(response.headers.keys()) <= _PLAIN_HEADERS
                and _session_without_token() == session_before):
            body = response.get_data()
            token = g.get("csrf_token", "").encode()
            has_token = bool(token) and token in body
            if has_token:
                body = body.replace(token, _TOKEN_PLACEHOLDER)
            cache.put(key, version, body, has_token)
        return response

    return wrapped

"""SQLite tuning: foreign keys on, WAL, a busy timeout, and write transactions that
take the write lock up front (BEGIN IMMEDIATE) so that several workers never fail
with "database is locked" when a read transaction tries to upgrade to a write.
"""
from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

_WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
BUSY_TIMEOUT_MS = 15_000


def _begin_statement() -> str:
    # A request that writes takes the write lock when its transaction starts: it then waits
    # (busy timeout) for other writers instead of failing when a read turns into a write.
    # Everything else reads concurrently under WAL.
    if has_request_context() and request.method in _WRITE_METHODS:
        return "BEGIN IMMEDIATE"
    return "BEGIN"


def configure_sqlite(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy (below) issue BEGIN itself instead of pysqlite's implicit one.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql(_begin_statement())

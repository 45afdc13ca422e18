"""PostgreSQL tuning, for the round trips a request costs (on a loaded 2-core machine each
one waits for the server process to be scheduled):

- **Statements are prepared from their second execution on a connection**, not their
  sixth (psycopg's default `prepare_threshold` of 5). Most of a page's time in PostgreSQL
  was planning, not execution: the project page's timeline (one UNION ALL of eight parts)
  plans in ~1.1 ms and runs in ~0.7 ms. A prepared statement is parsed once per
  connection and, after five executions with custom plans, runs on the server's cached
  generic plan (`plan_cache_mode` auto: only when that plan is estimated no worse). A
  page's statements recur with every request, so waiting for six executions only delays
  that; a statement seen once (a one-off IN list) is still not prepared, which would cost
  a round trip of its own. psycopg keeps 100 per connection by default, and counts the
  executions of as many unprepared ones: one request of every page the benchmark reads
  sends 101 different statements, so a worker serving them all would keep evicting
  (a DEALLOCATE round trip each) and re-preparing them. It keeps up to `PREPARED_MAX`.
- **A request reads outside a transaction until it first writes.** Under READ COMMITTED
  (the default, which the app keeps) every statement of a transaction reads its own
  snapshot anyway, so a plain SELECT run on its own sees what it would have seen inside
  one. The first statement that is not a plain read (an INSERT, UPDATE or DELETE, a
  SAVEPOINT, a SELECT … FOR UPDATE/SHARE) starts the transaction, and everything from
  there is committed or rolled back together as crm.transactions decides. A request that
  only reads so sends neither BEGIN nor COMMIT (two of a project page's eight round
  trips), and one that fails having written nothing sends no ROLLBACK: psycopg forgets
  every prepared statement of a connection at each ROLLBACK. Outside a request
  (commands, scripts, tests' fixtures) transactions begin as usual.
- **A fixed LIMIT is written into the statement** (`fixed_limit`), not sent as a
  parameter: a prepared statement's generic plan cannot know how many rows `LIMIT $1`
  keeps, estimates a tenth of the table, and so PostgreSQL plans such a statement anew at
  every execution (the dashboard's panels, the board's cards: never a generic plan).
"""
from __future__ import annotations

import functools
import re

import sqlalchemy as sa
from flask import has_request_context
from sqlalchemy import event
from sqlalchemy.engine import Engine

PREPARE_THRESHOLD = 1  # prepared from the second execution on (psycopg's default: 5)
# Per connection (psycopg's default: 100). Each costs the server process ~100 kB (the 80
# the benchmark's pages prepare: 8 MB), so at most ~20 MB per connection.
PREPARED_MAX = 200

_READING = "crm_reading_outside_a_transaction"  # in the connection's info while it does
# Words that make a SELECT more than a read: a data-modifying WITH, SELECT … INTO, row
# locks, advisory locks held to the end of a transaction.
_NOT_ONLY_READS = re.compile(
    r"\b(?:INSERT|UPDATE|DELETE|MERGE|INTO|LOCK|PG_ADVISORY_XACT_LOCK\w*)\b"
    r"|\bFOR\s+(?:NO\s+KEY\s+UPDATE|KEY\s+SHARE|SHARE)\b", re.IGNORECASE)


@functools.lru_cache(maxsize=1024)
def is_plain_read(statement: str) -> bool:
    """A SELECT (or WITH … SELECT) that neither writes nor locks: it reads the same inside
    or outside a READ COMMITTED transaction. Anything in doubt is not one (a column that
    were named `update` would start the transaction: harmless)."""
    head = statement.lstrip()[:6].upper()
    return head.startswith(("SELECT", "WITH")) and not _NOT_ONLY_READS.search(statement)


def fixed_limit(rows: int) -> sa.BindParameter:
    """`LIMIT rows` written into the SQL when it is executed (the statement itself is still
    built and cached once): for a constant page or panel size, on every database."""
    return sa.literal(rows, sa.Integer, literal_execute=True)


def configure_postgresql(engine: Engine) -> None:
    if engine.dialect.name != "postgresql" or engine.dialect.driver != "psycopg":
        return
    if engine.dialect.isolation_level not in (None, "READ COMMITTED"):
        raise RuntimeError("crm.postgresql reads outside a transaction: READ COMMITTED only")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.prepare_threshold = PREPARE_THRESHOLD
        dbapi_connection.prepared_max = PREPARED_MAX

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        if has_request_context():
            conn.connection.dbapi_connection.autocommit = True
            conn.info[_READING] = True

    @event.listens_for(engine, "before_cursor_execute")
    def _before_execute(conn, cursor, statement, _parameters, _context, _executemany):
        if conn.info.get(_READING) and (getattr(cursor, "name", None)  # a server-side cursor
                                        or not is_plain_read(statement)):
            _begin_now(conn)

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _on_end(conn):
        if conn.info.get(_READING):
            _begin_now(conn)  # nothing to end: psycopg then sends nothing

    @event.listens_for(engine, "checkin")
    def _on_checkin(dbapi_connection, record):
        if record is not None and record.info.pop(_READING, False):
            try:
                dbapi_connection.autocommit = False
            except Exception:  # noqa: BLE001 - a broken connection is discarded anyway
                pass


def _begin_now(conn) -> None:
    """From the next statement on, the connection is in a transaction (psycopg sends BEGIN
    before it)."""
    conn.info.pop(_READING, None)
    conn.connection.dbapi_connection.autocommit = False

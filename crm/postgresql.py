"""PostgreSQL tuning: statements prepared on the server from their second execution on a
connection, not their sixth (psycopg's default `prepare_threshold` of 5).

Most of a page's time in PostgreSQL is planning, not execution: the project page's
timeline (one UNION ALL of eight parts) plans in ~1.1 ms and runs in ~0.7 ms; the whole
page's statements plan in ~1.4 ms. A prepared statement is parsed once per connection
and, after five executions with custom plans, runs on the server's cached generic plan
(`plan_cache_mode` auto: only when that plan is estimated no worse). A page's statements
recur with every request, so waiting for six executions before preparing only delays
that; a statement seen once (a one-off IN list) is still never prepared, which would
cost a round trip of its own. psycopg keeps at most 100 prepared statements per
connection (least recently used ones are deallocated).
"""
from sqlalchemy import event
from sqlalchemy.engine import Engine

PREPARE_THRESHOLD = 1  # prepared from the second execution on (psycopg's default: 5)


def configure_postgresql(engine: Engine) -> None:
    if engine.dialect.name != "postgresql" or engine.dialect.driver != "psycopg":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.prepare_threshold = PREPARE_THRESHOLD

"""Where the data is committed: the one module that calls `commit()`.

- **A request is one transaction.** Views, API handlers and services change the session
  and may `flush()`; `end_request` (an `after_request` hook) commits once when the
  response is a success (below 400) and rolls back anything else: a refused, invalid or
  failed request leaves nothing half-written. An exception that escapes a view ends in
  the 500 handler, whose response is rolled back the same way. (Indico's request
  handlers work like this.) On PostgreSQL the transaction begins at the request's first
  write, its reads before it running on their own (crm.postgresql: the same under READ
  COMMITTED), so a request that only reads sends neither BEGIN nor COMMIT.
- **Bookkeeping that must outlast a refusal** goes through `keep_even_if_refused`: a
  denied-access audit entry, a token's or a sign-in's last use. It runs when the request
  ends, after the request's own transaction was committed or rolled back, in a short
  transaction of its own. (On SQLite it then never waits for the request's own write
  lock.) Outside a request it simply joins the current unit of work.
- **Commands** (`flask crm …`) wrap their work in `with unit_of_work():`.
"""
from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

from flask import Flask, g, has_request_context

from crm.extensions import db

_BOOKKEEPING = "crm_bookkeeping"


@contextlib.contextmanager
def unit_of_work() -> Iterator[None]:
    """Commit what the block did, or roll it all back if it raised (CLI, scripts)."""
    try:
        yield
    except BaseException:
        db.session.rollback()
        raise
    db.session.commit()


def keep_even_if_refused(write: Callable[[], object]) -> None:
    """Run `write` (which changes `db.session`) so that it is stored whatever the request
    answers: at the end of the request, in a transaction of its own."""
    if not has_request_context():
        write()
        return
    g.setdefault(_BOOKKEEPING, []).append(write)


def end_request(response):
    """Commit the request's work if it succeeded, else roll it back; then store the
    bookkeeping."""
    if response.status_code < 400:
        db.session.commit()
    else:
        db.session.rollback()
    writes = g.pop(_BOOKKEEPING, None)
    if writes:
        try:
            for write in writes:
                write()
            db.session.commit()
        except Exception:
            # Bookkeeping must never cost the user their answer.
            db.session.rollback()
            from flask import current_app
            current_app.logger.exception("bookkeeping after %s was not stored", response.status)
    return response


def init_app(app: Flask) -> None:
    # Registered first, so it runs last among the after_request hooks (Flask calls them
    # in reverse): every other hook has seen the response before it is committed.
    app.after_request_funcs.setdefault(None, []).insert(0, end_request)

"""Where the time goes on a slow page: pyinstrument's call tree over a few requests, and
every SQL statement of one request with its own duration (slowest first).

    python -m bench --profile                  # after the run: every row that missed
    python -m bench.profile large "project detail" "search (Latin)"
    python -m bench.profile --postgresql large "project detail"

Writes bench/results/profile-<scale>-<name>.txt (profile-<scale>-pg-<name>.txt on
PostgreSQL; and .html for pyinstrument's viewer).
"""
from __future__ import annotations

import gc
import re
import sys
import time

from sqlalchemy import event

from bench.data import RESULTS, make_app, prepare_database
from bench.measure import api_token, cases, meeting_form, csrf_token, pick_records, sign_in


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


class StatementTimer:
    def __init__(self, engine):
        self.active = False
        self.items: list[tuple[float, str, object]] = []
        event.listen(engine, "before_cursor_execute", self.before)
        event.listen(engine, "after_cursor_execute", self.after)

    def before(self, conn, _cursor, _statement, _params, _context, _many):
        conn.info.setdefault("bench_started", []).append(time.perf_counter())

    def after(self, conn, _cursor, statement, params, _context, _many):
        started = conn.info["bench_started"].pop()
        if self.active:
            self.items.append(((time.perf_counter() - started) * 1000, statement, params))


def profile_cases(scale: str, url: str, names: list[str], *, repeat: int = 5, log=print,
                  database: str = "sqlite") -> list[str]:
    from pyinstrument import Profiler
    from crm.extensions import db

    app = make_app(url)
    picks = pick_records(app)
    token = api_token(app)
    with app.app_context():
        timer = StatementTimer(db.engine)
    client = app.test_client()
    sign_in(client)
    gc.collect()  # as bench.measure and gunicorn.conf.py's post_worker_init: the app's
    gc.freeze()   # own objects are not what a request's collections should walk
    wanted = {c.name: c for c in cases(picks, api_token=token)}
    written = []
    for name in names:
        case = wanted.get(name)
        if case is None:
            log(f"  no page called {name!r}")
            continue
        if case.method == "POST":
            data = meeting_form(picks, csrf_token(client.get(case.path).get_data(as_text=True)))
            request = lambda: client.post(case.path, data=data)  # noqa: E731
        else:
            request = lambda: client.get(case.path, headers=case.headers)  # noqa: E731
        request()  # warm
        n = 1 if case.kind in ("report_pdf", "document") else repeat
        profiler = Profiler(interval=0.0005)
        profiler.start()
        started = time.perf_counter()
        for _ in range(n):
            request().get_data()
        wall = (time.perf_counter() - started) * 1000 / n
        profiler.stop()
        timer.items.clear()
        timer.active = True
        request().get_data()
        timer.active = False
        statements = sorted(timer.items, key=lambda x: -x[0])
        sql_total = sum(ms for ms, _s, _p in statements)
        lines = [f"# {name} ({scale}) {case.method} {case.path}",
                 f"# {n} request(s), {wall:.1f} ms per request; one request: "
                 f"{len(statements)} statements, {sql_total:.1f} ms in the database", "",
                 "## SQL statements of one request, slowest first", ""]
        for ms, statement, params in statements:
            flat = " ".join(statement.split())
            lines.append(f"{ms:8.2f} ms  {flat[:900]}")
            lines.append(f"             params: {str(params)[:200]}")
        lines += ["", "## pyinstrument", "",
                  profiler.output_text(unicode=True, color=False, show_all=False)]
        stem = f"profile-{scale}-{'pg-' if database == 'postgresql' else ''}{slug(name)}"
        path = RESULTS / f"{stem}.txt"
        path.write_text("\n".join(lines))
        (RESULTS / f"{stem}.html").write_text(profiler.output_html())
        written.append(str(path))
        log(f"  {name}: {wall:.1f} ms/request, {len(statements)} statements "
            f"({sql_total:.1f} ms in SQL) -> {path.relative_to(RESULTS.parent.parent)}")
    return written


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__)
        return 2
    database = "sqlite"
    if argv[0] in ("--postgresql", "--pg"):
        database, argv = "postgresql", argv[1:]
    scale, names = argv[0], argv[1:]
    url = prepare_database(scale, database=database)
    profile_cases(scale, url, names, database=database)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

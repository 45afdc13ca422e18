"""Server-side timings through the app itself: the Flask test client inside this process,
signed in as the staff user through the real /login form (with its CSRF token).

Every page is rendered every time (there is no cache of rendered pages). Each page is
requested a few times to warm up, then N times; we keep the wall time of each request
(routing, queries, templates, PDF rendering: everything the server does, without a
network), the CPU time of this process, and the number of SQL statements it sent (a
before_cursor_execute listener; BEGIN, COMMIT and the like are not counted). On
PostgreSQL the wall time includes the server's work over the loopback; the CPU time is
the app's alone. When both databases are measured, their requests alternate (one on
SQLite, one on PostgreSQL, …), so that the ratio of their medians is taken under the same
load on the machine.

The app runs as production runs it: gunicorn.conf.py's `post_worker_init` does
`gc.collect(); gc.freeze()` once the app is loaded, and so do we here, once, after the
app is built and has answered its first requests (the sign-in). Without it the
collector's full passes over every module, mapper and template of the app land in
random requests and dominate p95.
"""
from __future__ import annotations

import gc
import re
import statistics
import time
from dataclasses import asdict, dataclass, field
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy import event

from bench.data import PASSWORD, STAFF_EMAIL, make_app

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
PER_PAGE = 25

# What each kind of row must meet (SPEC "Performance"; the limit applies to the SQLite
# median, PostgreSQL must be within PG_FACTOR of it). Rows named in TARGET_BY_NAME have
# their own limit.
TARGETS = {
    "page": ("median ≤ 20 ms", 20.0),
    "memo_pdf": ("median ≤ 27 ms", 27.0),
    "report_pdf": ("median ≤ 800 ms", 800.0),
    "document": (None, None),  # measured for information, no SPEC target
}
TARGET_BY_NAME = {"project detail": ("median ≤ 6 ms", 6.0)}
PG_FACTOR = 1.3


@dataclass
class Row:
    name: str
    scale: str
    kind: str = "page"  # page, memo_pdf, report_pdf, document, festival, hello, writes, rss
    database: str = "sqlite"  # sqlite or postgresql
    method: str = "GET"
    path: str | None = None
    runs: int = 0
    median_ms: float | None = None
    p95_ms: float | None = None
    min_ms: float | None = None
    cpu_ms: float | None = None  # median CPU time of this process per request
    queries: int | None = None
    queries_varied: list[int] | None = None
    status: int | None = None
    bytes: int | None = None
    rps: float | None = None  # requests/s (meetings/s for the concurrent writes)
    ratio_to_hello: float | None = None
    p99_ms: float | None = None
    meetings: int | None = None  # meetings logged during a load run (rows in the database)
    non_2xx: int | None = None
    errors: int | None = None  # connections that failed or timed out
    pg_ratio: float | None = None  # this PostgreSQL median ÷ the SQLite median of the row
    rss_mb: float | None = None
    target: str | None = None
    ok: bool | None = None
    note: str = ""
    extra: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        out = asdict(self)
        if not out["extra"]:
            out.pop("extra")
        return out


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p95 of 30 runs is the 29th fastest)."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]


class QueryCounter:
    def __init__(self, engine):
        self.count = 0
        self.statements: list[str] = []
        self.keep = False
        event.listen(engine, "before_cursor_execute", self)

    def __call__(self, _conn, _cursor, statement, _params, _context, _executemany):
        if statement.lstrip()[:5].upper() in ("BEGIN", "COMMI", "ROLLB", "SAVEP", "RELEA"):
            return
        self.count += 1
        if self.keep:
            self.statements.append(statement)


def csrf_token(html: str) -> str:
    match = CSRF.search(html)
    if not match:
        raise RuntimeError("no CSRF token on the page")
    return match.group(1)


def sign_in(client, email: str = STAFF_EMAIL, password: str = PASSWORD) -> None:
    token = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": email, "password": password,
                                           "csrf_token": token})
    if response.status_code != 302:
        raise RuntimeError(f"signing in as {email} failed ({response.status_code})")


# --- what to measure ----------------------------------------------------------------------

@dataclass
class Case:
    name: str
    path: str
    kind: str = "page"
    method: str = "GET"
    runs: int | None = None  # None: the default number of runs
    warmups: int | None = None
    expect: int = 200
    data: dict | None = None
    headers: dict | None = None
    note: str = ""
    endpoint_path: str | None = None  # the URL whose route must exist (when `path` has a query)


def _scalar(db, sql: str, **params):
    return db.session.execute(sa.text(sql), params).scalar()


def pick_records(app) -> dict:
    """Ids of representative records, chosen by SQL at this scale (the busiest ones: the
    honest worst case)."""
    from crm.extensions import db
    with app.app_context():
        picks = {}
        picks["project"] = _scalar(db, """
            SELECT p.id FROM projects p JOIN meeting_projects mp ON mp.project_id = p.id
            WHERE p.archived_at IS NULL
              AND (SELECT count(*) FROM stage_changes s WHERE s.project_id = p.id) >= 3
              AND (SELECT count(*) FROM project_parties pp WHERE pp.project_id = p.id) >= 3
            GROUP BY p.id ORDER BY count(*) DESC, p.id LIMIT 1""")
        picks["project_meetings"] = _scalar(
            db, "SELECT count(*) FROM meeting_projects WHERE project_id = :p", p=picks["project"])
        picks["memorandum"] = _scalar(db, """
            SELECT m.id FROM memoranda m
            WHERE m.project_id IS NOT NULL AND m.status = 'signed' AND m.archived_at IS NULL
            ORDER BY (SELECT count(*) FROM memorandum_parties x WHERE x.memorandum_id = m.id) DESC,
                     (SELECT count(*) FROM memorandum_terms t WHERE t.memorandum_id = m.id) DESC,
                     m.id LIMIT 1""")
        picks["organization"] = _scalar(db, """
            SELECT organization_id FROM project_parties GROUP BY organization_id
            ORDER BY count(*) DESC, organization_id LIMIT 1""")
        picks["organization_projects"] = _scalar(
            db, "SELECT count(*) FROM project_parties WHERE organization_id = :o",
            o=picks["organization"])
        picks["meeting"] = _scalar(db, """
            SELECT m.id FROM meetings m WHERE m.archived_at IS NULL AND m.event_id IS NOT NULL
              AND EXISTS (SELECT 1 FROM follow_ups f WHERE f.meeting_id = m.id
                          AND f.owner_id IS NOT NULL)
              AND EXISTS (SELECT 1 FROM meeting_projects x WHERE x.meeting_id = m.id)
              AND (SELECT count(*) FROM meeting_people x WHERE x.meeting_id = m.id) >= 2
              AND EXISTS (SELECT 1 FROM meeting_people x JOIN people p ON p.id = x.person_id
                          WHERE x.meeting_id = m.id AND p.organization_id IS NOT NULL)
              AND EXISTS (SELECT 1 FROM meeting_organizations x WHERE x.meeting_id = m.id)
            ORDER BY m.occurred_at DESC, m.id DESC LIMIT 1""")
        picks["event"], picks["event_meetings"] = db.session.execute(sa.text("""
            SELECT event_id, count(*) FROM meetings WHERE event_id IS NOT NULL
              AND archived_at IS NULL
            GROUP BY event_id ORDER BY count(*) DESC, event_id LIMIT 1""")).one()
        # The deepest full page (a partly filled last page would load fewer relations).
        picks["last_pages"] = {
            table: max(1, _scalar(db, f"SELECT count(*) FROM {table} WHERE archived_at IS NULL")
                       // PER_PAGE)
            for table in ("organizations", "people", "projects", "meetings", "memoranda")}
        # A filter of the pipeline report close to 1,000 projects (at the small scale: all).
        total = _scalar(db, "SELECT count(*) FROM projects WHERE archived_at IS NULL")
        candidates = [(f"country={c}", n) for c, n in db.session.execute(sa.text("""
            SELECT o.country, count(DISTINCT pp.project_id) FROM project_parties pp
            JOIN organizations o ON o.id = pp.organization_id
            JOIN projects p ON p.id = pp.project_id
            WHERE p.archived_at IS NULL AND o.country IS NOT NULL GROUP BY o.country"""))]
        candidates += [(f"status={s}", n) for s, n in db.session.execute(sa.text("""
            SELECT status, count(*) FROM projects WHERE archived_at IS NULL GROUP BY status"""))]
        candidates.append(("", total))
        picks["report"] = min(candidates, key=lambda r: (abs(r[1] - 1000), r[0]))
        # For the meeting form: an organization with people and projects, at an event.
        org = _scalar(db, """
            SELECT p.organization_id FROM people p
            JOIN project_parties pp ON pp.organization_id = p.organization_id
            WHERE p.archived_at IS NULL GROUP BY p.organization_id
            HAVING count(DISTINCT p.id) >= 2 ORDER BY p.organization_id LIMIT 1""")
        picks["log"] = {
            "organization": org,
            "people": [r[0] for r in db.session.execute(sa.text(
                "SELECT id FROM people WHERE organization_id = :o AND archived_at IS NULL "
                "ORDER BY id LIMIT 2"), {"o": org})],
            "project": _scalar(db, "SELECT project_id FROM project_parties WHERE organization_id = :o "
                                   "ORDER BY project_id LIMIT 1", o=org),
            "event": _scalar(db, "SELECT id FROM events WHERE country = 'FR' "
                                 "ORDER BY start_date DESC LIMIT 1"),
            "staff": _scalar(db, "SELECT id FROM users WHERE email = :e", e=STAFF_EMAIL),
        }
        db.session.remove()
    return picks


def meeting_form(picks: dict, token: str) -> dict:
    from crm.models import utcnow
    log = picks["log"]
    today = utcnow().date()
    return {
        "csrf_token": token,
        "people": "", "person_ids": [str(i) for i in log["people"]], "new_people": "",
        "organizations": "", "organization_ids": [str(log["organization"])],
        "new_organizations": "",
        "projects": "", "project_ids": [str(log["project"])],
        "summary": ("Met at the pavilion after the screening. Discussed the co-production "
                    "structure: they would take a 30 % minority share and bring the Japanese "
                    "pre-sales. Келісім жобасын келесі аптада жібереміз."),
        "outcome": "positive",
        "follow_ups-0-id": "", "follow_ups-0-description": "Send the budget top sheet",
        "follow_ups-0-owner_id": str(log["staff"]),
        "follow_ups-0-due_date": (today + timedelta(days=7)).isoformat(),
        "event_id": str(log["event"] or ""),
        "occurred_at": f"{today.isoformat()}T10:30", "timezone": "Europe/Paris",
        "location": "National Pavilion of Kazakhstan", "version": "",
    }


def cases(picks: dict, *, api_token: str | None) -> list[Case]:
    pages = picks["last_pages"]
    report_filter, report_count = picks["report"]
    out = [
        Case("dashboard", "/"),
        Case("pipeline board", "/pipeline"),
        Case("pipeline board, filtered", "/pipeline?country=KZ"),
        Case("project detail", f"/projects/{picks['project']}",
             note=f"{picks['project_meetings']} meetings"),
    ]
    for table, label in (("organizations", "organizations"), ("people", "people"),
                         ("projects", "projects"), ("meetings", "meetings"),
                         ("memoranda", "memoranda")):
        out.append(Case(f"{label} list, page 1", f"/{table}"))
        out.append(Case(f"{label} list, deepest page", f"/{table}?page={pages[table]}",
                        note=f"page {pages[table]}"))
    out += [
        Case("search (Kazakh, upper case)", "/search?q=%D0%90%D0%9B%D0%A2%D0%AB%D0%9D",
             note="q=АЛТЫН"),
        Case("search (Latin)", "/search?q=horse", note="q=horse"),
        Case("meeting form", "/meetings/new"),
        Case("memorandum form (edit)", f"/memoranda/{picks['memorandum']}/edit",
             note="parties named by type-ahead, not lists of every record"),
        Case("person form", "/people/new"),
        Case("log a meeting (POST)", "/meetings/new", method="POST", expect=302),
        Case("meeting type-ahead", "/lookup/people?q=%D0%BD%D2%B1%D1%80",
             note="q=нұр"),
        Case("meeting detail", f"/meetings/{picks['meeting']}"),
        Case("my follow-ups", "/meetings/follow-ups"),
        Case("organization detail (busiest)", f"/organizations/{picks['organization']}",
             note=f"party to {picks['organization_projects']} projects"),
        Case("memorandum summary PDF", f"/memoranda/{picks['memorandum']}/summary.pdf",
             kind="memo_pdf"),
        Case("pipeline report PDF, ~1,000 projects",
             "/reports/pipeline.pdf" + (f"?{report_filter}" if report_filter else ""),
             kind="report_pdf", runs=5, warmups=1,
             note=f"{report_filter or 'unfiltered'}: {report_count:,} projects"),
        Case("event meeting log PDF (busiest event)", f"/events/{picks['event']}/meetings.pdf",
             kind="document", runs=3, warmups=1, note=f"{picks['event_meetings']} meetings"),
    ]
    headers = {"Authorization": f"Bearer {api_token}"} if api_token else None
    out += [
        Case("API list projects", "/api/v1/projects?per_page=50", headers=headers,
             endpoint_path="/api/v1/projects"),
        Case("API get project", f"/api/v1/projects/{picks['project']}", headers=headers),
    ]
    return out


def route_exists(app, path: str, method: str = "GET") -> bool:
    from werkzeug.exceptions import MethodNotAllowed, NotFound
    adapter = app.url_map.bind("localhost")
    try:
        adapter.match(path.split("?")[0], method=method)
    except (NotFound, MethodNotAllowed):
        return False
    return True


def api_token(app) -> str | None:
    """A bearer token for the staff user, made with `flask crm create-token` (SPEC)."""
    if not route_exists(app, "/api/v1/projects"):
        return None
    result = app.test_cli_runner().invoke(args=["crm", "create-token", STAFF_EMAIL,
                                                "--name", "benchmark"])
    if result.exit_code != 0:
        raise RuntimeError(f"create-token failed: {result.output}")
    return [line for line in result.output.splitlines() if line.strip()][-1].strip()


# --- running ------------------------------------------------------------------------------

@dataclass
class Side:
    """One database's app, signed-in client and query counter, for one scale."""
    database: str
    app: object
    picks: dict
    counter: QueryCounter
    client: object
    cases: dict[str, Case]
    runs: int


def _side(database: str, url: str, runs: int) -> Side:
    from crm.extensions import db
    app = make_app(url)
    picks = pick_records(app)
    token = api_token(app)
    with app.app_context():
        counter = QueryCounter(db.engine)
    client = app.test_client()
    sign_in(client)
    return Side(database, app, picks, counter, client,
                {c.name: c for c in cases(picks, api_token=token)}, runs)


class Timing:
    """The requests of one page on one database, and what they took."""

    def __init__(self, side: Side, case: Case, row: Row, runs: int):
        self.side, self.case, self.row, self.runs = side, case, row, runs
        self.times: list[float] = []
        self.cpu: list[float] = []
        self.queries: list[int] = []
        client = side.client
        if case.method == "POST":
            token = csrf_token(client.get(case.path).get_data(as_text=True))
            data = meeting_form(side.picks, token)
            self.request = lambda: client.post(case.path, data=data)
        else:
            self.request = lambda: client.get(case.path, headers=case.headers)

    def once(self, *, keep: bool) -> None:
        counter = self.side.counter
        counter.count = 0
        started, cpu_started = time.perf_counter(), time.process_time()
        response = self.request()
        body = response.get_data()
        elapsed = (time.perf_counter() - started) * 1000
        cpu_elapsed = (time.process_time() - cpu_started) * 1000
        response.close()
        if response.status_code != self.case.expect:
            snippet = " ".join(body[:300].decode("utf-8", "replace").split())
            raise RuntimeError(f"status {response.status_code}, expected {self.case.expect}: "
                               f"{snippet}")
        if keep:
            self.times.append(elapsed)
            self.cpu.append(cpu_elapsed)
            self.queries.append(counter.count)
        self.row.status, self.row.bytes = response.status_code, len(body)

    def finish(self) -> None:
        row, times = self.row, self.times
        row.runs = len(times)
        row.median_ms = round(statistics.median(times), 2)
        row.p95_ms = round(percentile(times, 95), 2)
        row.min_ms = round(min(times), 2)
        row.cpu_ms = round(statistics.median(self.cpu), 2)
        row.queries = max(self.queries)
        if len(set(self.queries)) > 1:
            row.queries_varied = sorted(set(self.queries))


def measure_scale(scale: str, urls: dict[str, str], *, runs: dict[str, int], warmups: int,
                  log=print, only: set[str] | None = None) -> tuple[list[Row], dict[str, dict]]:
    """Every page of one scale on every database of `urls` ({"sqlite": url, ...}), the
    databases' requests interleaved (one on SQLite, one on PostgreSQL, …) so that other
    work on the machine weighs on both alike; a database with fewer runs than another
    takes its turns evenly spread."""
    from crm.extensions import db
    sides = [_side(database, url, runs[database]) for database, url in urls.items()]
    gc.collect()  # as gunicorn.conf.py's post_worker_init (see the module docstring)
    gc.freeze()
    rows: list[Row] = []
    for name in list(sides[0].cases):
        if only and name not in only:
            continue
        timings: list[Timing] = []
        for side in sides:
            case = side.cases[name]
            row = Row(case.name, scale, kind=case.kind, database=side.database,
                      method=case.method, path=case.path, note=case.note)
            rows.append(row)
            if not route_exists(side.app, case.endpoint_path or case.path, case.method):
                row.note = "not available (no such route yet)"
                continue
            try:
                timings.append(Timing(side, case, row, case.runs or side.runs))
            except Exception as failure:  # noqa: BLE001 - a broken page is a result
                row.note = " ".join(f"failed: {failure}".split())[:300]
        case = sides[0].cases[name]
        n_warm = case.warmups if case.warmups is not None else warmups
        most = max((t.runs for t in timings), default=0)
        active = list(timings)
        for i in range(n_warm + most):
            for t in list(active):
                timed = i >= n_warm
                k = i - n_warm
                if timed and (k + 1) * t.runs // most == k * t.runs // most:
                    continue  # not this one's turn (it has fewer runs)
                try:
                    t.once(keep=timed)
                except Exception as failure:  # noqa: BLE001 - a broken page is a result
                    t.row.note = " ".join(f"failed: {failure}".split())[:300]
                    active.remove(t)
        for t in active:
            t.finish()
        parts = []
        for side in sides:
            row = next(r for r in rows if r.name == name and r.database == side.database)
            label = "SQLite" if side.database == "sqlite" else "PG"
            if row.median_ms is None:
                parts.append(f"{label} {row.note or 'n/a'}"[:120])
            else:
                parts.append(f"{label} median {row.median_ms:7.1f} p95 {row.p95_ms:7.1f} "
                             f"cpu {row.cpu_ms:7.1f} ms {row.queries:3d} q")
        log(f"  {name:<38} " + " | ".join(parts))
    for side in sides:
        with side.app.app_context():
            db.engine.dispose()
    gc.unfreeze()  # these apps may go now (the next scale builds its own)
    return rows, {side.database: side.picks for side in sides}

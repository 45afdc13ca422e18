"""Judging rows against the SPEC targets, the terminal table, bench/results/latest.json and
the README's "Benchmark" table."""
from __future__ import annotations

import json
import os
import platform
import re
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from bench.data import RESULTS, ROOT
from bench.measure import PG_FACTOR, TARGET_BY_NAME, TARGETS, Row

README = ROOT / "README.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"


IN_PROCESS = ("page", "memo_pdf", "report_pdf", "document")


def _target(r: Row) -> tuple[str | None, float | None]:
    if r.kind == "page" and r.name in TARGET_BY_NAME:
        return TARGET_BY_NAME[r.name]
    return TARGETS[r.kind]


def judge(rows: list[Row]) -> None:
    """Set `target`, `ok` and `pg_ratio` on the in-process rows (the gunicorn rows judge
    themselves). SQLite: the median limit of the row, and the same query count at every
    scale measured. PostgreSQL: the same query count at every scale, and for pages (HTML
    and API) a median within PG_FACTOR of the SQLite median of the same row and scale."""
    queries: dict[tuple[str, str], dict[str, int]] = {}
    sqlite_median: dict[tuple[str, str], float] = {}
    for r in rows:
        if r.queries is not None:
            queries.setdefault((r.name, r.database), {})[r.scale] = r.queries
        if r.database == "sqlite" and r.median_ms is not None:
            sqlite_median[(r.name, r.scale)] = r.median_ms
    for r in rows:
        if r.kind not in IN_PROCESS:
            continue
        text, limit = _target(r)
        counts = queries.get((r.name, r.database), {})
        constant = r.kind != "document"
        parts = []
        if r.database == "sqlite":
            if limit is not None:
                parts.append(text)
        elif r.kind == "page":
            parts.append(f"≤ {PG_FACTOR}× SQLite")
        if constant:
            parts.append("queries constant")
        r.target = ", ".join(parts) if parts else None
        if r.median_ms is None:
            r.ok = False if r.note.startswith("failed") else None  # a broken page misses
            continue
        checks: list[bool] = []
        if r.database == "sqlite" and limit is not None:
            checks.append(r.median_ms <= limit)
        base = sqlite_median.get((r.name, r.scale))
        unproven = False
        if r.database == "postgresql" and base:
            r.pg_ratio = round(r.median_ms / base, 2)
            if r.kind == "page":
                checks.append(r.pg_ratio <= PG_FACTOR)
        elif r.database == "postgresql" and r.kind == "page":
            unproven = True  # no SQLite median in this run to compare with
            r.note = "; ".join(filter(None, [r.note, "no SQLite median to compare with"]))
        if constant:
            checks.append(len(set(counts.values())) <= 1)
            if len(set(counts.values())) > 1:
                r.note = "; ".join(filter(None, [r.note, "queries " + ", ".join(
                    f"{s} {n}" for s, n in sorted(counts.items(), reverse=True))]))
            if r.queries_varied:
                r.note = "; ".join(filter(None, [r.note, f"queries varied {r.queries_varied}"]))
        r.ok = False if not all(checks) else (None if unproven or not checks else True)


def machine() -> dict:
    cpu = "unknown"
    try:
        match = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.M)
        cpu = match.group(1).strip() if match else cpu
    except OSError:
        pass
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                                capture_output=True, text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=ROOT, capture_output=True, text=True, timeout=10).stdout.strip()
        commit += " (with uncommitted changes)" if dirty else ""
    except OSError:
        commit = "unknown"
    return {"nproc": os.cpu_count(), "cpu": cpu, "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version, "platform": platform.platform(),
            "commit": commit, "loadavg": [round(x, 2) for x in os.getloadavg()]}


def _fmt(value, digits=1, suffix="") -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:,.{digits}f}{suffix}"
    return f"{value}{suffix}"


OK = {True: "yes", False: "NO", None: "—"}
PAGE_HEADERS = ["name", "scale", "median ms", "p95 ms", "cpu ms", "queries", "PG median ms",
                "PG cpu ms", "PG queries", "PG ÷ SQLite", "target", "ok?", "note"]
PAGE_RIGHT = {2, 3, 4, 5, 6, 7, 8, 9}
LOAD_HEADERS = ["name", "scale", "database", "requests/s", "p50 ms", "p99 ms", "÷ hello",
                "meetings logged", "non-2xx", "errors", "RSS MB", "target", "ok?", "note"]
LOAD_RIGHT = {3, 4, 5, 6, 7, 8, 9, 10}
DATABASE = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def _cell(value, digits=1) -> str:
    return "" if value is None else _fmt(value, digits)


def _combined_ok(*oks) -> bool | None:
    measured = [o for o in oks if o is not None]
    return all(measured) if measured else None


def page_rows(rows: list[Row]) -> list[list[str]]:
    """One line per page and scale: SQLite's figures, then PostgreSQL's beside them."""
    merged: dict[tuple[str, str], dict[str, Row]] = {}
    for r in rows:
        if r.kind in IN_PROCESS:
            merged.setdefault((r.name, r.scale), {})[r.database] = r
    out = []
    for (name, scale), by_db in merged.items():
        lite, pg = by_db.get("sqlite"), by_db.get("postgresql")
        first = lite or pg
        # One target text for the line: SQLite's limit, the query rule, PostgreSQL's factor.
        limit_text = _target(first)[0] if first.kind in TARGETS else None
        targets = [t for t in (limit_text if lite else None,
                               "queries constant" if first.kind != "document" else None,
                               f"PG ≤ {PG_FACTOR}× SQLite" if pg and pg.kind == "page" else None)
                   if t]
        notes = [n for n in ((lite.note if lite else ""),) if n]
        if pg and pg.note and pg.note != (lite.note if lite else None):
            notes.append(f"PG: {pg.note}")
        out.append([
            name, scale,
            _cell(lite.median_ms) if lite else "", _cell(lite.p95_ms) if lite else "",
            _cell(lite.cpu_ms) if lite else "", _cell(lite.queries) if lite else "",
            _cell(pg.median_ms) if pg else "", _cell(pg.cpu_ms) if pg else "",
            _cell(pg.queries) if pg else "",
            f"{pg.pg_ratio:.2f}×" if pg and pg.pg_ratio is not None else "",
            "; ".join(targets) or "—",
            OK[_combined_ok(lite.ok if lite else None, pg.ok if pg else None)],
            "; ".join(notes) or (first.note if first else "")])
    return out


def load_rows(rows: list[Row]) -> list[list[str]]:
    out = []
    for r in rows:
        if r.kind in IN_PROCESS:
            continue
        ratio = f"{r.ratio_to_hello:.1%}" if r.ratio_to_hello is not None else ""
        out.append([r.name, r.scale, DATABASE.get(r.database, r.database), _cell(r.rps),
                    _cell(r.median_ms), _cell(r.p99_ms), ratio, _cell(r.meetings),
                    _cell(r.non_2xx), _cell(r.errors), _cell(r.rss_mb), r.target or "—",
                    OK[r.ok], r.note])
    return out


def _terminal(headers, right, body, note_width=70) -> str:
    widths = [max(len(h), *(len(r[i]) for r in body)) if body else len(h)
              for i, h in enumerate(headers)]
    widths[-1] = min(widths[-1], note_width)

    def line(cells):
        out = []
        for i, cell in enumerate(cells):
            cell = cell if i != len(cells) - 1 else cell[:note_width]
            out.append(cell.rjust(widths[i]) if i in right else cell.ljust(widths[i]))
        return "  ".join(out).rstrip()
    sep = "  ".join("-" * w for w in widths)
    return "\n".join([line(headers), sep, *(line(r) for r in body)])


def _markdown(headers, right, body) -> str:
    align = ["---:" if i in right else "---" for i in range(len(headers))]
    lines = ["| " + " | ".join(headers) + " |", "| " + " | ".join(align) + " |"]
    for r in body:
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in r) + " |")
    return "\n".join(lines)


PAGES_TITLE = ("Pages, in-process (server time; `PG` = PostgreSQL; PostgreSQL pages must be "
               f"within {PG_FACTOR}× of SQLite):")
LOAD_TITLE = "Under gunicorn (loopback, wrk):"


def terminal_table(rows: list[Row], unavailable: str | None = None) -> str:
    parts = []
    pages, load = page_rows(rows), load_rows(rows)
    if pages:
        parts += [PAGES_TITLE, _terminal(PAGE_HEADERS, PAGE_RIGHT, pages)]
    if load:
        parts += ["", LOAD_TITLE, _terminal(LOAD_HEADERS, LOAD_RIGHT, load)]
    if unavailable:
        parts += ["", unavailable]
    return "\n".join(parts)


def markdown_table(rows: list[Row], unavailable: str | None = None) -> str:
    parts = []
    pages, load = page_rows(rows), load_rows(rows)
    if pages:
        parts += [PAGES_TITLE, "", _markdown(PAGE_HEADERS, PAGE_RIGHT, pages)]
    if load:
        parts += ["", LOAD_TITLE, "", _markdown(LOAD_HEADERS, LOAD_RIGHT, load)]
    if unavailable:
        parts += ["", f"**{unavailable}**"]
    return "\n".join(parts)


def machine_line(info: dict, meta: dict) -> str:
    databases = meta.get("databases", ["sqlite"])
    runs = ", ".join(f"{meta[key]} timed runs per page on {name}" if i == 0 else
                     f"{meta[key]} on {name}"
                     for i, (key, name) in enumerate(
                         (k, n) for d, k, n in (("sqlite", "runs", "SQLite"),
                                                ("postgresql", "pg_runs", "PostgreSQL"))
                         if d in databases)) or "no pages measured"
    return (f"Run on {meta['finished'][:16].replace('T', ' ')} UTC, commit {info['commit']}: "
            f"{info['nproc']} CPUs ({info['cpu']}), Python {info['python']}, "
            f"SQLite {info['sqlite']}, databases {meta['database']}; load average "
            f"{meta['loadavg_start']} at the start, {info['loadavg']} at the end; "
            f"{runs}, after {meta['warmups']} warm-ups (PDF reports fewer); "
            + (f"load runs of {meta['duration']} s (concurrent writes "
               f"{meta['write_duration']} s); " if meta.get("duration") else "")
            + f"total {meta['seconds']:.0f} s"
            + (f"; extra SQL applied first: {'; '.join(meta['extra_sql'])}"
               if meta.get("extra_sql") else "") + ".")


def write_results(rows: list[Row], meta: dict) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / "latest.json"
    path.write_text(json.dumps([r.as_json() for r in rows], ensure_ascii=False, indent=1))
    info = machine()
    (RESULTS / "latest-machine.json").write_text(json.dumps({**info, **meta}, indent=1))
    (RESULTS / "latest.md").write_text(
        f"{machine_line(info, meta)}\n\n{markdown_table(rows, meta.get('unavailable'))}\n")
    meta["machine"] = info
    return path


def update_readme(rows: list[Row], meta: dict) -> bool:
    text = README.read_text()
    if START not in text or END not in text:
        return False
    info = meta.get("machine") or machine()
    table = markdown_table(rows, meta.get("unavailable"))
    block = f"{START}\n{machine_line(info, meta)}\n\n{table}\n{END}"
    new = text[:text.index(START)] + block + text[text.index(END) + len(END):]
    README.write_text(new)
    return True


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")

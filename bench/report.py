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
from bench.measure import TARGETS, Row

README = ROOT / "README.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"


def judge(rows: list[Row]) -> None:
    """Set `target` and `ok` on the timed rows: the median limit of their kind, and the
    same query count at every scale measured."""
    queries: dict[str, dict[str, int]] = {}
    for r in rows:
        if r.queries is not None:
            queries.setdefault(r.name, {})[r.scale] = r.queries
    for r in rows:
        if r.kind not in TARGETS:
            continue
        text, limit = TARGETS[r.kind]
        if r.median_ms is None:
            r.ok = None
            r.target = text
            continue
        counts = queries.get(r.name, {})
        same = len(set(counts.values())) <= 1
        parts, ok = [], True
        if limit is not None:
            parts.append(text)
            ok = r.median_ms <= limit
        if r.kind != "document":
            parts.append("queries constant")
            if not same:
                ok = False
                r.note = "; ".join(filter(None, [r.note, "queries " + ", ".join(
                    f"{s} {n}" for s, n in sorted(counts.items(), reverse=True))]))
            if r.queries_varied:
                r.note = "; ".join(filter(None, [r.note, f"queries varied {r.queries_varied}"]))
        r.target = ", ".join(parts) if parts else None
        r.ok = ok if limit is not None or r.kind != "document" else None


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


def table_rows(rows: list[Row]) -> list[list[str]]:
    out = []
    for r in rows:
        ok = {True: "yes", False: "NO", None: "—"}[r.ok]
        if r.kind in ("throughput", "hello", "rss"):
            median = _fmt(r.median_ms) if r.kind != "rss" else ""
            p95 = _fmt(r.p95_ms) if r.kind != "rss" else ""
        else:
            median, p95 = _fmt(r.median_ms), _fmt(r.p95_ms)
        out.append([
            r.name, r.scale, median, p95, _fmt(r.cpu_ms) if r.cpu_ms is not None else "",
            "" if r.kind in ("throughput", "hello", "rss") else _fmt(r.queries),
            _fmt(r.rps) if r.rps is not None else "",
            f"{r.ratio_to_hello:.1%}" if r.ratio_to_hello is not None else "",
            _fmt(r.rss_mb) if r.rss_mb is not None else "",
            r.target or "—", ok, r.note])
    return out


HEADERS = ["name", "scale", "median ms", "p95 ms", "cpu ms", "queries", "rps", "ratio",
           "RSS MB", "target", "ok?", "note"]
RIGHT = {2, 3, 4, 5, 6, 7, 8}


def terminal_table(rows: list[Row]) -> str:
    body = table_rows(rows)
    widths = [max(len(h), *(len(r[i]) for r in body)) if body else len(h)
              for i, h in enumerate(HEADERS)]
    widths[-1] = min(widths[-1], 60)

    def line(cells):
        out = []
        for i, cell in enumerate(cells):
            cell = cell if i != len(cells) - 1 else cell[:60]
            out.append(cell.rjust(widths[i]) if i in RIGHT else cell.ljust(widths[i]))
        return "  ".join(out).rstrip()
    sep = "  ".join("-" * w for w in widths)
    return "\n".join([line(HEADERS), sep, *(line(r) for r in body)])


def markdown_table(rows: list[Row]) -> str:
    body = table_rows(rows)
    align = ["---:" if i in RIGHT else "---" for i in range(len(HEADERS))]
    lines = ["| " + " | ".join(HEADERS) + " |", "| " + " | ".join(align) + " |"]
    for r in body:
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in r) + " |")
    return "\n".join(lines)


def machine_line(info: dict, meta: dict) -> str:
    return (f"Run on {meta['finished'][:16].replace('T', ' ')} UTC, commit {info['commit']}: "
            f"{info['nproc']} CPUs ({info['cpu']}), Python {info['python']}, "
            f"SQLite {info['sqlite']}, database {meta['database']}; load average "
            f"{meta['loadavg_start']} at the start, {info['loadavg']} at the end; "
            f"{meta['runs']} timed runs per page after {meta['warmups']} warm-ups "
            f"(PDF reports fewer); total {meta['seconds']:.0f} s"
            + (f"; extra SQL applied first: {'; '.join(meta['extra_sql'])}"
               if meta.get("extra_sql") else "") + ".")


def write_results(rows: list[Row], meta: dict) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / "latest.json"
    path.write_text(json.dumps([r.as_json() for r in rows], ensure_ascii=False, indent=1))
    info = machine()
    (RESULTS / "latest-machine.json").write_text(json.dumps({**info, **meta}, indent=1))
    (RESULTS / "latest.md").write_text(
        f"{machine_line(info, meta)}\n\n{markdown_table(rows)}\n")
    meta["machine"] = info
    return path


def update_readme(rows: list[Row], meta: dict) -> bool:
    text = README.read_text()
    if START not in text or END not in text:
        return False
    info = meta.get("machine") or machine()
    block = f"{START}\n{machine_line(info, meta)}\n\n{markdown_table(rows)}\n{END}"
    new = text[:text.index(START)] + block + text[text.index(END) + len(END):]
    README.write_text(new)
    return True


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")

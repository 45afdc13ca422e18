"""`python -m bench`: build the data sets, measure on SQLite and PostgreSQL, print the
tables, write bench/results/latest.json.

    python -m bench                       # small, then large; SQLite, then PostgreSQL
    python -m bench --scale small         # the small scale only (env BENCH_SCALE)
    python -m bench --database sqlite     # one database only (env BENCH_DATABASE)
    python -m bench --no-throughput       # in-process pages only (no gunicorn, no wrk)
    python -m bench --regenerate          # rebuild the data sets first
    python -m bench --profile             # then profile the pages that miss a target
    python -m bench --update-readme       # and put the tables in README.md
    BENCH_DATABASE_URL=postgresql://me@db.example/crm_bench python -m bench   # another server

PostgreSQL: the server of BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/
crm_bench), databases crm_bench_small and crm_bench_large (see bench/data.py). When it
cannot be reached, the tables say so and the SQLite rows are measured all the same.
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
import time
import warnings

import bench  # noqa: F401  (puts the repository root on sys.path)
from bench import data, report
from bench.measure import Row, cases, measure_scale, route_exists
from bench.throughput import measure_throughput

DATABASES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def parse_args(argv):
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--scale", choices=("small", "large", "both"),
                   default=os.environ.get("BENCH_SCALE", "both"),
                   help="which data set(s) to measure (env BENCH_SCALE; default both)")
    p.add_argument("--database", choices=("sqlite", "postgresql", "both"),
                   default=os.environ.get("BENCH_DATABASE", "both"),
                   help="which database(s) to measure on (env BENCH_DATABASE; default both)")
    p.add_argument("--regenerate", action="store_true", help="rebuild the data sets first")
    p.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS", 30)),
                   help="timed requests per page on SQLite (default 30)")
    p.add_argument("--pg-runs", type=int, default=int(os.environ.get("BENCH_PG_RUNS", 15)),
                   help="timed requests per page on PostgreSQL (default 15)")
    # Eight, so that a page's statements reach their steady state on PostgreSQL (prepared,
    # then planned generically after five executions), as on a worker that has served a
    # few requests; SQLite gets the same.
    p.add_argument("--warmups", type=int, default=8, help="untimed requests first (default 8)")
    p.add_argument("--duration", type=int, default=15,
                   help="seconds of load for hello world and the festival day (default 15)")
    p.add_argument("--write-duration", type=int, default=20,
                   help="seconds of the concurrent writes on PostgreSQL (default 20)")
    p.add_argument("--no-throughput", action="store_true", help="skip gunicorn and wrk")
    p.add_argument("--only", action="append", metavar="NAME",
                   help="measure only this page (repeatable; names as in the table)")
    p.add_argument("--sql", action="append", metavar="STATEMENT",
                   help="run this SQL on the working copy before measuring, e.g. to try "
                        "'CREATE INDEX …' before writing its migration (repeatable)")
    p.add_argument("--profile", action="store_true",
                   help="profile the pages that miss a target (pyinstrument, SQL timings)")
    p.add_argument("--update-readme", action="store_true",
                   help="replace the table in README.md's Benchmark section")
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    warnings.simplefilter("ignore", DeprecationWarning)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    scales = ("small", "large") if args.scale == "both" else (args.scale,)
    databases = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    started = time.perf_counter()
    loadavg_start = [round(x, 2) for x in os.getloadavg()]
    unavailable = None
    if "postgresql" in databases:
        reason = data.postgres_unreachable()
        if reason:
            unavailable = (f"PostgreSQL was unreachable ({reason}): its rows were not "
                           "measured, so its targets are not shown as met.")
            print(unavailable)
            databases.remove("postgresql")
    print(f"Benchmark: scales {', '.join(scales)}; databases "
          f"{', '.join(DATABASES[d] for d in databases) or 'none'}; load average "
          f"{loadavg_start} on {os.cpu_count()} CPUs")
    rows: list[Row] = []
    urls: dict[tuple[str, str], str] = {}
    build_seconds: dict[str, float | None] = {}
    only = set(args.only) if args.only else None
    for scale in scales:
        build_seconds[scale] = data.build_seconds(scale)
        scale_urls: dict[str, str] = {}
        for database in databases:
            print(f"\n[{scale}, {DATABASES[database]}] data set")
            scale_urls[database] = data.prepare_database(
                scale, database=database, regenerate=args.regenerate, extra_sql=args.sql)
            urls[(scale, database)] = scale_urls[database]
        if not scale_urls:
            continue
        runs = {"sqlite": args.runs, "postgresql": args.pg_runs}
        print(f"[{scale}] pages, in-process, "
              + ", ".join(f"{runs[d]} runs on {DATABASES[d]}" for d in scale_urls)
              + f" after {args.warmups} warm-ups"
              + (" (requests interleaved)" if len(scale_urls) > 1 else ""))
        scale_rows, picks = measure_scale(scale, scale_urls, runs=runs, warmups=args.warmups,
                                          only=only)
        rows += scale_rows
        if args.no_throughput:
            continue
        for database, url in scale_urls.items():
            label = f"[{scale}, {DATABASES[database]}]"
            print(f"{label} under gunicorn: hello world, festival day, memory"
                  + (", concurrent writes" if database == "postgresql" else ""))
            app = data.make_app(url)
            tour = [c.path for c in cases(picks[database], api_token=None)
                    if c.method == "GET" and not c.path.startswith("/api/")
                    and route_exists(app, c.path)]
            with app.app_context():
                from crm.extensions import db
                db.engine.dispose()
            try:
                rows += measure_throughput(scale, database, url, tour, duration=args.duration,
                                           write_duration=args.write_duration)
            except Exception as failure:  # noqa: BLE001 - report it in the table
                print(f"  under gunicorn FAILED: {failure}")
                rows.append(Row("festival day: project detail (gunicorn, 2 workers)", scale,
                                kind="festival", database=database, ok=False,
                                note=f"failed: {failure}"[:300]))
    report.judge(rows)
    seconds = time.perf_counter() - started
    meta = {"finished": report.now_iso(), "seconds": round(seconds, 1),
            "scales": list(scales), "databases": databases, "runs": args.runs,
            "pg_runs": args.pg_runs, "warmups": args.warmups,
            "duration": None if args.no_throughput else args.duration,
            "write_duration": args.write_duration, "loadavg_start": loadavg_start,
            "build_seconds": build_seconds,
            "database": " and ".join(DATABASES[d] for d in databases) or "none",
            "unavailable": unavailable, "extra_sql": args.sql or []}
    path = report.write_results(rows, meta)
    print()
    print(report.terminal_table(rows, unavailable))
    print(f"\n{report.machine_line(meta['machine'], meta)}")
    print(f"Figures written to {path.relative_to(data.ROOT)}")
    if args.update_readme:
        print("README.md updated" if report.update_readme(rows, meta)
              else "README.md has no benchmark markers: not updated")
    missed = [r for r in rows if r.ok is False]
    if args.profile and missed:
        from bench.profile import profile_cases
        for (scale, database), url in urls.items():
            if "large" in scales and scale != "large":
                continue  # the targets are for the large scale
            names = [r.name for r in missed if r.scale == scale and r.database == database
                     and r.kind in report.IN_PROCESS]
            if names:
                print(f"\n[{scale}, {DATABASES[database]}] profiling {len(names)} page(s)")
                profile_cases(scale, url, names, database=database)
    unjudged = [r for r in rows if r.ok is None and r.target]
    if missed:
        print(f"{len(missed)} target(s) missed")
    elif unjudged or unavailable:
        print(f"No target missed, but {len(unjudged)} row(s) could not be judged"
              + (" and PostgreSQL was not measured" if unavailable else "") + ".")
    else:
        print("Every target met.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""`python -m bench`: build the data sets, measure, print one table, write
bench/results/latest.json.

    python -m bench                       # small, then large (BENCH_SCALE=both)
    BENCH_SCALE=small python -m bench     # the small scale only, quickly
    python -m bench --regenerate          # rebuild the data sets first
    python -m bench --profile             # then profile the pages that miss a target
    python -m bench --update-readme       # and put the table in README.md
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/crm_bench python -m bench
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


def parse_args(argv):
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--scale", choices=("small", "large", "both"),
                   default=os.environ.get("BENCH_SCALE", "both"),
                   help="which data set(s) to measure (env BENCH_SCALE; default both)")
    p.add_argument("--regenerate", action="store_true", help="rebuild the data sets first")
    p.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS", 30)),
                   help="timed requests per page (default 30)")
    p.add_argument("--warmups", type=int, default=3, help="untimed requests first (default 3)")
    p.add_argument("--duration", type=int, default=10,
                   help="seconds of load for each throughput measurement (default 10)")
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
    started = time.perf_counter()
    loadavg_start = [round(x, 2) for x in os.getloadavg()]
    print(f"Benchmark: scales {', '.join(scales)}; load average {loadavg_start} "
          f"on {os.cpu_count()} CPUs")
    rows: list[Row] = []
    urls: dict[str, str] = {}
    build_seconds: dict[str, float | None] = {}
    for scale in scales:
        print(f"\n[{scale}] data set")
        url = data.prepare_database(scale, regenerate=args.regenerate, extra_sql=args.sql)
        urls[scale] = url
        build_seconds[scale] = data.build_seconds(scale)
        print(f"[{scale}] pages, in-process ({args.runs} runs after {args.warmups} warm-ups)")
        scale_rows, picks = measure_scale(scale, url, runs=args.runs, warmups=args.warmups,
                                          only=set(args.only) if args.only else None)
        rows += scale_rows
        if not args.no_throughput:
            print(f"[{scale}] throughput and memory under gunicorn")
            app = data.make_app(url)
            tour = [c.path for c in cases(picks, api_token=None)
                    if c.method == "GET" and not c.path.startswith("/api/")
                    and route_exists(app, c.path)]
            try:
                rows += measure_throughput(scale, url, f"/projects/{picks['project']}", tour,
                                           duration=args.duration)
            except Exception as failure:  # noqa: BLE001 - report it in the table
                print(f"  throughput FAILED: {failure}")
                rows.append(Row("project detail throughput (gunicorn, 2 workers)", scale,
                                kind="throughput", ok=False, note=f"failed: {failure}"[:300]))
    report.judge(rows)
    seconds = time.perf_counter() - started
    meta = {"finished": report.now_iso(), "seconds": round(seconds, 1),
            "scales": list(scales), "runs": args.runs, "warmups": args.warmups,
            "loadavg_start": loadavg_start, "build_seconds": build_seconds,
            "database": ("PostgreSQL" if os.environ.get("BENCH_DATABASE_URL") else "SQLite"),
            "extra_sql": args.sql or []}
    path = report.write_results(rows, meta)
    print()
    print(report.terminal_table(rows))
    print(f"\n{report.machine_line(meta['machine'], meta)}")
    print(f"Figures written to {path.relative_to(data.ROOT)}")
    if args.update_readme:
        print("README.md updated" if report.update_readme(rows, meta)
              else "README.md has no benchmark markers: not updated")
    missed = [r for r in rows if r.ok is False]
    if args.profile and missed:
        from bench.profile import profile_cases
        for scale in scales:
            names = [r.name for r in missed if r.scale == scale and r.kind not in
                     ("throughput", "hello", "rss")]
            if "large" in scales and scale != "large":
                continue  # the targets are for the large scale
            if names:
                print(f"\n[{scale}] profiling {len(names)} page(s)")
                profile_cases(scale, urls[scale], names)
    print(f"{len(missed)} target(s) missed" if missed else "Every target met.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

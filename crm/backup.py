"""Backups: a consistent copy of the SQLite database, and a JSON export of everything that
can be read without the app. (PostgreSQL: use pg_dump, see the README.)"""
from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

from crm.audit import SECRET_FIELDS
from crm.extensions import db

EXPORT_FORMAT = "crm-export/1"


def backup_sqlite(target: Path) -> int:
    """Copy the live SQLite database to `target` with SQLite's online backup API (safe
    while the app is serving). Returns the number of pages copied."""
    engine = db.engine
    if engine.dialect.name != "sqlite":
        raise RuntimeError("backup copies SQLite databases; for PostgreSQL use pg_dump "
                           "(see the README)")
    target = Path(target)
    if target.exists():
        raise FileExistsError(f"{target} exists; choose a new file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    raw = engine.raw_connection()
    try:
        source = raw.driver_connection
        with sqlite3.connect(target) as destination:
            source.backup(destination)
            pages = destination.execute("PRAGMA page_count").fetchone()[0]
        destination.close()
    finally:
        raw.close()
    return pages


def _plain(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    return value


def export_json(target: Path) -> dict[str, int]:
    """Write every table (archived rows included, secrets left out) to one JSON file:
    {"format", "exported_at", "tables": {name: [row, ...]}}. Returns rows per table."""
    tables, counts = {}, {}
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            columns = [c for c in table.columns if c.name not in SECRET_FIELDS]
            rows = conn.execute(sa.select(*columns).order_by(*table.primary_key.columns)).mappings()
            tables[table.name] = [{k: _plain(v) for k, v in row.items()} for row in rows]
            counts[table.name] = len(tables[table.name])
    document = {"format": EXPORT_FORMAT, "exported_at": datetime.now().astimezone().isoformat(),
                "tables": tables}
    Path(target).write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
    return counts

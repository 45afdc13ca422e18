"""Backups: the SQLite copy restores with every row; the JSON export holds everything
but secrets."""
import json
import sqlite3

import pytest
import sqlalchemy as sa

from config import TestConfig
from crm import create_app
from crm.demo import seed_demo
from crm.extensions import db as _db


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=list(args))


def _row_counts(connection) -> dict[str, int]:
    return {t.name: connection.execute(sa.select(sa.func.count()).select_from(t)).scalar()
            for t in _db.metadata.sorted_tables}


def test_backup_restores_every_row(app, db, cli, tmp_path):
    if db.engine.dialect.name != "sqlite":
        result = cli("crm", "backup", str(tmp_path / "x.sqlite3"))
        assert result.exit_code != 0 and "pg_dump" in result.output
        return
    seed_demo()
    db.session.commit()
    with db.engine.connect() as conn:
        expected = _row_counts(conn)
    target = tmp_path / "backup.sqlite3"
    result = cli("crm", "backup", str(target))
    assert result.exit_code == 0, result.output

    class Restored(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{target}"

    restored = create_app(Restored)
    with restored.app_context():
        with _db.engine.connect() as conn:
            assert _row_counts(conn) == expected
            names = conn.execute(sa.text("SELECT local_name FROM organizations")).scalars().all()
        _db.engine.dispose()
    assert "Қазақфильм" in names and "東京ニューシネマ" in names
    assert sqlite3.connect(target).execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_backup_never_overwrites_a_file(db, cli, tmp_path):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite backups only; PostgreSQL uses pg_dump")
    target = tmp_path / "existing.sqlite3"
    target.write_bytes(b"keep me")
    result = cli("crm", "backup", str(target))
    assert result.exit_code != 0 and "exists" in result.output
    assert target.read_bytes() == b"keep me"


def test_export_json_has_every_table_and_no_secrets(db, cli, tmp_path):
    seed_demo()
    db.session.commit()
    target = tmp_path / "export.json"
    result = cli("crm", "export-json", str(target))
    assert result.exit_code == 0, result.output
    document = json.loads(target.read_text(encoding="utf-8"))
    assert document["format"] == "crm-export/1"
    with db.engine.connect() as conn:
        assert {k: len(v) for k, v in document["tables"].items()} == _row_counts(conn)
    users = document["tables"]["users"]
    assert users and all("password_hash" not in u and "session_token" not in u for u in users)
    assert any(o["local_name"] == "Қазақфильм" for o in document["tables"]["organizations"])

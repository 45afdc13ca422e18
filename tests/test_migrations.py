"""The Alembic migrations and the models describe the same schema, and the migrations
run up and down cleanly on SQLite and on PostgreSQL."""
from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from config import TestConfig
from crm import create_app
from crm.extensions import db, init_migrate
from crm.models import DEFAULT_STAGES
from crm.notes import outside_the_models

ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS = str(ROOT / "migrations")
BEFORE_NOTES_INDEX = "9a1b2c3d4e5f"  # the revision before crm.notes' index


def fresh_app(url: str):
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = url
    app = create_app(Config)
    init_migrate(app)
    return app


def schema_differences() -> list:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True,
                                                         "compare_server_default": False,
                                                         "include_name": outside_the_models})
        return compare_metadata(context, db.metadata)


def table_names() -> set[str]:
    """The tables, but Alembic's own and the notes index's (crm.notes)."""
    return {name for name in sa.inspect(db.engine).get_table_names()
            if name != "alembic_version" and outside_the_models(name, "table", {})}


def notes_index_objects() -> set[str]:
    inspector = sa.inspect(db.engine)
    names = set(inspector.get_table_names())
    names |= {index["name"] for index in inspector.get_indexes("meetings")}
    return {name for name in names if not outside_the_models(name, "table", {})
            or not outside_the_models(name, "index", {})}


def check_round_trip(url: str) -> None:
    """upgrade → models agree → downgrade base → nothing left → upgrade → agree again."""
    app = fresh_app(url)
    with app.app_context():
        try:
            upgrade(directory=MIGRATIONS)
            assert table_names() == set(db.metadata.tables)
            assert schema_differences() == []
            stages = db.session.scalars(sa.text("SELECT key FROM pipeline_stages ORDER BY position"))
            assert list(stages) == [stage[0] for stage in DEFAULT_STAGES]
            db.session.remove()

            assert notes_index_objects()  # made by its migration
            downgrade(directory=MIGRATIONS, revision=BEFORE_NOTES_INDEX)
            assert notes_index_objects() == set()  # and gone with its downgrade
            downgrade(directory=MIGRATIONS, revision="base")
            assert table_names() == set()

            upgrade(directory=MIGRATIONS)
            assert schema_differences() == []
        finally:
            db.session.remove()
            db.engine.dispose()


def run_flask(*args: str, database_url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url, "CRM_ENV": "development",
           "FLASK_APP": "wsgi"}
    env.pop("SECRET_KEY", None)
    return subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)


# --- SQLite ----------------------------------------------------------------------------

def test_sqlite_upgrade_matches_models_and_downgrades_cleanly(tmp_path):
    check_round_trip(f"sqlite:///{tmp_path / 'migrations.sqlite3'}")


def upgrade_in_process(url: str) -> None:
    app = fresh_app(url)
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        db.session.remove()
        db.engine.dispose()


def test_flask_db_check_finds_nothing_to_migrate(tmp_path):
    """What the README tells a developer to run: `flask --app wsgi db check`."""
    url = f"sqlite:///{tmp_path / 'check.sqlite3'}"
    upgrade_in_process(url)
    checked = run_flask("db", "check", database_url=url)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "No new upgrade operations detected" in checked.stdout + checked.stderr


def test_serving_the_app_does_not_load_alembic():
    """Migrations are a command-line job (crm.cli.MigrationCommands): each web worker saves
    the 11 MB that Alembic and Flask-Migrate take."""
    code = ("import sys, wsgi; "
            "print(sorted(m for m in ('alembic', 'flask_migrate', 'mako') if m in sys.modules))")
    env = {**os.environ, "CRM_ENV": "development",
           "DATABASE_URL": "sqlite://"}
    env.pop("SECRET_KEY", None)
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,
                            capture_output=True, text=True, check=True, timeout=120)
    assert result.stdout.strip() == "[]"


def test_migrations_have_a_single_head_and_a_real_downgrade():
    versions = list((ROOT / "migrations" / "versions").glob("*.py"))
    assert versions
    for path in versions:
        source = path.read_text()
        assert "def downgrade" in source
        downgrade_body = source.split("def downgrade", 1)[1]
        assert "op." in downgrade_body, f"{path.name} has an empty downgrade()"


# --- PostgreSQL ------------------------------------------------------------------------

@pytest.fixture
def throwaway_postgres_database():
    """A database of its own on the TEST_DATABASE_URL server, dropped afterwards, so that
    dropping every table does not disturb the session's `test` database."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url or not url.startswith(("postgresql", "postgres")):
        pytest.skip("TEST_DATABASE_URL is not set to a PostgreSQL server")
    import psycopg

    server = sa.make_url(url.replace("postgresql+psycopg://", "postgresql://", 1))
    name = f"crm_migrations_{uuid.uuid4().hex[:12]}"
    admin_dsn = server.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(drivername="postgresql+psycopg", database=name).render_as_string(
            hide_password=False)
    finally:
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.postgres
def test_postgres_upgrade_matches_models_downgrades_cleanly_and_checks(
        throwaway_postgres_database):
    check_round_trip(throwaway_postgres_database)  # ends upgraded
    checked = run_flask("db", "check", database_url=throwaway_postgres_database)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "No new upgrade operations detected" in checked.stdout + checked.stderr

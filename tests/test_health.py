"""`GET /healthz`, as the proxy and a stranger see it: 200 `ok` when the database answers
and is migrated to the head, 503 otherwise, and never anything more (no version, no error
text, no cookie, no limit)."""
from __future__ import annotations

import os

import sqlalchemy as sa
from alembic.script import ScriptDirectory

from config import TestConfig
from crm import create_app
from crm.extensions import db as _db
from crm.health import MIGRATIONS, migration_heads


def test_a_migrated_database_answers_ok_and_nothing_else(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "ok\n"
    assert response.mimetype == "text/plain"
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"
    assert not any(name.startswith("X-RateLimit") for name in response.headers.keys())


def test_a_signed_in_user_learns_no_more(client, login_as):
    login_as("admin")
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_data(as_text=True) == "ok\n"


def test_the_proxy_may_ask_as_often_as_it_likes(client):
    assert {client.get("/healthz").status_code for _ in range(40)} == {200}


def test_the_head_is_the_one_alembic_knows():
    script = ScriptDirectory(os.path.dirname(MIGRATIONS))
    assert migration_heads() == frozenset(script.get_heads())


def test_a_database_behind_the_migrations_is_unavailable(client, app):
    heads = app.extensions["crm_migration_heads"]
    with _db.engine.begin() as conn:
        current = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
        previous = ScriptDirectory(os.path.dirname(MIGRATIONS)).get_revision(current).down_revision
        conn.execute(sa.text("UPDATE alembic_version SET version_num = :v"), {"v": previous})
    try:
        response = client.get("/healthz")
    finally:
        with _db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE alembic_version SET version_num = :v"), {"v": current})
    assert response.status_code == 503
    body = response.get_data(as_text=True)
    assert body == "unavailable\n"
    assert not any(revision in body for revision in (*heads, previous))
    assert client.get("/healthz").status_code == 200


def _health_of(database_url: str):
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url

    other = create_app(Config)
    try:
        return other.test_client().get("/healthz")
    finally:
        with other.app_context():
            _db.engine.dispose()


def test_a_database_never_migrated_is_unavailable(tmp_path):
    response = _health_of(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    assert response.status_code == 503 and response.get_data(as_text=True) == "unavailable\n"


def test_an_unreachable_database_is_unavailable_without_saying_why(tmp_path):
    response = _health_of(f"sqlite:///{tmp_path / 'no such folder' / 'crm.sqlite3'}")
    assert response.status_code == 503
    assert response.get_data(as_text=True) == "unavailable\n"

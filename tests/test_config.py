"""Configuration from the environment, the SQLite tuning, assets served by the app, and
error pages that never show a traceback."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

import config
from config import ProductionConfig, TestConfig, config_for_environment
from crm import create_app
from crm.sqlite import BUSY_TIMEOUT_MS
from tests.conftest import PASSWORD, post_form

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def production_env(monkeypatch):
    monkeypatch.setenv("CRM_ENV", "production")
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", ProductionConfig.SECRET_KEY)
    return monkeypatch


# --- configuration ---------------------------------------------------------------------

@pytest.mark.parametrize("secret", [None, "", "   "])
def test_production_without_secret_key_refuses_to_start(production_env, secret):
    if secret is None:
        production_env.delenv("SECRET_KEY", raising=False)
    else:
        production_env.setenv("SECRET_KEY", secret)
    with pytest.raises(RuntimeError, match="CRM_ENV=production needs SECRET_KEY"):
        config_for_environment()


def test_production_refuses_a_short_secret_key(production_env):
    production_env.setenv("SECRET_KEY", "x" * 31)
    with pytest.raises(RuntimeError, match="at least 32 bytes"):
        config_for_environment()
    production_env.setenv("SECRET_KEY", "ж" * 16)  # 32 bytes in UTF-8, 16 characters
    assert config_for_environment() is ProductionConfig


def test_production_mail_needs_the_base_url_of_its_links(production_env):
    """Else a forged Host header would put the attacker's site in a victim's reset link."""
    production_env.setenv("SECRET_KEY", "a" * 64)
    production_env.setenv("CRM_SMTP_URL", "smtp://127.0.0.1:25")
    production_env.delenv("CRM_BASE_URL", raising=False)
    with pytest.raises(RuntimeError, match="CRM_BASE_URL"):
        config_for_environment()
    production_env.setenv("CRM_BASE_URL", "https://crm.example.org")
    assert config_for_environment() is ProductionConfig


def test_production_with_secret_key_uses_secure_cookies(production_env):
    production_env.setenv("SECRET_KEY", "a" * 64)
    chosen = config_for_environment()
    assert chosen is ProductionConfig
    app = create_app(type("Prod", (chosen,), {"SQLALCHEMY_DATABASE_URI": "sqlite://"}))
    assert app.config["SECRET_KEY"] == "a" * 64
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["TESTING"] is False and app.config["DEBUG"] is False


def test_development_is_the_default(monkeypatch):
    monkeypatch.delenv("CRM_ENV", raising=False)
    assert config_for_environment() is config.DevelopmentConfig
    monkeypatch.setenv("CRM_ENV", "staging")
    with pytest.raises(RuntimeError, match="CRM_ENV must be"):
        config_for_environment()


def test_wsgi_refuses_to_start_in_production_without_secret_key(tmp_path):
    env = {**os.environ, "CRM_ENV": "production", "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}
    env.pop("SECRET_KEY", None)
    result = subprocess.run([sys.executable, "-c", "import wsgi"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "CRM_ENV=production needs SECRET_KEY" in result.stderr


@pytest.mark.parametrize("given, used", [
    ("postgres://u:p@db/crm", "postgresql+psycopg://u:p@db/crm"),
    ("postgresql://u:p@db/crm", "postgresql+psycopg://u:p@db/crm"),
    ("postgresql+psycopg://u@db/crm", "postgresql+psycopg://u@db/crm"),
    ("sqlite:////srv/crm.sqlite3", "sqlite:////srv/crm.sqlite3"),
])
def test_database_url_uses_psycopg_3(monkeypatch, given, used):
    monkeypatch.setenv("DATABASE_URL", given)
    assert config._database_url("sqlite://") == used


# --- SQLite ----------------------------------------------------------------------------

@pytest.fixture
def sqlite_only(db):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite tuning")


def test_sqlite_connections_are_tuned(db, sqlite_only):
    with db.engine.connect() as conn:
        pragma = lambda name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
        assert pragma("foreign_keys") == 1
        assert pragma("journal_mode") == "wal"
        assert pragma("busy_timeout") == BUSY_TIMEOUT_MS >= 5000


def test_write_requests_take_the_write_lock_up_front(client, db, sqlite_only, make_user):
    user = make_user("staff")
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)
    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        client.get("/login")
        reads = list(statements)
        statements.clear()
        post_form(client, "/login", {"email": user.email, "password": PASSWORD})
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    assert "BEGIN IMMEDIATE" not in reads
    assert "BEGIN IMMEDIATE" in statements


def test_a_write_waits_for_another_writer_instead_of_failing(client, db, sqlite_only,
                                                             make_user):
    """Another worker holds the write lock for a moment: the sign-in (which reads, then
    writes its audit entry) waits for it rather than failing with "database is locked"."""
    user = make_user("staff")
    locked, release = threading.Event(), threading.Event()
    engine = db.engine

    def other_worker():
        with engine.connect() as conn:
            conn.exec_driver_sql("UPDATE pipeline_stages SET name = name WHERE id = 1")
            locked.set()
            release.wait(5)
            conn.commit()

    worker = threading.Thread(target=other_worker)
    worker.start()
    try:
        assert locked.wait(5)
        threading.Timer(0.3, release.set).start()
        response = post_form(client, "/login", {"email": user.email, "password": PASSWORD})
    finally:
        release.set()
        worker.join(5)
    assert response.status_code == 302


# --- layout and assets -----------------------------------------------------------------

def test_assets_are_served_by_the_app_not_a_cdn(client):
    page = client.get("/login").get_data(as_text=True)
    assert "cdn" not in page.lower()
    for path in ("/bootstrap/static/css/bootstrap.min.css", "/bootstrap/static/js/bootstrap.min.js",
                 "/static/crm.css"):
        assert f'"{path}"' in page
        with client.get(path) as asset:  # a streamed file: close it
            assert asset.status_code == 200, path


def test_pages_fit_a_phone(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in page


# --- error pages -----------------------------------------------------------------------

def test_404_page_is_friendly(client, login_as):
    login_as("staff")
    response = client.get("/organizations/424242")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Not found" in page and "nothing here" in page
    assert "Traceback" not in page and "werkzeug" not in page.lower()
    assert "Back to the dashboard" in page


def test_unknown_address_is_404_even_when_signed_out(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Not found" in response.get_data(as_text=True)


def test_403_page_explains_the_role(client, login_as):
    login_as("executive")
    response = client.get("/organizations/new")
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert "Your role does not allow this" in page and "Traceback" not in page


def test_405_page(client):
    response = client.get("/logout")
    assert response.status_code == 405
    assert "does not accept" in response.get_data(as_text=True)


def test_500_page_shows_no_traceback(app):
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        PROPAGATE_EXCEPTIONS = False  # as in production: the error page, not the exception

    broken = create_app(Config)

    @broken.get("/boom")
    def boom():
        raise RuntimeError("secret internals: password=hunter2")

    response = broken.test_client().get("/boom")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Something went wrong" in page and "Nothing you typed was half-saved" in page
    for leak in ("Traceback", "RuntimeError", "secret internals", "hunter2"):
        assert leak not in page
    with broken.app_context():
        from crm.extensions import db
        db.engine.dispose()

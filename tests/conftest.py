"""Fixtures that read like the domain: `app`, `client`, `login_as(role)`, `make_*` factories.

The schema comes from the real migrations, once per session, on SQLite (a temporary file)
or on PostgreSQL when TEST_DATABASE_URL is set. Every test starts from empty tables with
the default pipeline stages. CSRF stays on: `post_form` sends the token a page gave.
"""
from __future__ import annotations

import contextlib
import contextvars
import os
import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask import has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade

from config import TestConfig
from crm import create_app
from crm.demo import ensure_default_stages
from crm.extensions import db as _db
from crm.extensions import init_migrate, limiter
from crm.models import (Event, Meeting, Memorandum, MemorandumKind, MemorandumParty,
                        Organization, OrganizationAlias, OrganizationKind, PartyRole, Person,
                        PersonRole, PipelineStage, Project, ProjectFormat, ProjectParty, Role,
                        User)

PASSWORD = "correct horse battery"
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url.replace("postgresql://", "postgresql+psycopg://", 1)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context (fresh `g`, its own database session), as
    in production, even though the test itself holds an app context for its factories."""

    def open(self, *args, **kwargs):
        if not has_app_context():  # a redirect followed inside an isolated request
            return FlaskClient.open(self, *args, **kwargs)
        # Like a separate process: the request sees what the test committed, and the test
        # then reads what the request wrote (no stale snapshot or identity map).
        _db.session.commit()
        try:
            return contextvars.Context().run(FlaskClient.open, self, *args, **kwargs)
        finally:
            _db.session.expire_all()


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        UPLOAD_DIR = str(tmp_path_factory.mktemp("uploads"))

    app = create_app(Config)
    app.test_client_class = IsolatedClient
    with app.app_context():
        if database_url.startswith("postgresql"):
            _drop_everything()
        init_migrate(app)
        upgrade(directory=os.path.join(os.path.dirname(__file__), "..", "migrations"))
    yield app
    with app.app_context():
        _db.engine.dispose()


def _drop_everything() -> None:
    with _db.engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")


@pytest.fixture(autouse=True)
def db(app):
    """A clean database for every test (tables emptied, default stages back)."""
    with app.app_context():
        yield _db
        _db.session.rollback()
        _db.session.remove()
        _empty_tables()
        ensure_default_stages()
        _db.session.commit()
        limiter.reset()


def _empty_tables() -> None:
    # DELETE, child tables first: on tables this small it is far quicker than TRUNCATE on
    # PostgreSQL (ids keep counting up, which no test relies on).
    with _db.engine.begin() as conn:
        for table in reversed(_db.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def count_queries(app):
    """with count_queries() as counted: ...; counted.n is the number of SQL statements."""

    class Counter:
        n = 0

    @contextlib.contextmanager
    def counting():
        counter = Counter()

        def before(*_args, **_kwargs):
            counter.n += 1
        engine = _db.engine
        sa.event.listen(engine, "before_cursor_execute", before)
        try:
            yield counter
        finally:
            sa.event.remove(engine, "before_cursor_execute", before)
    return counting


@contextlib.contextmanager
def recorded_statements():
    """with recorded_statements() as seen: ...; `seen` lists every SQL statement sent."""
    seen: list[str] = []

    def before(_conn, _cursor, statement, *_args):
        seen.append(statement)
    sa.event.listen(_db.engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        sa.event.remove(_db.engine, "before_cursor_execute", before)


# --- forms with CSRF -------------------------------------------------------------------

def csrf_token_from(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1)


def post_form(client, url: str, data: dict, *, page: str | None = None, **kw):
    """POST like a browser: first open the page with the form, then send it with its token."""
    html = client.get(page or url).get_data(as_text=True)
    return client.post(url, data={**data, "csrf_token": csrf_token_from(html)}, **kw)


# --- factories -------------------------------------------------------------------------

@pytest.fixture
def make_organization(db):
    def make(**overrides) -> Organization:
        aliases = overrides.pop("aliases", [])
        values = {"name": "Kazakhfilm", "local_name": "Қазақфильм",
                  "kind": OrganizationKind.STUDIO, "country": "KZ", "city": "Almaty"}
        org = Organization(**{**values, **overrides})
        org.aliases = [OrganizationAlias(name=a) for a in aliases]
        db.session.add(org)
        db.session.commit()
        return org
    return make


@pytest.fixture
def make_person(db):
    def make(**overrides) -> Person:
        values = {"full_name": "Shozo Ichiyama", "local_name": "市山尚三",
                  "role": PersonRole.PRODUCER, "country": "JP"}
        person = Person(**{**values, **overrides})
        db.session.add(person)
        db.session.commit()
        return person
    return make


@pytest.fixture
def make_event(db):
    def make(**overrides) -> Event:
        values = {"name": "Festival de Cannes", "edition": 2018, "city": "Cannes",
                  "country": "FR", "start_date": date(2018, 5, 8), "end_date": date(2018, 5, 19),
                  "venue": "National Pavilion of Kazakhstan"}
        event = Event(**{**values, **overrides})
        db.session.add(event)
        db.session.commit()
        return event
    return make


def stage(key: str) -> PipelineStage:
    return _db.session.scalars(sa.select(PipelineStage).where(PipelineStage.key == key)).one()


@pytest.fixture
def make_project(db):
    def make(*, parties=(), **overrides) -> Project:
        """parties: (organization, role, share) triples."""
        values = {"title": "The Horse Thieves", "format": ProjectFormat.FEATURE,
                  "stage": stage(overrides.pop("stage_key", "lead"))}
        project = Project(**{**values, **overrides})
        project.parties = [ProjectParty(organization=o, role=r,
                                        share_percent=None if s is None else Decimal(str(s)))
                           for o, r, s in parties]
        db.session.add(project)
        db.session.commit()
        return project
    return make


@pytest.fixture
def make_memorandum(db):
    def make(*, parties=(), **overrides) -> Memorandum:
        values = {"reference": "MOU-2018-001", "title": "Memorandum of cooperation",
                  "kind": MemorandumKind.MEMORANDUM}
        memo = Memorandum(**{**values, **overrides})
        memo.parties = [MemorandumParty(organization=o) for o in parties]
        db.session.add(memo)
        db.session.commit()
        return memo
    return make


@pytest.fixture
def make_meeting(db):
    def make(**overrides) -> Meeting:
        values = {"occurred_at": datetime(2017, 5, 20, 9, tzinfo=UTC),
                  "summary": "Met at the pavilion"}
        meeting = Meeting(**{**values, **overrides})
        db.session.add(meeting)
        db.session.commit()
        return meeting
    return make


_HASHES: dict[str, str] = {}


def _usual_password_hash() -> str:
    if PASSWORD not in _HASHES:
        from werkzeug.security import generate_password_hash
        _HASHES[PASSWORD] = generate_password_hash(PASSWORD, method="scrypt")
    return _HASHES[PASSWORD]


@pytest.fixture
def make_user(db):
    def make(role: Role | str = Role.STAFF, **overrides) -> User:
        role = Role(role)
        values = {"email": f"{role.value}-{os.urandom(3).hex()}@crm.example",
                  "name": f"Test {role.value}", "role": role}
        password = overrides.pop("password", PASSWORD)
        user = User(**{**values, **overrides})
        if password == PASSWORD:  # scrypt is slow on purpose: hash the usual one once
            user.password_hash = _usual_password_hash()
        else:
            user.set_password(password)
        db.session.add(user)
        db.session.commit()
        return user
    return make


@pytest.fixture
def api_headers(db):
    """api_headers(user) -> {"Authorization": "Bearer crm_…"}: a new API token of `user`."""
    def make(user: User) -> dict:
        from crm.account.services import create_token
        _token, secret = create_token(user, "tests")
        db.session.commit()
        return {"Authorization": f"Bearer {secret}"}
    return make


@pytest.fixture
def login(client):
    def do_login(user: User, password: str = PASSWORD, **extra):
        response = post_form(client, "/login", {"email": user.email, "password": password, **extra})
        return response
    return do_login


@pytest.fixture
def login_as(make_user, login):
    """login_as("staff") or login_as("executive", organization=org): a new signed-in user."""
    def do_login(role: Role | str, organization: Organization | None = None) -> User:
        user = make_user(role, organization_id=organization.id if organization else None)
        response = login(user)
        assert response.status_code == 302, response.get_data(as_text=True)
        return user
    return do_login


__all__ = ["post_form", "csrf_token_from", "recorded_statements", "stage", "PASSWORD",
           "PartyRole"]

"""One place commits: the request lifecycle (crm.transactions). A refused request leaves
nothing behind but the bookkeeping that must outlast it."""
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from crm.models import ApiToken, AuditEntry, Organization
from tests.conftest import post_form

CRM = Path(__file__).resolve().parent.parent / "crm"


def test_no_module_but_the_transaction_lifecycle_commits():
    committing = sorted(str(path.relative_to(CRM)) for path in CRM.rglob("*.py")
                        if re.search(r"\.commit\(", path.read_text(encoding="utf-8")))
    assert committing == ["transactions.py"]


def test_a_successful_form_is_committed_once_at_the_end_of_the_request(
        client, db, login_as, count_queries):
    login_as("staff")
    page = "/organizations/new"
    with count_queries() as counted:
        response = post_form(client, page, {"name": "Tokyo New Cinema", "kind": "production_company",
                                            "country": "JP"})
    assert response.status_code == 302
    assert db.session.scalars(sa.select(Organization.name)).all() == ["Tokyo New Cinema"]
    assert counted.n > 0


def test_a_refused_request_writes_nothing_but_its_audit_entry(client, db, login_as, make_project):
    """An executive's archive is refused (403): the denial is kept, the project is not
    archived."""
    project = make_project()
    user = login_as("executive")
    response = post_form(client, f"/projects/{project.id}/archive", {},
                         page=f"/projects/{project.id}")
    assert response.status_code == 403
    db.session.rollback()
    assert db.session.get(type(project), project.id).archived_at is None
    denied = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "denied")).one()
    assert denied.actor_id == user.id


def test_a_token_s_last_use_is_kept_even_when_its_request_is_refused(app, client, db, make_user):
    from crm.account.services import create_token
    user = make_user("executive")
    _token, secret = create_token(user, "laptop")
    db.session.commit()
    response = client.post("/api/v1/organizations", json={"name": "X", "kind": "studio"},
                           headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 403
    db.session.rollback()
    assert db.session.scalars(sa.select(ApiToken.last_used_at)).one() is not None
    assert db.session.scalars(sa.select(Organization)).all() == []


@pytest.fixture
def failing_app(app):
    """A second app on the test database that answers errors with its 500 page instead of
    raising them; its connections are closed afterwards."""
    from crm import create_app
    from crm.extensions import db as _db
    failing = create_app(_config_like(app))
    yield failing
    with failing.app_context():
        _db.engine.dispose()


def test_an_error_inside_a_view_leaves_nothing_half_written(failing_app, db):
    """A view that wrote and then failed: the 500 page, and the write rolled back."""
    from crm.extensions import db as _db

    failing = failing_app

    @failing.route("/_test/half-written")
    def _half_written():
        _db.session.add(Organization(name="Half", kind="studio", country="KZ"))
        _db.session.flush()
        raise RuntimeError("boom")

    with failing.test_client() as browser:
        assert browser.get("/_test/half-written").status_code == 500
    db.session.rollback()
    assert db.session.scalars(sa.select(Organization)).all() == []


def _config_like(app):
    """A config class with the test app's settings (same database), errors not raised."""
    settings = {k: v for k, v in app.config.items() if k.isupper()}
    settings.update(TESTING=False, PROPAGATE_EXCEPTIONS=False)
    return type("FailingConfig", (), settings)


def test_a_view_that_read_then_wrote_then_failed_leaves_nothing_half_written(failing_app, db):
    """On PostgreSQL the reads run outside a transaction (crm.postgresql); the first write
    starts it, so the failure still takes every write back."""
    from crm.extensions import db as _db

    failing = failing_app

    @failing.route("/_test/read-then-half-written")
    def _read_then_half_written():
        assert _db.session.scalars(sa.select(Organization)).all() == []
        _db.session.add(Organization(name="Half", kind="studio", country="KZ"))
        _db.session.flush()
        _db.session.add(Organization(name="Other half", kind="studio", country="KZ"))
        _db.session.flush()
        raise RuntimeError("boom")

    with failing.test_client() as browser:
        assert browser.get("/_test/read-then-half-written").status_code == 500
    db.session.rollback()
    assert db.session.scalars(sa.select(Organization)).all() == []


def _transaction_states(engine):
    """The server's transaction state after each statement (PostgreSQL): IDLE when the
    statement ran on its own."""
    states: list[tuple[str, str]] = []

    def after(conn, _cursor, statement, *_args):
        status = conn.connection.dbapi_connection.info.transaction_status.name
        states.append((status, statement.split()[0].upper()))
    sa.event.listen(engine, "after_cursor_execute", after)
    return states, lambda: sa.event.remove(engine, "after_cursor_execute", after)


def test_on_postgresql_a_request_that_only_reads_sends_no_begin_nor_commit(
        client, db, login_as, make_project):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only (crm.postgresql)")
    project_id = make_project().id
    login_as("staff")
    states, stop = _transaction_states(db.engine)
    try:
        for page in ("/", f"/projects/{project_id}", "/projects/999999"):
            client.get(page)
    finally:
        stop()
    assert states and {status for status, _ in states} == {"IDLE"}


def test_on_postgresql_a_request_begins_its_transaction_at_its_first_write(client, db, login_as):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only (crm.postgresql)")
    login_as("staff")
    page = "/organizations/new"
    client.get(page)
    states, stop = _transaction_states(db.engine)
    try:
        response = post_form(client, page, {"name": "Tokyo New Cinema",
                                            "kind": "production_company", "country": "JP"})
    finally:
        stop()
    assert response.status_code == 302
    first_write = next(i for i, (_, verb) in enumerate(states) if verb != "SELECT")
    assert {status for status, _ in states[:first_write]} == {"IDLE"}
    assert {status for status, _ in states[first_write:]} == {"INTRANS"}
    assert db.session.scalars(sa.select(Organization.name)).all() == ["Tokyo New Cinema"]


@pytest.mark.parametrize("statement, plain", [
    ("SELECT users.id FROM users WHERE users.id = %(id)s", True),
    ("  WITH recent AS (SELECT 1 AS id) SELECT updated_at FROM recent", True),
    ("WITH moved AS (UPDATE projects SET stage_id = 2 RETURNING id) SELECT id FROM moved", False),
    ("SELECT id FROM projects WHERE id = 1 FOR UPDATE", False),
    ("SELECT id FROM projects FOR NO KEY UPDATE", False),
    ("SELECT id FROM projects FOR SHARE", False),
    ("SELECT pg_advisory_xact_lock(1)", False),
    ("SELECT * INTO copy FROM projects", False),
    ("INSERT INTO organizations (name) VALUES ('x')", False),
    ("SAVEPOINT sa_savepoint_1", False),
])
def test_what_reads_outside_a_transaction_on_postgresql(statement, plain):
    from crm.postgresql import is_plain_read
    assert is_plain_read(statement) is plain

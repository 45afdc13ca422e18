"""One place commits: the request lifecycle (crm.transactions). A refused request leaves
nothing behind but the bookkeeping that must outlast it."""
import re
from pathlib import Path

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


def test_an_error_inside_a_view_leaves_nothing_half_written(app, db):
    """A view that wrote and then failed: the 500 page, and the write rolled back."""
    from crm import create_app
    from crm.extensions import db as _db

    failing = create_app(_config_like(app))

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

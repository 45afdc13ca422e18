"""Trust: headers on every response, no inline script, sessions that end, audit of denied
access, failed sign-ins limited (also on Redis), each studio's deals kept to itself, and
fields a form does not offer cannot be set."""
import re
import socket
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from config import TestConfig
from crm import create_app
from crm.models import (AuditEntry, Meeting, Memorandum, MemorandumParty, PartyRole, Project,
                        User)
from tests.conftest import PASSWORD, csrf_token_from, post_form

HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options",
           "Referrer-Policy")


@pytest.mark.parametrize("path", ["/login", "/no-such-page", "/organizations/999999"])
def test_security_headers_on_every_response_including_errors(client, login_as, path):
    if path != "/login":
        login_as("staff")
    response = client.get(path)
    for header in HEADERS:
        assert header in response.headers, (path, header)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


def test_static_files_may_be_cached_pages_may_not(client, login_as):
    login_as("staff")
    assert client.get("/organizations").headers["Cache-Control"] == "no-store"
    static = client.get("/static/crm.css")
    assert static.headers.get("Cache-Control") != "no-store"
    static.close()


def test_production_sends_hsts_and_secure_cookies(monkeypatch, tmp_path):
    from config import ProductionConfig
    monkeypatch.setenv("SECRET_KEY", "x" * 40)

    class Prod(ProductionConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'p.sqlite3'}"
        SECRET_KEY = "x" * 40

    app = create_app(Prod)
    assert not app.debug
    response = app.test_client().get("/login")
    assert "max-age=" in response.headers["Strict-Transport-Security"]
    cookie = response.headers.get("Set-Cookie", "")
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_no_page_has_inline_script_or_event_handlers(client, login_as, make_project):
    project = make_project()
    login_as("admin")
    for path in ("/", "/pipeline", f"/projects/{project.id}", f"/projects/{project.id}/edit",
                 "/meetings/new", "/memoranda/new", "/organizations/new", "/admin/users",
                 "/search?q=a", "/login"):
        html = client.get(path).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert not re.search(r"\son[a-z]+\s*=", html), path
        assert 'style="' not in html, path


def _age_sign_ins(db, **ago) -> None:
    """As if time had passed: every sign-in began (created_at) or was last used
    (last_seen_at) that long ago."""
    from crm.models import SignIn, utcnow
    db.session.rollback()
    db.session.execute(sa.update(SignIn).values(
        **{column: utcnow() - delta for column, delta in ago.items()}))
    db.session.commit()


def _remembered_only(app, browser):
    """A browser that kept only its "remember me" cookie (the session cookie expired)."""
    fresh = app.test_client()
    fresh.set_cookie("remember_token", browser.get_cookie("remember_token").value)
    return fresh


def test_sign_in_lifetimes_follow_owasp_asvs_level_2_by_default():
    assert TestConfig.CRM_SESSION_IDLE == timedelta(minutes=30)
    assert TestConfig.CRM_SESSION_ABSOLUTE == timedelta(hours=12)
    assert TestConfig.REMEMBER_COOKIE_DURATION <= TestConfig.CRM_SESSION_ABSOLUTE


def test_the_idle_timeout_is_read_from_the_environment():
    import subprocess
    import sys
    out = subprocess.run(
        [sys.executable, "-c", "import config; print(config.Config.CRM_SESSION_IDLE.total_seconds(),"
                               " config.Config.CRM_SESSION_ABSOLUTE.total_seconds())"],
        env={"CRM_SESSION_IDLE_MINUTES": "1", "CRM_SESSION_ABSOLUTE_HOURS": "2",
             "PATH": "/usr/bin:/bin"}, capture_output=True, text=True, check=True,
        cwd=str(__import__("pathlib").Path(__file__).parent.parent))
    assert out.stdout.split() == ["60.0", "7200.0"]


def test_a_remembered_sign_in_idle_for_75_s_with_a_1_minute_timeout_must_sign_in_again(
        app, db, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "CRM_SESSION_IDLE", timedelta(minutes=1))
    user = make_user("staff")
    browser = app.test_client()
    post_form(browser, "/login", {"email": user.email, "password": PASSWORD, "remember": "y"})
    assert browser.get("/organizations").status_code == 200
    _age_sign_ins(db, last_seen_at=timedelta(seconds=75))
    remembered = _remembered_only(app, browser)
    for who in (browser, remembered):  # neither the session cookie nor "remember me"
        response = who.get("/organizations")
        assert response.status_code == 302 and "/login" in response.location
    page = browser.get(response.location).get_data(as_text=True)
    assert "Your session has ended" in page
    assert remembered.get("/organizations").status_code == 302  # and it stays ended


def test_activity_keeps_a_sign_in_alive_past_its_idle_timeout(app, db, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "CRM_SESSION_IDLE", timedelta(minutes=1))
    user = make_user("staff")
    browser = app.test_client()
    post_form(browser, "/login", {"email": user.email, "password": PASSWORD})
    for _ in range(3):  # a request every 45 s: never a minute without one
        _age_sign_ins(db, last_seen_at=timedelta(seconds=45))
        assert browser.get("/organizations").status_code == 200


def test_a_sign_in_ends_after_its_absolute_lifetime_even_when_remembered(
        app, db, make_user):
    user = make_user("staff")
    browser = app.test_client()
    post_form(browser, "/login", {"email": user.email, "password": PASSWORD, "remember": "y"})
    _age_sign_ins(db, created_at=timedelta(hours=12, minutes=1), last_seen_at=timedelta(0))
    remembered = _remembered_only(app, browser)
    for who in (browser, remembered):
        response = who.get("/organizations")
        assert response.status_code == 302 and "/login" in response.location
    assert browser.get("/organizations").status_code == 302  # and stays ended


def test_the_session_cookie_outlives_no_sign_in_and_is_not_signed_again_each_time(
        client, app, login_as):
    login_as("staff")
    cookie = client.get_cookie("session")
    assert cookie.expires is not None
    absolute = app.config["CRM_SESSION_ABSOLUTE"]
    assert cookie.expires - datetime.now(UTC) <= absolute + timedelta(seconds=5)
    client.get("/organizations")  # shows (and so removes) the welcome message
    response = client.get("/organizations")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers  # nothing changed: nothing to send


def test_denied_access_is_audited(client, db, login_as):
    user = login_as("executive")
    assert client.get("/projects/new").status_code == 403
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "denied")).one()
    assert entry.actor_id == user.id and entry.changes["request"][1] == "GET /projects/new"


def test_line_breaks_cannot_forge_audit_entries(client, db, make_user):
    make_user("staff", email="dana@crm.example")
    post_form(client, "/login", {"email": "x@crm.example\n2026-01-01 login admin@crm.example",
                                 "password": "wrong"})
    failures = db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.action == "login_failed")).all()
    assert len(failures) == 1  # one attempt, one entry, the text kept whole inside it
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "login")) == 0


def test_failed_sign_ins_are_limited_per_account(app, make_user):
    victim = make_user("staff", email="dana@crm.example")
    statuses = []
    for attempt in range(7):
        # A fresh client each time: the limit follows the account, not the browser.
        client = app.test_client()
        statuses.append(post_form(client, "/login", {"email": victim.email,
                                                     "password": "wrong"}).status_code)
    assert statuses[:5] == [200] * 5 and statuses[5:] == [429, 429]


def test_successful_sign_ins_do_not_count_against_the_limit(app, make_user):
    user = make_user("staff")
    for _ in range(12):
        assert post_form(app.test_client(), "/login",
                         {"email": user.email, "password": PASSWORD}).status_code == 302


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
        return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_up(), reason="no Redis at 127.0.0.1:6379")
def test_rate_limits_are_shared_through_redis(tmp_path, database_url, make_user):
    """Two app processes (here: two app objects) count against the same Redis limit."""
    user = make_user("staff", email=f"redis-{tmp_path.name}@crm.example")

    class WithRedis(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        RATELIMIT_STORAGE_URI = "redis://127.0.0.1:6379/15"

    first, second = create_app(WithRedis), create_app(WithRedis)
    try:
        statuses = [post_form(app.test_client(), "/login", {"email": user.email, "password": "no"})
                    .status_code for app in (first, second) * 4]
        assert 429 in statuses and statuses.index(429) == 5
    finally:
        from crm.extensions import limiter
        with first.app_context():
            limiter.reset()
        for app in (first, second):
            with app.app_context():
                from crm.extensions import db
                db.engine.dispose()


# --- each studio sees only its own deals -----------------------------------------------

@pytest.fixture
def two_studios(db, make_organization, make_project, make_memorandum, make_meeting):
    """Organization A (Tokyo New Cinema) and B (a Chinese co-producer), each with a deal,
    a memorandum and a meeting that only they are party to."""
    a = make_organization(name="Tokyo New Cinema", local_name="東京ニューシネマ", country="JP")
    b = make_organization(name="Unnamed Chinese co-producer", country="CN")
    deals = {}
    for org, title, ref in ((a, "The Horse Thieves", "MOU-2018-001"),
                            (b, "The Composer", "MOU-2019-001")):
        project = make_project(title=title, parties=[(org, PartyRole.COPRODUCER, None)])
        memo = make_memorandum(reference=ref, title=f"Memorandum for {title}", project=project,
                               parties=[org])
        meeting = make_meeting(summary=f"Talked about {title}")
        meeting.projects = [project]
        meeting.organizations = [org]
        db.session.commit()
        deals[org.name] = {"project": project.id, "memo": memo.id, "meeting": meeting.id}
    return a, b, deals


def _urls(ids):
    return [f"/projects/{ids['project']}", f"/memoranda/{ids['memo']}",
            f"/meetings/{ids['meeting']}", f"/memoranda/{ids['memo']}/summary.pdf",
            f"/projects/{ids['project']}/edit"]


def test_an_executive_of_b_gets_404_for_what_only_a_is_party_to(client, login_as, two_studios):
    a, b, deals = two_studios
    login_as("executive", organization=b)
    for url in _urls(deals["Tokyo New Cinema"]):
        assert client.get(url).status_code == 404, url
    for url in _urls(deals["Unnamed Chinese co-producer"])[:4]:
        assert client.get(url).status_code == 200, url
    for url in ("/pipeline", "/projects", "/memoranda", "/meetings", "/", "/search?q=the",
                f"/organizations/{a.id}", "/reports/pipeline.pdf"):
        body = client.get(url).get_data()
        assert "The Horse Thieves".encode() not in body and b"MOU-2018-001" not in body, url


def test_an_executive_without_organization_sees_everything_read_only(client, login_as, two_studios):
    _a, _b, deals = two_studios
    login_as("executive")
    for ids in deals.values():
        for url in _urls(ids)[:4]:
            assert client.get(url).status_code == 200, url
        assert client.get(f"/projects/{ids['project']}/edit").status_code == 403


# --- mass assignment -------------------------------------------------------------------

def test_fields_a_form_does_not_offer_cannot_be_set(client, db, login_as, make_project,
                                                   make_organization):
    project = make_project(title="Deal")
    other = make_organization(name="Somebody else")
    user = login_as("staff")
    page = client.get(f"/projects/{project.id}/edit").get_data(as_text=True)
    client.post(f"/projects/{project.id}/edit", data={
        "csrf_token": csrf_token_from(page), "title": "Deal", "format": "feature",
        "status": "active", "version": str(project.version),
        # not offered by the form:
        "id": "999", "stage_id": "7", "archived_at": "2020-01-01", "last_activity_at": "2000-01-01",
        "search_text": "hacked", "created_at": "2000-01-01"})
    db.session.rollback()
    stored = db.session.get(Project, project.id)
    assert stored.id == project.id and stored.stage.key == "lead" and stored.archived_at is None
    assert "hacked" not in stored.search_text
    page = client.get("/meetings/new").get_data(as_text=True)
    client.post("/meetings/new", data={
        "csrf_token": csrf_token_from(page), "summary": "Met at the stand", "outcome": "neutral",
        "occurred_at": "2018-05-14T10:00", "timezone": "UTC", "follow_ups-0-description": "",
        "logged_by_id": str(other.id), "id": "424242", "version": "77"})
    meeting = db.session.scalars(sa.select(Meeting)).one()
    assert meeting.logged_by_id == user.id and meeting.id != 424242 and meeting.version == 1
    page = client.get("/organizations/new").get_data(as_text=True)
    client.post("/organizations/new", data={
        "csrf_token": csrf_token_from(page), "name": "New studio", "kind": "studio",
        "role": "admin", "organization_id": str(other.id)})
    assert db.session.get(User, user.id).role.value == "staff"


def test_invisible_ids_cannot_be_linked_by_an_executive_or_anyone_to_hidden_rows(
        client, db, login_as, two_studios):
    """A staff member may link anything; the check is that hidden rows stay hidden: an
    executive of B cannot even read A's memorandum parties through its PDF."""
    _a, b, deals = two_studios
    login_as("executive", organization=b)
    memo_id = deals["Tokyo New Cinema"]["memo"]
    assert client.get(f"/memoranda/{memo_id}/summary.pdf").status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MemorandumParty)) == 2
    assert db.session.get(Memorandum, memo_id) is not None

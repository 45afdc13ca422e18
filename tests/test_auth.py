"""Signing in and out: credentials, inactive users, CSRF, open redirects, rate limits and
sessions that end when they should."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from crm.models import AuditEntry, User
from tests.conftest import PASSWORD, csrf_token_from, post_form


def session_cookie(client) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None, "no session cookie was set"
    return cookie.value


def reaches_organizations(app, cookie_value: str) -> bool:
    """Would a browser holding only this session cookie get the organizations page?"""
    other = app.test_client()
    other.set_cookie("session", cookie_value)
    return other.get("/organizations").status_code == 200


def test_login_page_has_labelled_email_and_password_fields(client):
    html = client.get("/login").get_data(as_text=True)
    for name, kind in (("email", "email"), ("password", "password")):
        field = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
        assert field, f"no {name} field"
        assert f'type="{kind}"' in field.group(0)
        field_id = re.search(r'id="([^"]+)"', field.group(0)).group(1)
        assert re.search(rf'<label[^>]*for="{field_id}"[^>]*>[^<]*\w', html), f"{name} has no label"
    assert 'name="csrf_token"' in html


def test_login_with_right_password_signs_in_and_redirects(client, make_user, login):
    user = make_user("staff", name="Dana Pavilion")
    response = login(user)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    dashboard = client.get("/")
    assert dashboard.status_code == 200
    assert "Dana Pavilion" in dashboard.get_data(as_text=True)
    assert client.get("/organizations").status_code == 200


def test_login_email_is_case_insensitive(client, make_user):
    make_user("staff", email="dana@crm.example")
    response = post_form(client, "/login", {"email": "  Dana@CRM.example ", "password": PASSWORD})
    assert response.status_code == 302


def test_login_records_the_time_and_an_audit_entry(client, db, make_user, login):
    user = make_user("staff")
    assert user.last_login_at is None
    login(user)
    db.session.rollback()  # end the test's read transaction: SQLite WAL reads a snapshot
    assert db.session.get(User, user.id).last_login_at is not None
    # Signing in is not an edit: an administrator's open form for this user stays valid.
    assert db.session.get(User, user.id).version == 1
    actions = db.session.scalars(sa.select(AuditEntry.action)).all()
    assert "login" in actions


def test_wrong_password_shows_an_error_and_keeps_the_email(client, db, make_user, login):
    user = make_user("staff", email="dana@crm.example")
    response = login(user, password="not the password")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Wrong email or password" in html
    assert 'value="dana@crm.example"' in html
    assert "not the password" not in html
    assert client.get("/organizations").status_code == 302
    db.session.rollback()
    assert "login_failed" in db.session.scalars(sa.select(AuditEntry.action)).all()


def test_unknown_email_gets_the_same_message(client, make_user):
    make_user("staff", email="dana@crm.example")
    response = post_form(client, "/login", {"email": "nobody@crm.example", "password": PASSWORD})
    assert response.status_code == 200
    assert "Wrong email or password" in response.get_data(as_text=True)


def test_inactive_user_is_refused(client, make_user, login):
    user = make_user("staff", active=False)
    response = login(user)
    assert response.status_code == 200
    assert "Wrong email or password, or the account is disabled" in response.get_data(as_text=True)
    assert client.get("/organizations").status_code == 302


def test_logout_is_post_only(client, login_as):
    login_as("staff")
    assert client.get("/logout").status_code == 405
    assert client.get("/organizations").status_code == 200


def test_logout_without_csrf_token_does_not_sign_out(client, login_as):
    login_as("staff")
    assert client.post("/logout").status_code == 400
    assert client.get("/organizations").status_code == 200


def test_logout_ends_the_session_even_for_a_copied_cookie(app, client, db, login_as):
    user = login_as("staff")
    old_cookie = session_cookie(client)
    assert reaches_organizations(app, old_cookie)

    response = post_form(client, "/logout", {}, page="/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/login")
    after = client.get("/organizations")
    assert after.status_code == 302 and "/login" in after.headers["Location"]
    assert not reaches_organizations(app, old_cookie)
    db.session.rollback()
    assert db.session.get(User, user.id).version == 1  # not an edit of the user
    assert "logout" in db.session.scalars(sa.select(AuditEntry.action)).all()


def signed_in_browser(app, user, **extra):
    browser = app.test_client()
    response = post_form(browser, "/login", {"email": user.email, "password": PASSWORD, **extra})
    assert response.status_code == 302
    return browser


def test_signing_out_on_one_device_keeps_the_others_signed_in(app, db, make_user):
    user = make_user("staff")
    phone, laptop = signed_in_browser(app, user), signed_in_browser(app, user)
    phone_cookie = session_cookie(phone)
    assert post_form(phone, "/logout", {}, page="/").status_code == 302
    assert phone.get("/organizations").status_code == 302
    assert not reaches_organizations(app, phone_cookie)  # nor a copy of the phone's cookie
    assert laptop.get("/organizations").status_code == 200  # the laptop is not touched


def test_signing_out_on_every_device(app, db, make_user):
    user = make_user("staff")
    phone = signed_in_browser(app, user)
    laptop = signed_in_browser(app, user, remember="y")
    remembered = laptop.get_cookie("remember_token").value
    response = post_form(phone, "/logout/everywhere", {}, page="/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert phone.get("/organizations").status_code == 302
    assert laptop.get("/organizations").status_code == 302
    fresh = app.test_client()
    fresh.set_cookie("remember_token", remembered)
    assert fresh.get("/organizations").status_code == 302
    assert signed_in_browser(app, user).get("/organizations").status_code == 200  # sign in again
    db.session.rollback()
    assert "logout_everywhere" in db.session.scalars(sa.select(AuditEntry.action)).all()


def test_a_remembered_device_signed_out_stays_signed_out(app, db, make_user):
    user = make_user("staff")
    browser = signed_in_browser(app, user, remember="y")
    remembered = browser.get_cookie("remember_token").value
    assert post_form(browser, "/logout", {}, page="/").status_code == 302
    fresh = app.test_client()
    fresh.set_cookie("remember_token", remembered)
    assert fresh.get("/organizations").status_code == 302


def test_old_sign_ins_are_cleared_away(app, db, make_user):
    from datetime import timedelta

    from crm.models import SignIn, utcnow
    user = make_user("staff")
    signed_in_browser(app, user)
    db.session.rollback()
    db.session.execute(sa.update(SignIn).values(created_at=utcnow() - timedelta(days=30)))
    db.session.commit()
    signed_in_browser(app, user)  # the next sign-in clears what no cookie can still use
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SignIn)) == 1


@pytest.mark.parametrize("next_url", ["//evil.example", "https://evil.example/steal",
                                      "//evil.example/organizations", "/\\evil.example",
                                      "javascript:alert(1)"])
def test_next_never_leaves_the_app(client, make_user, next_url):
    user = make_user("staff")
    response = post_form(client, f"/login?next={next_url}",
                         {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_next_within_the_app_is_followed(client, make_user):
    user = make_user("staff")
    response = post_form(client, "/login?next=/people?q=ichiyama",
                         {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/people?q=ichiyama"


def test_anonymous_visit_redirects_to_login_with_next(client):
    response = client.get("/people?q=x")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_login_without_csrf_token_changes_nothing(client, db, make_user):
    user = make_user("staff")
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "Traceback" not in response.get_data(as_text=True)
    assert client.get("/organizations").status_code == 302
    db.session.rollback()
    assert db.session.get(User, user.id).last_login_at is None
    assert db.session.scalars(sa.select(AuditEntry)).all() == []


def test_login_attempts_are_rate_limited(client, make_user):
    """Ten failed sign-ins in a minute from one address (whatever the emails tried): the
    next attempt is refused, even with the right password."""
    user = make_user("staff")
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    codes = [client.post("/login", data={"email": f"guess{i}@crm.example", "password": "wrong",
                                         "csrf_token": token}).status_code
             for i in range(10)]
    assert codes == [200] * 10
    blocked = client.post("/login", data={"email": user.email, "password": PASSWORD,
                                          "csrf_token": token})
    assert blocked.status_code == 429
    assert "Too many attempts" in blocked.get_data(as_text=True)
    assert client.get("/organizations").status_code == 302
    # Reading the page stays possible.
    assert client.get("/login").status_code == 200


@pytest.mark.parametrize("rotate", ["set_password", "end_sessions"])
def test_rotating_the_session_token_ends_existing_sessions(app, client, db, login_as, rotate):
    user = login_as("staff")
    cookie = session_cookie(client)
    assert client.get("/organizations").status_code == 200

    db.session.rollback()
    user = db.session.get(User, user.id)
    if rotate == "set_password":
        user.set_password("a brand new password")
    else:
        user.end_sessions()
    db.session.commit()

    assert client.get("/organizations").status_code == 302
    assert not reaches_organizations(app, cookie)


def test_remember_me_cookie_stops_working_after_rotation(app, db, make_user):
    user = make_user("staff")
    browser = app.test_client()
    response = post_form(browser, "/login", {"email": user.email, "password": PASSWORD,
                                             "remember": "y"})
    assert response.status_code == 302
    remember = browser.get_cookie("remember_token")
    assert remember is not None

    fresh = app.test_client()  # a new browser session that has only the remember cookie
    fresh.set_cookie("remember_token", remember.value)
    assert fresh.get("/organizations").status_code == 200

    db.session.rollback()
    db.session.get(User, user.id).end_sessions()
    db.session.commit()
    again = app.test_client()
    again.set_cookie("remember_token", remember.value)
    assert again.get("/organizations").status_code == 302


def test_signed_in_user_visiting_login_goes_to_the_dashboard(client, login_as):
    login_as("executive")
    response = client.get("/login")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_password_is_stored_as_an_scrypt_hash(make_user):
    user = make_user("staff")
    assert user.password_hash.startswith("scrypt:")
    assert PASSWORD not in user.password_hash
    assert user.check_password(PASSWORD) and not user.check_password(PASSWORD + "!")

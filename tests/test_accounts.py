"""Accounts people run themselves: changing one's password, "Forgot password?" by mail,
an administrator's invitation, and the one password rule.

The mail goes through a real SMTP server (aiosmtpd) that the tests start on a free
loopback port; each message is read back from it and the link in it followed, as the
recipient would."""
from __future__ import annotations

import email
import email.policy
import hashlib
import re
import socket
import threading
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from crm import mail, passwords
from crm.models import ApiToken, AuditEntry, PasswordToken, Role, User, utcnow
from tests.conftest import PASSWORD, csrf_token_from, post_form
from tests.pages import field_error, input_value, selected_option, text
from tests.servers import Browser, gunicorn, production_env

NEW_PASSWORD = "steppe wind over almaty"
SMTP_USER, SMTP_PASSWORD = "crm-mailer", "s3cret p@ss/word"


# --- a real SMTP server ----------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Mailbox:
    """What the SMTP server received: (envelope recipients, parsed message, AUTH login)."""

    def __init__(self):
        self.received: list[tuple[list[str], email.message.EmailMessage, str | None]] = []
        self._arrived = threading.Condition()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        message = email.message_from_bytes(envelope.original_content or envelope.content,
                                           policy=email.policy.default)
        login = session.auth_data.login.decode() if session.auth_data else None
        with self._arrived:
            self.received.append((list(envelope.rcpt_tos), message, login))
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, count: int = 1, timeout: float = 10) -> list[email.message.EmailMessage]:
        with self._arrived:
            self._arrived.wait_for(lambda: len(self.received) >= count, timeout)
        assert len(self.received) >= count, f"{len(self.received)} messages, expected {count}"
        return [message for _to, message, _login in self.received]


def _authenticate(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login == SMTP_USER.encode() and auth_data.password == SMTP_PASSWORD.encode()
    return AuthResult(success=ok, auth_data=auth_data)


@pytest.fixture(scope="module")
def smtp_server():
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port(),
                            authenticator=_authenticate, auth_require_tls=False)
    controller.start()
    yield controller, mailbox
    controller.stop()


@pytest.fixture
def mailbox(app, smtp_server, monkeypatch):
    """The CRM sends through the test's SMTP server, logging in as SMTP_USER."""
    controller, box = smtp_server
    box.received.clear()
    credentials = "crm-mailer:s3cret%20p%40ss%2Fword"  # percent-encoded in the URL
    monkeypatch.setitem(app.config, "CRM_SMTP_URL",
                        f"smtp://{credentials}@{controller.hostname}:{controller.port}")
    monkeypatch.setitem(app.config, "CRM_MAIL_FROM", "Pavilion CRM <crm@pavilion.example>")
    return box


def body_of(message) -> str:
    return message.get_body(("plain",)).get_content()


def link_in(message) -> str:
    links = re.findall(r"https?://\S+", body_of(message))
    assert len(links) == 1, body_of(message)
    return links[0]


def post(client, url: str, data: dict, **kw):
    """post_form, and close the response as a browser does once it has read it (mail
    that leaves after the response goes then: crm.mail.send_after_response)."""
    response = post_form(client, url, data, **kw)
    response.close()
    return response


def signs_in(app, email_address: str, password: str) -> bool:
    browser = app.test_client()
    return post_form(browser, "/login", {"email": email_address,
                                         "password": password}).status_code == 302


def audit_actions(db) -> list[str]:
    db.session.rollback()
    return list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))


# --- the password rule -----------------------------------------------------------------

@pytest.mark.parametrize("password, reason", [
    ("short pass", "at least 12 characters"),
    ("Q1W2E3R4T5Y6", "common passwords"),  # on the list, whatever its case
    ("  qwerty123456 ", "common passwords"),
    ("dana@crm.example", "not be your email"),
])
def test_the_password_rule_gives_its_reason(password, reason):
    assert reason in " ".join(passwords.problems(password, email="Dana@crm.example"))


@pytest.mark.parametrize("url, expected", [
    ("smtp://127.0.0.1:8025", ("smtp", "127.0.0.1", 8025, None, None)),
    ("smtp+starttls://crm%40studio.kz:p%40ss%3Aw%2Frd@mail.example", (
        "smtp+starttls", "mail.example", 587, "crm@studio.kz", "p@ss:w/rd")),
    ("smtps://u:p@mail.example", ("smtps", "mail.example", 465, "u", "p")),
])
def test_the_smtp_url_names_the_server_and_its_login(url, expected):
    server = mail.SmtpServer.from_url(url)
    assert (server.scheme, server.host, server.port, server.username, server.password) == expected


@pytest.mark.parametrize("url", ["http://mail.example", "smtp://", "mail.example:25"])
def test_a_bad_smtp_url_says_what_it_should_look_like(url):
    with pytest.raises(mail.MailNotSent, match="must look like"):
        mail.SmtpServer.from_url(url)


def test_good_passwords_pass_and_the_bundled_list_is_djangos():
    assert passwords.problems(NEW_PASSWORD, email="dana@crm.example") == []
    assert passwords.problems(PASSWORD) == []
    common = passwords.common_passwords()
    assert isinstance(common, frozenset) and len(common) > 19_000
    assert passwords.COMMON_PASSWORDS.name == "common-passwords.txt.gz"
    licence = (passwords.COMMON_PASSWORDS.parent / "COMMON-PASSWORDS-LICENSE.txt").read_text()
    assert "Django Software Foundation" in licence and "Redistribution" in licence


def test_admin_new_user_form_refuses_a_common_password_at_the_field(client, db, login_as):
    login_as("admin")
    page = post_form(client, "/admin/users/new", {
        "name": "Dana", "email": "dana@crm.example", "role": "staff", "organization_id": "",
        "password": "1q2w3e4r5t6y", "active": "y", "preferred_language": "en"})
    assert page.status_code == 200
    html = text(page)
    assert "common passwords" in field_error(html, "password")
    assert input_value(html, "email") == "dana@crm.example"  # the input is kept
    db.session.rollback()
    assert db.session.scalars(
        sa.select(User).where(User.email == "dana@crm.example")).first() is None


def test_cli_create_user_follows_the_same_rule(app, db, monkeypatch):
    monkeypatch.setenv("CRM_PASSWORD", "1q2w3e4r5t6y7u8i")  # on the list
    result = app.test_cli_runner().invoke(args=["crm", "create-user", "dana@crm.example",
                                                "--role", "staff"])
    assert result.exit_code != 0 and "common passwords" in result.output


def test_the_new_user_forms_default_to_the_least_privileged_role(client, login_as):
    login_as("admin")
    assert selected_option(text(client.get("/admin/users/new")), "role") == "executive"
    assert selected_option(text(client.get("/admin/users/invite")), "role") == "executive"


# --- changing one's own password -------------------------------------------------------

def change(client, current: str, new: str, again: str | None = None):
    return post_form(client, "/account/password", {
        "current_password": current, "new_password": new,
        "confirm_password": new if again is None else again})


def test_the_account_menu_and_the_sign_in_page_link_to_the_password_pages(client, login_as):
    assert 'href="/account/password/forgot"' in text(client.get("/login"))
    login_as("staff")
    assert 'href="/account/password"' in text(client.get("/"))


@pytest.mark.parametrize("current, new, again, field, message", [
    ("not my password", NEW_PASSWORD, None, "current_password", "not your current password"),
    (PASSWORD, "too short", None, "new_password", "at least 12 characters"),
    (PASSWORD, "1qaz2wsx3edc4rfv", None, "new_password", "common passwords"),
    (PASSWORD, NEW_PASSWORD, "steppe wind over astana", "confirm_password", "not the same"),
    (PASSWORD, PASSWORD, None, "new_password", "your current password"),
])
def test_a_refused_password_change_says_why_and_changes_nothing(
        app, client, db, login_as, current, new, again, field, message):
    user = login_as("staff")
    page = change(client, current, new, again)
    assert page.status_code == 200
    assert message in field_error(text(page), field)
    assert client.get("/organizations").status_code == 200  # still signed in
    assert signs_in(app, user.email, PASSWORD)


def test_a_wrong_current_password_is_audited(client, db, login_as):
    login_as("staff")
    change(client, "not my password", NEW_PASSWORD)
    assert "password_change_failed" in audit_actions(db)


def test_changing_the_password_ends_the_other_sign_ins_and_the_api_tokens(
        app, client, db, login_as, api_headers):
    user = login_as("staff")
    other_device = app.test_client()
    signed_in_again = post_form(other_device, "/login", {"email": user.email, "password": PASSWORD})
    assert signed_in_again.status_code == 302
    token = api_headers(user)
    assert client.get("/api/v1/organizations", headers=token).status_code == 200

    response = change(client, PASSWORD, NEW_PASSWORD)
    assert response.status_code == 302
    page = text(client.get(response.headers["Location"]))
    assert "Your password is changed" in page and "API tokens (1) were revoked" in page

    assert client.get("/organizations").status_code == 200  # this device stays signed in
    assert other_device.get("/organizations").status_code == 302  # the other one does not
    assert app.test_client().get("/api/v1/organizations", headers=token).status_code == 401
    assert not signs_in(app, user.email, PASSWORD)
    assert signs_in(app, user.email, NEW_PASSWORD)
    actions = audit_actions(db)
    assert "password_change" in actions and "revoke" in actions
    change_entry = db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.action == "password_change")).one()
    assert NEW_PASSWORD not in str(change_entry.changes)


def test_changing_the_password_needs_a_sign_in(client):
    response = client.get("/account/password")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_signing_out_on_every_device_also_revokes_the_api_tokens(app, client, db, login_as,
                                                                  api_headers):
    user = login_as("staff")
    token = api_headers(user)
    page = client.get("/").get_data(as_text=True)
    client.post("/logout/everywhere", data={"csrf_token": csrf_token_from(page)})
    assert app.test_client().get("/api/v1/organizations", headers=token).status_code == 401
    db.session.rollback()
    assert db.session.scalars(sa.select(ApiToken)).one().revoked_at is not None


# --- "Forgot password?" by mail ----------------------------------------------------------

def forgot(client, address: str):
    return post(client, "/account/password/forgot", {"email": address})


def test_forgot_password_journey_by_mail(app, client, db, make_user, mailbox, monkeypatch,
                                         api_headers):
    monkeypatch.setitem(app.config, "CRM_BASE_URL", "https://crm.pavilion.example")
    user = make_user("staff", email="dana@crm.example", name="Дана Сейітова",
                     preferred_language="ru")
    token = api_headers(user)
    signed_in = app.test_client()
    signed_in_again = post_form(signed_in, "/login", {"email": user.email, "password": PASSWORD})
    assert signed_in_again.status_code == 302

    response = forgot(client, "Dana@CRM.example ")
    assert response.status_code == 302
    [message] = mailbox.wait_for(1)
    assert mailbox.received[0][0] == ["dana@crm.example"]
    assert mailbox.received[0][2] == SMTP_USER  # the credentials from CRM_SMTP_URL
    assert message["To"].addresses[0].display_name == "Дана Сейітова"
    assert message["From"].addresses[0].addr_spec == "crm@pavilion.example"
    assert message["Content-Language"] == "ru"  # written in the user's language
    link = link_in(message)
    assert link.startswith("https://crm.pavilion.example/account/password/reset/")
    secret = link.rsplit("/", 1)[1]
    db.session.rollback()
    stored = db.session.scalars(sa.select(PasswordToken)).one()
    assert stored.token_hash == hashlib.sha256(secret.encode()).hexdigest()  # hashed at rest
    assert secret not in stored.token_hash
    assert timedelta(minutes=29) < stored.expires_at - utcnow() <= timedelta(minutes=30)

    # The recipient follows the link in a browser of their own.
    browser = app.test_client()
    page = browser.get(link)
    assert page.status_code == 200 and "dana@crm.example" in text(page)
    assert page.headers["Referrer-Policy"] == "same-origin"  # the secret stays on this site
    assert page.headers["Cache-Control"] == "no-store"
    https = {"headers": {"Referer": link}}  # Flask-WTF checks it on HTTPS
    refused = post_form(browser, link, {"new_password": "password1234",
                                        "confirm_password": "password1234"}, **https)
    assert "common passwords" in field_error(text(refused), "new_password")
    done = post_form(browser, link, {"new_password": NEW_PASSWORD,
                                     "confirm_password": NEW_PASSWORD}, **https)
    assert done.status_code == 302 and done.headers["Location"] == "/login"

    assert signs_in(app, "dana@crm.example", NEW_PASSWORD)
    assert not signs_in(app, "dana@crm.example", PASSWORD)
    assert signed_in.get("/organizations").status_code == 302  # signed out everywhere
    assert app.test_client().get("/api/v1/organizations", headers=token).status_code == 401
    used_again = app.test_client().get(link)  # single use
    assert used_again.status_code == 404 and "no longer works" in text(used_again)
    actions = audit_actions(db)
    assert "password_reset_requested" in actions and "password_reset" in actions


def test_the_reset_journey_on_a_real_server(database_url, tmp_path, make_user, smtp_server):
    """gunicorn in production mode: the mail leaves once the answer has been sent (after
    the commit), and its link works on the server."""
    controller, box = smtp_server
    box.received.clear()
    make_user("staff", email="dana@crm.example")
    env = production_env(database_url, CRM_BASE_URL="https://crm.pavilion.example",
                         CRM_SMTP_URL=f"smtp://127.0.0.1:{controller.port}",
                         CRM_UPLOAD_DIR=str(tmp_path / "uploads"))
    with gunicorn(env, 1, tmp_path) as server:
        answer = Browser().post(server, "/account/password/forgot", {"email": "dana@crm.example"})
        assert answer.status == 302
        [message] = box.wait_for(1)
        link = link_in(message)
        assert link.startswith("https://crm.pavilion.example/account/password/reset/")
        browser = Browser()
        path = urlsplit(link).path
        assert browser.get(server, path).status == 200
        done = browser.post(server, path, {"new_password": NEW_PASSWORD,
                                           "confirm_password": NEW_PASSWORD})
        assert done.status == 302, done.text[-2000:]
        assert Browser().sign_in(server, "dana@crm.example", NEW_PASSWORD).status == 302
        assert browser.get(server, path).status == 404


def test_forgot_password_answers_the_same_for_an_unknown_address(app, db, make_user, mailbox):
    make_user("staff", email="dana@crm.example")
    answers = []
    for address in ("nobody@crm.example", "dana@crm.example"):
        browser = app.test_client()
        response = forgot(browser, address)
        page = text(browser.get(response.headers["Location"]))
        flash = re.search(r"If (\S+) is the address of an account here[^<]*", page)
        answers.append((response.status_code, response.headers["Location"],
                        flash.group(0).replace(address, "ADDRESS")))
    assert answers[0] == answers[1]
    # Only the real account's message came (the unknown address was asked first).
    mailbox.wait_for(1)
    assert [to for to, _message, _login in mailbox.received] == [["dana@crm.example"]]


def test_a_new_link_replaces_the_old_and_an_expired_one_fails(app, client, db, make_user,
                                                               mailbox):
    make_user("staff", email="dana@crm.example")
    forgot(client, "dana@crm.example")
    forgot(client, "dana@crm.example")
    first, second = (link_in(m) for m in mailbox.wait_for(2))
    assert app.test_client().get(first).status_code == 404
    assert app.test_client().get(second).status_code == 200
    db.session.execute(sa.update(PasswordToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    page = app.test_client().get(second)
    assert page.status_code == 404 and "30 minutes" in text(page)


def test_opening_a_reset_link_changes_nothing(app, client, db, make_user, mailbox):
    """Mail scanners open links: only setting the password uses the link up."""
    make_user("staff", email="dana@crm.example")
    forgot(client, "dana@crm.example")
    link = link_in(mailbox.wait_for(1)[0])
    for _ in range(2):
        assert app.test_client().get(link).status_code == 200
    assert signs_in(app, "dana@crm.example", PASSWORD)


def test_no_reset_mail_for_a_disabled_account(app, client, make_user, mailbox):
    make_user("staff", email="gone@crm.example", active=False)
    make_user("staff", email="dana@crm.example")
    forgot(client, "gone@crm.example")
    forgot(client, "dana@crm.example")
    mailbox.wait_for(1)
    assert [to for to, _m, _l in mailbox.received] == [["dana@crm.example"]]


def test_forgot_password_is_rate_limited_per_email(app, make_user, mailbox):
    make_user("staff", email="dana@crm.example")
    codes = [forgot(app.test_client(), "dana@crm.example").status_code for _ in range(4)]
    assert codes == [302, 302, 302, 429]
    assert len(mailbox.wait_for(3)) == 3


def test_without_a_mail_server_forgot_password_says_to_ask_an_administrator(app, client, db,
                                                                          make_user):
    assert not app.config["CRM_SMTP_URL"]
    make_user("staff", email="dana@crm.example")
    assert "ask an administrator" in text(client.get("/account/password/forgot"))
    pages = []
    for address in ("dana@crm.example", "nobody@crm.example"):
        response = forgot(client, address)
        pages.append((response.status_code, "ask an administrator" in
                      text(client.get(response.headers["Location"]))))
    assert pages == [(302, True), (302, True)]
    db.session.rollback()
    assert db.session.scalars(sa.select(PasswordToken)).all() == []


# --- invitations -----------------------------------------------------------------------

INVITEE = {"name": "Әсел Нұрланқызы", "email": "asel@crm.example", "role": "executive",
           "organization_id": "", "preferred_language": "kk"}


def invite(client, **changes):
    return post_form(client, "/admin/users/invite", {**INVITEE, **changes})


def test_invitation_journey_by_mail(app, client, db, login_as, mailbox):
    admin = login_as("admin")
    response = invite(client)
    assert response.status_code == 302
    assert "Invitation sent to asel@crm.example" in text(client.get(response.headers["Location"]))
    db.session.rollback()
    user = db.session.scalars(sa.select(User).where(User.email == "asel@crm.example")).one()
    assert (user.role, user.active, user.has_usable_password) == (Role.EXECUTIVE, True, False)
    assert "Invited" in text(client.get("/admin/users"))
    assert not signs_in(app, "asel@crm.example", "")  # no password works before it is set
    assert not signs_in(app, "asel@crm.example", "!")

    [message] = mailbox.wait_for(1)
    assert message["Content-Language"] == "kk"
    assert admin.name in body_of(message)
    link = link_in(message)
    assert link.startswith("http://localhost/account/invitation/")  # the request's address

    browser = app.test_client()
    page = text(browser.get(link))
    assert "Әсел Нұрланқызы" in page and "asel@crm.example" in page
    short = post_form(browser, link, {"new_password": "short", "confirm_password": "short"})
    assert "at least 12 characters" in field_error(text(short), "new_password")
    done = post_form(browser, link,
                     {"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert done.status_code == 302 and done.headers["Location"] == "/login"
    assert signs_in(app, "asel@crm.example", NEW_PASSWORD)
    assert app.test_client().get(link).status_code == 404  # used up
    actions = audit_actions(db)
    assert "invite" in actions and "invitation_accepted" in actions


def test_a_new_invitation_replaces_the_old_one(app, client, db, login_as, mailbox):
    login_as("admin")
    invite(client)
    db.session.rollback()
    user = db.session.scalars(sa.select(User).where(User.email == "asel@crm.example")).one()
    response = post_form(client, f"/admin/users/{user.id}/invitation", {},
                         page=f"/admin/users/{user.id}/edit")
    assert response.status_code == 302
    first, second = (link_in(m) for m in mailbox.wait_for(2))
    assert app.test_client().get(first).status_code == 404
    assert app.test_client().get(second).status_code == 200
    assert db.session.scalars(sa.select(sa.func.count()).select_from(PasswordToken)).one() == 1


def test_without_a_mail_server_the_admin_gets_the_invitation_link(app, client, db, login_as):
    login_as("admin")
    assert "cannot send mail" in text(client.get("/admin/users/invite"))
    page = invite(client)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    link = re.search(r'id="invitation-link"[^>]*value="([^"]+)"', text(page)).group(1)
    assert link.startswith("http://localhost/account/invitation/")
    browser = app.test_client()
    assert post_form(browser, link, {"new_password": NEW_PASSWORD,
                                     "confirm_password": NEW_PASSWORD}).status_code == 302
    assert signs_in(app, "asel@crm.example", NEW_PASSWORD)


def test_an_unreachable_mail_server_is_reported_with_the_link(app, client, db, login_as,
                                                              monkeypatch):
    monkeypatch.setitem(app.config, "CRM_SMTP_URL", f"smtp://127.0.0.1:{free_port()}")
    login_as("admin")
    page = text(invite(client))
    assert "could not be mailed" in page and "could not be reached" in page
    assert re.search(r'id="invitation-link"[^>]*value="http://localhost/account/invitation/', page)


def test_an_invitation_for_an_existing_email_is_refused_at_the_field(client, db, login_as,
                                                                     make_user, mailbox):
    make_user("staff", email="asel@crm.example")
    login_as("admin")
    page = invite(client, email="Asel@CRM.example")
    assert page.status_code == 200
    assert "already exists" in field_error(text(page), "email")
    assert mailbox.received == []


def test_an_invitation_link_does_not_reset_a_password(app, client, db, make_user, mailbox):
    """A reset link works only as a reset link and an invitation only as one."""
    make_user("staff", email="dana@crm.example")
    forgot(client, "dana@crm.example")
    secret = link_in(mailbox.wait_for(1)[0]).rsplit("/", 1)[1]
    assert app.test_client().get(f"/account/invitation/{secret}").status_code == 404


def test_only_admins_invite(client, login_as):
    login_as("staff")
    assert client.get("/admin/users/invite").status_code == 403

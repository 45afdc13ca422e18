"""Signing in and out, and choosing a password: changing one's own (giving the current
one), a "Forgot password?" link by mail, an administrator's invitation.

A reset link or an invitation is a `PasswordToken`: a random secret in the link, only its
SHA-256 stored; it works once, until it expires (30 minutes for a reset, 7 days for an
invitation), and a newer one of the same purpose replaces it. Whatever way a password is
set, the user's sign-ins on every device end and their API tokens are revoked (a
password changed because it leaked must not leave a stolen session or token working);
the device that changed it stays signed in, the others sign in again.
"""
from __future__ import annotations

import secrets
from datetime import timedelta
from email.message import EmailMessage

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from crm import audit, mail, passwords
from crm.account.services import revoke_all_tokens
from crm.i18n import N_
from crm.errors import ValidationFailed
from crm.extensions import db
from crm.models import PasswordToken, PasswordTokenPurpose, SignIn, User, utcnow
from crm.models.users import hash_secret, new_session_token
from crm.transactions import keep_even_if_refused

LIFETIMES = {PasswordTokenPurpose.RESET: timedelta(minutes=30),
             PasswordTokenPurpose.INVITATION: timedelta(days=7)}
RESET_MINUTES = int(LIFETIMES[PasswordTokenPurpose.RESET].total_seconds() // 60)
SECRET_MAX = 100  # a link's secret is 43 characters; anything much longer is not one

# Checked when the email is unknown, so that a wrong email takes as long as a wrong
# password and the response time does not tell which accounts exist.
_DUMMY_HASH = None


def _dummy_hash() -> str:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        from werkzeug.security import generate_password_hash
        _DUMMY_HASH = generate_password_hash("not a password", method="scrypt")
    return _DUMMY_HASH


def find_user_by_email(email: str) -> User | None:
    return db.session.scalars(
        sa.select(User).where(User.email == User.normalize_email(email))).first()


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None. Records the attempt."""
    user = find_user_by_email(email)
    if user is None:
        from werkzeug.security import check_password_hash
        check_password_hash(_dummy_hash(), password)
        audit.record("login_failed", changes={"email": [None, email[:254]]})
        return None
    if not user.has_usable_password:  # invited, no password chosen yet
        from werkzeug.security import check_password_hash
        check_password_hash(_dummy_hash(), password)
        audit.record("login_failed", user, actor=user)
        return None
    if not user.check_password(password) or not user.active:
        audit.record("login_failed", user, actor=user)
        return None
    # Not through the versioned ORM update: signing in is not an edit of the user, so it
    # must neither make an administrator's open edit form stale nor clash between two
    # devices signing in at once.
    db.session.execute(sa.update(User).where(User.id == user.id).values(last_login_at=utcnow()))
    audit.record("login", user, actor=user)
    return user


def start_sign_in(user: User, user_agent: str | None) -> str:
    """A new sign-in for this device: returns the secret its session cookie keeps (and
    sets it on `user` for Flask-Login). Sign-ins older than any cookie could be are
    cleared out on the way."""
    config = current_app.config
    oldest = utcnow() - max(config["CRM_SESSION_ABSOLUTE"], config["REMEMBER_COOKIE_DURATION"])
    db.session.execute(sa.delete(SignIn).where(SignIn.created_at < oldest))
    secret = secrets.token_urlsafe(32)
    db.session.add(SignIn(user_id=user.id, token_hash=hash_secret(secret),
                          generation=user.session_token,
                          user_agent=(user_agent or "")[:200] or None))
    user.sign_in_secret = secret
    return secret


def sign_out_here(user: User) -> None:
    """End this device's sign-in only: its cookie (and any copy of it, and its "remember
    me" cookie) stops working; the user's other devices stay signed in."""
    if user.sign_in_secret:
        db.session.execute(sa.delete(SignIn).where(
            SignIn.token_hash == hash_secret(user.sign_in_secret)))
    audit.record("logout", user, actor=user)


def sign_out_everywhere(user: User) -> int:
    """Rotate the user's sign-in generation: every sign-in of this user, on every device,
    stops working, and so do their API tokens (a lost laptop may hold one). Not a
    versioned edit of the user, like signing in. Returns how many tokens were revoked."""
    db.session.execute(sa.update(User).where(User.id == user.id)
                       .values(session_token=new_session_token()))
    revoked = _end_sign_ins_and_tokens(user)
    audit.record("logout_everywhere", user, _revoked(revoked), actor=user)
    return revoked


def _end_sign_ins_and_tokens(user: User) -> int:
    db.session.execute(sa.delete(SignIn).where(SignIn.user_id == user.id))
    return revoke_all_tokens(user)


# --- passwords -------------------------------------------------------------------------

def check_new_password(password: str | None, confirmation: str | None, user: User,
                       field: str = "new_password", confirmation_field: str = "confirm_password"
                       ) -> None:
    """The password rule (crm.passwords), and the two copies typed must match."""
    errors = {}
    if found := passwords.problems(password, email=user.email):
        errors[field] = found
    elif (password or "") != (confirmation or ""):
        errors[confirmation_field] = [str(_l("The two passwords are not the same."))]
    if errors:
        raise ValidationFailed(errors)


def set_new_password(user: User, password: str) -> int:
    """Set the password (already checked against the rule) and end the user's access
    (`end_access`). Returns how many API tokens were revoked."""
    user.set_password(password)  # rotates the sign-in generation too
    return end_access(user)


def end_access(user: User) -> int:
    """After a new password: every sign-in, API token and password link of the user
    stops working. Returns how many API tokens were revoked."""
    db.session.execute(sa.delete(PasswordToken).where(PasswordToken.user_id == user.id))
    return _end_sign_ins_and_tokens(user)


def change_password(user: User, current: str | None, new: str | None,
                    confirmation: str | None) -> int:
    """The signed-in user changes their own password, giving the current one. Returns how
    many API tokens were revoked. The caller signs this device in again (start_sign_in)."""
    if not user.check_password(current or ""):
        # Kept although the form comes back refused (its transaction is rolled back).
        keep_even_if_refused(lambda: audit.record("password_change_failed", user, actor=user))
        raise ValidationFailed(
            {"current_password": [str(_l("This is not your current password."))]})
    check_new_password(new, confirmation, user)
    if new == current:
        raise ValidationFailed({"new_password": [str(_l(
            "This is your current password: choose a new one."))]})
    revoked = set_new_password(user, new)
    audit.record("password_change", user, _revoked(revoked), actor=user)
    return revoked


def _revoked(count: int) -> dict | None:
    return {"tokens_revoked": [None, count]} if count else None


def new_password_token(user: User, purpose: PasswordTokenPurpose) -> str:
    """A new link secret for `user`; their older links of this purpose (and everyone's
    expired ones) stop working. Only the secret's hash is stored."""
    now = utcnow()
    db.session.execute(sa.delete(PasswordToken).where(sa.or_(
        PasswordToken.expires_at <= now,
        sa.and_(PasswordToken.user_id == user.id, PasswordToken.purpose == purpose))))
    secret = secrets.token_urlsafe(32)
    db.session.add(PasswordToken(user_id=user.id, purpose=purpose, token_hash=hash_secret(secret),
                                 created_at=now, expires_at=now + LIFETIMES[purpose]))
    db.session.flush()
    return secret


def password_token(secret: str | None, purpose: PasswordTokenPurpose) -> PasswordToken | None:
    """The working link with this secret (not used, not superseded, not expired, of an
    active user), with its user; else None."""
    if not secret or len(secret) > SECRET_MAX:
        return None
    return db.session.scalars(
        sa.select(PasswordToken).join(PasswordToken.user)
        .where(PasswordToken.token_hash == hash_secret(secret), PasswordToken.purpose == purpose,
               PasswordToken.expires_at > utcnow(), User.active.is_(True))
        .options(sa.orm.contains_eager(PasswordToken.user))).first()


def use_password_token(token: PasswordToken, new: str | None, confirmation: str | None) -> User:
    """Set the password through a reset link or an invitation: the link is used up (if two
    requests race with the same link, only one gets it)."""
    user = token.user
    check_new_password(new, confirmation, user)
    used = db.session.execute(sa.delete(PasswordToken).where(
        PasswordToken.id == token.id, PasswordToken.expires_at > utcnow()))
    if used.rowcount != 1:
        raise ValidationFailed({"_": [str(_l("This link has just been used or has expired."))]})
    revoked = set_new_password(user, new)
    action = ("invitation_accepted" if token.purpose == PasswordTokenPurpose.INVITATION
              else "password_reset")
    audit.record(action, user, _revoked(revoked), actor=user)
    return user


# --- the mails -------------------------------------------------------------------------

def request_password_reset(email: str | None) -> None:
    """"Forgot password?": mail a reset link to the active account with this address, if
    there is one. The caller answers the same whether or not there is (and the mail goes
    out after the answer: crm.mail.send_after_response)."""
    email = (email or "").strip()[:254]
    user = find_user_by_email(email) if email else None
    if user is None or not user.active:
        audit.record("password_reset_requested", changes={"email": [None, email]})
        return
    if not mail.is_configured():
        # Nothing can reach the user: no token is made (it could not be used anyway).
        current_app.logger.warning("password reset asked for %s, but no mail server is "
                                   "configured (CRM_SMTP_URL): nothing was sent", user.email)
        audit.record("password_reset_requested", user, actor=user)
        return
    secret = new_password_token(user, PasswordTokenPurpose.RESET)
    audit.record("password_reset_requested", user, actor=user)
    mail.send_after_response(reset_message(user, secret), "a password reset link")


def _in_language_of(user: User, subject: str, template: str, **context) -> tuple[str, str]:
    with force_locale(user.preferred_language):
        return _(subject), render_template(template, user=user, **context)


def reset_message(user: User, secret: str) -> EmailMessage:
    link = mail.external_url("account.reset_password", token=secret)
    subject, body = _in_language_of(user, N_("Reset your CRM password"),
                                    "account/mail/reset_password.txt", link=link,
                                    minutes=RESET_MINUTES)
    return mail.message(to_email=user.email, to_name=user.name, subject=subject, body=body,
                        language=user.preferred_language)


def invitation_message(user: User, secret: str, invited_by: User | None) -> EmailMessage:
    link = mail.external_url("account.accept_invitation", token=secret)
    days = LIFETIMES[PasswordTokenPurpose.INVITATION].days
    subject, body = _in_language_of(user, N_("You are invited to the CRM"),
                                    "account/mail/invitation.txt", link=link, days=days,
                                    invited_by=invited_by)
    return mail.message(to_email=user.email, to_name=user.name, subject=subject, body=body,
                        language=user.preferred_language)


def invitation_link(secret: str) -> str:
    """The invitation's link, for an administrator to pass on when no mail was sent."""
    return mail.external_url("account.accept_invitation", token=secret)

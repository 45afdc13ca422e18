from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask import current_app

from crm import audit
from crm.extensions import db
from crm.models import SignIn, User, utcnow
from crm.models.users import hash_secret, new_session_token

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


def sign_out_everywhere(user: User) -> None:
    """Rotate the user's sign-in generation: every sign-in of this user, on every device,
    stops working. Not a versioned edit of the user, like signing in."""
    db.session.execute(sa.update(User).where(User.id == user.id)
                       .values(session_token=new_session_token()))
    db.session.execute(sa.delete(SignIn).where(SignIn.user_id == user.id))
    audit.record("logout_everywhere", user, actor=user)

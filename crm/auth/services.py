from __future__ import annotations

import sqlalchemy as sa

from crm import audit
from crm.extensions import db
from crm.models import User, utcnow
from crm.models.users import new_session_token

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


def sign_out_everywhere(user: User) -> None:
    """Rotate the user's session token: every session cookie and "remember me" cookie of
    this user stops working (the session itself lives in a signed cookie, so this is the
    only way to make a copied cookie useless). Not a versioned edit of the user, like
    signing in."""
    db.session.execute(sa.update(User).where(User.id == user.id)
                       .values(session_token=new_session_token()))
    audit.record("logout", user, actor=user)

"""The user's own settings: their language (`set_language`), and API tokens: creating
(shown once, stored as a SHA-256 hash), finding and revoking them (all at once when the
password changes: crm.auth.services). The same code serves
the pages, the CLI (`flask crm create-token`) and the API's authentication."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from crm import audit, i18n, lifecycle
from crm.errors import ValidationFailed
from crm.extensions import db
from crm.models import ApiToken, User, parse_id, utcnow
from crm.transactions import keep_even_if_refused

TOKEN_PREFIX = "crm_"
NAME_MAX = 100
# `last_used_at` is bookkeeping, not an edit: write it at most this often per token.
LAST_USED_GRANULARITY = timedelta(minutes=5)


def set_language(user: User, code: str, expected_version=None) -> None:
    """The language the user's pages and documents are in (crm.i18n)."""
    if not i18n.is_language(code):
        raise ValidationFailed({"preferred_language": [
            _l("Choose one of: %(languages)s.", languages=", ".join(i18n.LANGUAGES))]})
    if user.preferred_language != code or expected_version is not None:
        lifecycle.update(user, {"preferred_language": code}, expected_version)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(user: User, name: str | None) -> tuple[ApiToken, str]:
    """A new token for `user`. Returns the row and the token itself, which is not stored
    anywhere: the caller shows it once."""
    name = (name or "").strip()
    if not name:
        raise ValidationFailed({"name": [str(_l("Give the token a name, e.g. what uses it."))]})
    if len(name) > NAME_MAX:
        raise ValidationFailed({"name": [str(_l("At most %(n)d characters.", n=NAME_MAX))]})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, token_hash=hash_token(secret),
                     prefix=secret[:len(TOKEN_PREFIX) + 8], created_at=utcnow())
    lifecycle.create(token)
    return token, secret


def revoke_token(token: ApiToken) -> None:
    """Stop a token working, for good (revoking twice changes nothing)."""
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.flush()
        audit.record("revoke", token)


def revoke_all_tokens(user: User) -> int:
    """Revoke every working token of `user` (a new password, "sign out on every
    device"). Returns how many there were."""
    working = db.session.scalars(sa.select(ApiToken).where(
        ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))).all()
    for token in working:
        revoke_token(token)
    return len(working)


def tokens_of(user: User) -> list[ApiToken]:
    """The user's tokens, working ones first, newest first."""
    return list(db.session.scalars(
        sa.select(ApiToken).where(ApiToken.user_id == user.id)
        .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(),
                  ApiToken.id.desc())))


def token_of(user: User, token_id) -> ApiToken | None:
    """The user's token with this id (untrusted text or number), else None."""
    token_id = parse_id(token_id)
    if token_id is None:
        return None
    return db.session.scalars(sa.select(ApiToken).where(
        ApiToken.id == token_id, ApiToken.user_id == user.id)).first()


def authenticate_token(secret: str | None) -> ApiToken | None:
    """The working token with this secret, with its (active) user loaded; else None."""
    if not secret or not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    return db.session.scalars(
        sa.select(ApiToken).join(ApiToken.user)
        .where(ApiToken.token_hash == hash_token(secret), ApiToken.revoked_at.is_(None),
               User.active.is_(True))
        .options(joinedload(ApiToken.user))).first()


def note_use(token: ApiToken) -> None:
    """Record when a token was last used (at most every few minutes). This is bookkeeping,
    not an edit: it is stored even when the request is refused, in a short transaction of
    its own at the request's end (crm.transactions)."""
    now = utcnow()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_GRANULARITY:
        return
    token_id = token.id
    keep_even_if_refused(lambda: db.session.execute(
        sa.update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now)))

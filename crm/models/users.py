from __future__ import annotations

import enum
import hashlib
import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates
from werkzeug.security import check_password_hash, generate_password_hash

from crm.extensions import db
from crm.models.base import TimestampMixin, UTCDateTime, VersionedMixin, enum_column, utcnow
from crm.models.organizations import Organization


class Role(enum.StrEnum):
    ADMIN = "admin"
    STAFF = "staff"
    EXECUTIVE = "executive"


# The least privileged role (executives read, and only their organization's deals when
# linked to one): what a new account gets unless the administrator picks another.
LOWEST_ROLE = Role.EXECUTIVE
# The password "hash" of an invited user who has not chosen a password yet: no password
# matches it (werkzeug's hashes all start with their method), so they cannot sign in.
UNUSABLE_PASSWORD = "!"


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


class User(UserMixin, TimestampMixin, VersionedMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased (see `normalize_email`); the CHECK makes the unique constraint
    # case-insensitive in the database itself.
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[Role] = mapped_column(enum_column(Role, "user_role"))
    organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="RESTRICT"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    preferred_language: Mapped[str] = mapped_column(sa.String(10), default="en")
    # The generation of this user's sign-ins (crm.models.users.SignIn): rotating it ends
    # every sign-in of this user, on every device, at once.
    session_token: Mapped[str] = mapped_column(sa.String(64), unique=True, default=new_session_token)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    organization: Mapped[Organization | None] = relationship()

    __table_args__ = (sa.CheckConstraint("email = lower(email)", name="email_lowercase"),)

    @staticmethod
    def normalize_email(email: str) -> str:
        return email.strip().lower()

    @validates("email")
    def _normalize_email(self, _key, value: str) -> str:
        return self.normalize_email(value)

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method="scrypt")
        self.session_token = new_session_token()

    def check_password(self, password: str) -> bool:
        return self.has_usable_password and check_password_hash(self.password_hash, password)

    def set_unusable_password(self) -> None:
        """An invited account: nobody can sign in to it until its password is set."""
        self.password_hash = UNUSABLE_PASSWORD

    @property
    def has_usable_password(self) -> bool:
        return not self.password_hash.startswith(UNUSABLE_PASSWORD)

    def end_sessions(self) -> None:
        self.session_token = new_session_token()

    # Flask-Login: the secret of this device's sign-in (set when signing in, or when the
    # request's sign-in was looked up), kept in the session cookie.
    sign_in_secret = None  # not a column

    def get_id(self) -> str | None:
        return self.sign_in_secret

    @property
    def is_active(self) -> bool:
        return self.active

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role}>"


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class SignIn(db.Model):
    """One device's sign-in: signing out there ends only this one. The cookie holds a
    random secret; only its SHA-256 is stored. A sign-in made before the user's
    `session_token` was rotated (new password, deactivation, "sign out everywhere") no
    longer counts. It also ends `CRM_SESSION_IDLE` after `last_seen_at` and
    `CRM_SESSION_ABSOLUTE` after `created_at`, however the device comes back (its session
    cookie or its "remember me" cookie): see `crm.access.load_user`."""

    __tablename__ = "sign_ins"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    generation: Mapped[str] = mapped_column(sa.String(64))
    user_agent: Mapped[str | None] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship()



class PasswordTokenPurpose(enum.StrEnum):
    RESET = "reset"  # "Forgot password?"
    INVITATION = "invitation"  # an administrator invited the user: the first password


class PasswordToken(db.Model):
    """A link that lets whoever holds it set the user's password: a reset link or an
    invitation. The link carries a random secret; only its SHA-256 is stored. It works
    once (the row is deleted when it is used), until `expires_at`, and only while it is
    the user's newest of its purpose (making a new one deletes the older ones)."""

    __tablename__ = "password_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[PasswordTokenPurpose] = mapped_column(
        enum_column(PasswordTokenPurpose, "password_token_purpose"))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<PasswordToken {self.id} {self.purpose} user={self.user_id}>"

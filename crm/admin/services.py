"""Users and the archive: what only administrators change."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l

from crm import audit, i18n, lifecycle, passwords
from crm.auth.services import end_access, new_password_token
from crm.errors import ValidationFailed
from crm.extensions import db
from crm.models import (LOWEST_ROLE, AuditEntry, Event, Meeting, Memorandum, Organization,
                        PasswordTokenPurpose, Person, Project, Role, User, parse_id)

# What the archive page lists and restores, by the name used in its URLs.
ARCHIVABLE = {"projects": Project, "memoranda": Memorandum, "meetings": Meeting,
              "organizations": Organization, "people": Person, "events": Event}


def _is_email(email: str) -> bool:
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def _validate_user(values: dict, user: User | None = None) -> None:
    """The same rules whichever way a user is created (admin page, CLI, API)."""
    errors: dict[str, list[str]] = {}
    email = values.get("email")
    if email is not None and not _is_email(email.strip()):
        errors["email"] = [str(_l("Enter an email address like name@example.com."))]
    elif email is not None:
        clash = sa.select(User.id).where(User.email == User.normalize_email(email))
        if user is not None:
            clash = clash.where(User.id != user.id)
        if db.session.scalar(clash) is not None:
            errors["email"] = [str(_l("A user with this email already exists."))]
    password = values.get("password")
    if password is not None and (found := passwords.problems(
            password, email=email if email is not None else getattr(user, "email", None))):
        errors["password"] = found
    if "name" in values and not (values["name"] or "").strip():
        errors["name"] = [str(_l("A name is required."))]
    if "role" in values and values["role"] not in set(Role):
        errors["role"] = [str(_l("Choose one of: %(roles)s.", roles=", ".join(Role)))]
    if "preferred_language" in values and not i18n.is_language(values["preferred_language"]):
        errors["preferred_language"] = [str(_l("Choose one of: %(languages)s.",
                                               languages=", ".join(i18n.LANGUAGES)))]
    org_id = values.get("organization_id")
    if org_id is not None and db.session.get(Organization, org_id) is None:
        errors["organization_id"] = [str(_l("No such organization."))]
    if errors:
        raise ValidationFailed(errors)


def create_user(*, email: str, name: str, role: Role, password: str | None,
                organization_id: int | None = None, active: bool = True,
                preferred_language: str = i18n.DEFAULT) -> User:
    """A new user (admin page, `crm create-user`): a new user always needs a password."""
    if not password:
        raise ValidationFailed({"password": [str(_l("A new user needs a password."))]})
    _validate_user({"email": email, "name": name, "role": role, "password": password,
                    "organization_id": organization_id,
                    "preferred_language": preferred_language})
    user = User(email=email, name=name, role=Role(role), organization_id=organization_id,
                active=active, preferred_language=preferred_language)
    user.set_password(password)
    return lifecycle.create(user)


def invite_user(*, email: str, name: str, role: Role = LOWEST_ROLE,
                organization_id: int | None = None,
                preferred_language: str = i18n.DEFAULT) -> tuple[User, str]:
    """A new user who chooses their own password through an invitation link; until then
    nobody can sign in to the account. Returns the user and the link's secret (the
    caller mails it, or shows it when no mail can be sent)."""
    _validate_user({"email": email, "name": name, "role": role,
                    "organization_id": organization_id,
                    "preferred_language": preferred_language})
    user = User(email=email, name=name, role=Role(role), organization_id=organization_id,
                active=True, preferred_language=preferred_language)
    user.set_unusable_password()
    lifecycle.create(user)
    return user, invite_again(user)


def invite_again(user: User) -> str:
    """A new invitation for a user who has no password yet (an older one stops working).
    Returns the link's secret."""
    if user.has_usable_password:
        raise ValidationFailed({"_": [str(_l(
            "%(email)s has chosen a password already: they can use “Forgot password?”.",
            email=user.email))]})
    if not user.active:
        raise ValidationFailed({"_": [str(_l(
            "The account is disabled: make it active first."))]})
    secret = new_password_token(user, PasswordTokenPurpose.INVITATION)
    audit.record("invite", user)
    return secret


def update_user(user: User, values: dict, expected_version=None) -> dict:
    """Change a user; a new password or deactivation ends the user's sessions (a new
    password also their API tokens and password links)."""
    values = dict(values)
    password = values.pop("password", None) or None
    _validate_user({**values, "password": password}, user)
    lifecycle.check_version(user, expected_version)
    stays_admin = values.get("role", user.role) == Role.ADMIN and values.get("active", user.active)
    if user.role == Role.ADMIN and user.active and not stays_admin and _other_active_admins(user) == 0:
        raise ValidationFailed({"role": [str(_l(
            "This is the last active administrator: make someone else an administrator first."))]})
    extra = {}
    if password:
        user.set_password(password)
        extra["password"] = ["(changed)", "(changed)"]
    if values.get("active") is False and user.active:
        user.end_sessions()
    changes = lifecycle.update(user, values, extra_changes=extra)
    if password:
        end_access(user)
    return changes


def _other_active_admins(user: User) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(User).where(
        User.role == Role.ADMIN, User.active.is_(True), User.id != user.id))


def archived(kind: str) -> sa.Select:
    """The archived rows of one kind, most recently archived first (each kind's partial
    index over its archived rows: the live ones are not read)."""
    model = ARCHIVABLE[kind]
    return (sa.select(model).where(model.archived_at.is_not(None))
            .order_by(model.archived_at.desc(), model.id.desc())
            .execution_options(include_archived=True))


def all_users() -> list[User]:
    """Every user with their organization, by name (the users page)."""
    return db.session.scalars(sa.select(User).options(sa.orm.joinedload(User.organization))
                              .order_by(User.name, User.id)).all()


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text or "")
    except ValueError:
        return None


def audit_entries(args: Mapping[str, str]) -> sa.Select:
    """The audit trail, newest first, filtered by the query string's who (`actor`, part of
    an email), `action`, `object_type`, `object_id`, and days `since`/`until` (inclusive,
    UTC). Filters that do not parse are ignored."""
    stmt = sa.select(AuditEntry)
    if actor := (args.get("actor") or "").strip().lower():
        stmt = stmt.where(AuditEntry.actor_email.contains(actor, autoescape=True))
    if args.get("action"):
        stmt = stmt.where(AuditEntry.action == args["action"])
    if args.get("object_type"):
        stmt = stmt.where(AuditEntry.object_type == args["object_type"])
    if (object_id := parse_id(args.get("object_id"))) is not None:
        stmt = stmt.where(AuditEntry.object_id == object_id)
    if since := _day(args.get("since")):
        stmt = stmt.where(AuditEntry.at >= datetime.combine(since, time(), UTC))
    if until := _day(args.get("until")):
        stmt = stmt.where(AuditEntry.at < datetime.combine(until + timedelta(days=1), time(), UTC))
    return stmt.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())


def audit_filter_choices() -> tuple[list[str], list[str]]:
    """The actions and the object types the trail holds (for its filter's selects)."""
    actions = db.session.scalars(sa.select(AuditEntry.action).distinct()
                                 .order_by(AuditEntry.action)).all()
    types = db.session.scalars(sa.select(AuditEntry.object_type).where(
        AuditEntry.object_type.is_not(None)).distinct().order_by(AuditEntry.object_type)).all()
    return actions, types

"""Who may see and do what: the one place visibility and permissions are decided.

Visibility: an executive linked to an organization sees only the projects, memoranda and
meetings (and what hangs off them: stage history, follow-ups, attachments) that the
organization is party to. Every ORM SELECT goes through `_restrict_queries`, so lists,
search, timelines, exports, PDFs and the API are all restricted the same way. Inside a
request the viewer is whoever `establish_viewer` found; a request that has none sees
nothing (fail closed). Outside requests (CLI, tests) queries are unrestricted unless
`viewing_as` says otherwise.

Never reveal existence: a record the viewer may not see answers exactly as one that does
not exist. The criteria restrict rows of entities; what names a record without being one,
a foreign key or an association table (a visible memorandum's `project_id`, a visible
meeting's row in meeting_projects), goes through `refers_to` (filters by id) and
`shown_id` (ids sent to the reader). tests/test_existence.py checks every route with an
id, every filter by id and every `*_id` field the API sends.

Archived rows are hidden from every top-level query too, unless a query asks for them
with `.execution_options(include_archived=True)`.
"""
from __future__ import annotations

import contextlib
import contextvars
import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import abort, current_app, g, has_request_context
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from crm.extensions import db
from crm.models import (Attachment, FollowUp, Meeting, Memorandum, MemorandumParty, Project,
                        ProjectParty, Role, SignIn, StageChange, User, meeting_organizations,
                        meeting_projects, utcnow)
from crm.models.base import ArchivableMixin, parse_id
from crm.models.users import hash_secret


@dataclass(frozen=True)
class Viewer:
    """What one user may see: everything, nothing, or one organization's deals."""

    user_id: int | None
    role: Role | None
    organization_id: int | None = None

    @property
    def sees_everything(self) -> bool:
        return self.role in (Role.ADMIN, Role.STAFF) or (
            self.role == Role.EXECUTIVE and self.organization_id is None)

    @property
    def sees_nothing(self) -> bool:
        return self.role is None

    @classmethod
    def for_user(cls, user) -> Viewer:
        if user is None or not getattr(user, "is_authenticated", False) or not user.active:
            return NOBODY
        return cls(user.id, user.role, user.organization_id)


NOBODY = Viewer(None, None)
SYSTEM = Viewer(None, Role.ADMIN)
_outside_request_viewer: contextvars.ContextVar[Viewer] = contextvars.ContextVar(
    "crm_viewer", default=SYSTEM)


def current_viewer() -> Viewer:
    if has_request_context():
        return g.get("crm_viewer", NOBODY)
    return _outside_request_viewer.get()


def establish_viewer() -> None:
    """Called before every request, once Flask-Login knows the user."""
    g.crm_viewer = Viewer.for_user(current_user)


@contextlib.contextmanager
def viewing_as(user_or_viewer) -> Iterator[Viewer]:
    """Run queries as this user sees them (outside a request: CLI, tests, documents)."""
    viewer = (user_or_viewer if isinstance(user_or_viewer, Viewer)
              else Viewer.for_user(user_or_viewer))
    if has_request_context():
        previous = g.get("crm_viewer", NOBODY)
        g.crm_viewer = viewer
        try:
            yield viewer
        finally:
            g.crm_viewer = previous
    else:
        token = _outside_request_viewer.set(viewer)
        try:
            yield viewer
        finally:
            _outside_request_viewer.reset(token)


# --- visibility ------------------------------------------------------------------------

def visible_project_ids(organization_id: int) -> sa.Select:
    return sa.select(ProjectParty.project_id).where(ProjectParty.organization_id == organization_id)


def visible_memorandum_ids(organization_id: int) -> sa.Select:
    by_party = sa.select(MemorandumParty.memorandum_id).where(
        MemorandumParty.organization_id == organization_id)
    by_project = sa.select(Memorandum.id).where(
        Memorandum.project_id.in_(visible_project_ids(organization_id)))
    return sa.union(by_party, by_project)


def visible_meeting_ids(organization_id: int) -> sa.Select:
    by_org = sa.select(meeting_organizations.c.meeting_id).where(
        meeting_organizations.c.organization_id == organization_id)
    by_project = sa.select(meeting_projects.c.meeting_id).where(
        meeting_projects.c.project_id.in_(visible_project_ids(organization_id)))
    return sa.union(by_org, by_project)


@functools.lru_cache(maxsize=1024)
def _criteria_for(viewer: Viewer) -> tuple:
    """Built once per viewer (a frozen, hashable value): building them cost a fifth of a
    cheap request."""
    if viewer.sees_everything:
        return ()
    if viewer.sees_nothing:
        deny = lambda cls: sa.false()  # noqa: E731
        return tuple(with_loader_criteria(cls, deny, include_aliases=True)
                     for cls in (Project, Memorandum, Meeting, StageChange, FollowUp, Attachment))
    org = viewer.organization_id
    return (
        with_loader_criteria(Project, lambda cls: cls.id.in_(visible_project_ids(org)),
                             include_aliases=True),
        with_loader_criteria(StageChange, lambda cls: cls.project_id.in_(visible_project_ids(org)),
                             include_aliases=True),
        with_loader_criteria(Memorandum, lambda cls: cls.id.in_(visible_memorandum_ids(org)),
                             include_aliases=True),
        with_loader_criteria(Attachment,
                             lambda cls: cls.memorandum_id.in_(visible_memorandum_ids(org)),
                             include_aliases=True),
        with_loader_criteria(Meeting, lambda cls: cls.id.in_(visible_meeting_ids(org)),
                             include_aliases=True),
        with_loader_criteria(FollowUp, lambda cls: cls.meeting_id.in_(visible_meeting_ids(org)),
                             include_aliases=True),
    )


def refers_to(column, model, ident: int) -> sa.ColumnElement[bool]:
    """WHERE `column` (a foreign key to `model`, or an association table's column such as
    `meeting_projects.c.project_id`) is `ident`, and the viewer may see that row of
    `model`: a filter by id. The criteria above restrict the rows of entities, not the
    foreign keys and association tables that name them; through this a filter by a hidden
    id matches nothing, exactly as a filter by an id that does not exist. (The subquery is
    restricted by the criteria of the statement it is part of, like every read.)"""
    if current_viewer().sees_everything:
        return column == ident
    return column.in_(sa.select(model.id).where(model.id == ident))


def shown_id(obj, relationship: str) -> int | None:
    """The id of the row `obj` refers to through the many-to-one `relationship`, or None
    when the viewer may not see that row (never reveal existence): what the API sends for
    a reference such as a memorandum's `project_id`. For a viewer who sees everything it
    is the foreign key itself, at no cost; otherwise the related row is loaded through
    the access layer (at no cost either, for a list that eager-loads it)."""
    prop = sa.inspect(type(obj)).relationships[relationship]
    (column,) = prop.local_columns
    ident = getattr(obj, prop.parent.get_property_by_column(column).key)
    if ident is None or current_viewer().sees_everything:
        return ident
    # Loaded under the criteria of the query that loaded `obj` (they reach its
    # relationships), so a row the viewer may not see is not found.
    return ident if getattr(obj, relationship) is not None else None


_not_archived = with_loader_criteria(
    ArchivableMixin, lambda cls: cls.archived_at.is_(None),
    include_aliases=True, propagate_to_loaders=False)


def built_once(statement):
    """A statement built once per process and executed many times (a page's fixed
    reads), with the archived-rows criterion put in once here instead of at every
    execution (`include_archived` tells `_restrict_queries` it is there already). For a
    viewer who sees everything nothing else is added, so SQLAlchemy reuses the
    statement's cache key instead of walking a fresh copy of it on each execution (for
    the timeline's UNION that walk cost a tenth of the project page). A restricted
    viewer's criteria are still added at each execution, as for any statement."""
    return statement.options(_not_archived).execution_options(include_archived=True)


# The look-up of the signed-in user on every request: users and their sign-ins are
# neither restricted by viewer nor archivable, and it runs before the viewer is known, so
# the (empty) criteria are not attached; that was a fifth of the cost of a cheap request.
SIGN_IN_LOOKUP = "crm_sign_in_lookup"


@event.listens_for(Session, "do_orm_execute")
def _restrict_queries(state: ORMExecuteState) -> None:
    if not state.is_select or state.is_column_load or state.is_relationship_load \
            or state.execution_options.get(SIGN_IN_LOOKUP):
        return
    options = _criteria_for(current_viewer())
    if not state.execution_options.get("include_archived", False):
        options += (_not_archived,)
    if options:
        state.statement = state.statement.options(*options)


# --- permissions -----------------------------------------------------------------------

def can_edit(user) -> bool:
    """Create, edit and archive contacts, projects, memoranda and meetings."""
    return bool(getattr(user, "is_authenticated", False)) and user.role in (Role.ADMIN, Role.STAFF)


def can_administer(user) -> bool:
    """Users, pipeline stages, restoring archived records, the audit trail."""
    return bool(getattr(user, "is_authenticated", False)) and user.role == Role.ADMIN


def _requiring(check: Callable[[object], bool]):
    def decorator(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            if not check(current_user):
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator


editor_required = _requiring(can_edit)
admin_required = _requiring(can_administer)


def get_or_404(model, ident, *, include_archived: bool = False, details=None):
    """Load one visible row by primary key; 404 if it does not exist, is archived (unless
    asked for) or is not visible to the current viewer (never reveal existence).
    `details(statement)` may add loader options (what the caller shows of the row)."""
    ident = parse_id(ident)
    if ident is None:
        abort(404)
    stmt = sa.select(model).where(model.id == ident).execution_options(
        include_archived=include_archived)
    if details is not None:
        stmt = details(stmt)
    obj = db.session.scalars(stmt).first()
    if obj is None:
        abort(404)
    return obj


def get_editable_or_404(model, ident):
    """The row a change is about: 404 if the user cannot see it (exactly as on its page, so
    nothing more is revealed), then 403 if their role may not change it."""
    obj = get_or_404(model, ident)
    if not can_edit(current_user):
        abort(403)
    return obj


@functools.cache
def _signed_in_user_statement() -> sa.Select:
    """Built once (it runs on every request): the active user of this device's sign-in,
    if the sign-in is of the user's current generation, with the sign-in's times."""
    return (sa.select(User, SignIn.id.label("sign_in_id"), SignIn.created_at,
                      SignIn.last_seen_at)
            .join(SignIn, SignIn.user_id == User.id)
            .where(SignIn.token_hash == sa.bindparam("token_hash"),
                   SignIn.generation == User.session_token, User.active.is_(True))
            .execution_options(**{SIGN_IN_LOOKUP: True}))


SIGN_IN_ENDED = "crm_sign_in_ended"


def load_user(secret: str) -> User | None:
    """The signed-in user of this device's sign-in (Flask-Login's user loader, for the
    session cookie and the "remember me" cookie alike), or None.

    A sign-in idle for longer than `CRM_SESSION_IDLE`, or older than
    `CRM_SESSION_ABSOLUTE`, has ended: it is deleted and the user must sign in again.
    Otherwise its `last_seen_at` moves on, at most every few seconds (a write per page
    would cost more than the page)."""
    from crm.transactions import keep_even_if_refused

    row = db.session.execute(_signed_in_user_statement(),
                             {"token_hash": hash_secret(secret)}).first()
    if row is None:
        return None
    config = current_app.config
    now = utcnow()
    idle, absolute = config["CRM_SESSION_IDLE"], config["CRM_SESSION_ABSOLUTE"]
    if now - row.last_seen_at > idle or now - row.created_at > absolute:
        keep_even_if_refused(lambda: db.session.execute(
            sa.delete(SignIn).where(SignIn.id == row.sign_in_id)))
        g.setdefault(SIGN_IN_ENDED, True)
        return None
    if now - row.last_seen_at > min(LAST_SEEN_GRANULARITY, idle / 10):
        keep_even_if_refused(lambda: db.session.execute(
            sa.update(SignIn).where(SignIn.id == row.sign_in_id).values(last_seen_at=now)))
    row.User.sign_in_secret = secret
    return row.User


# How stale `SignIn.last_seen_at` may be (it is written at most this often per device).
LAST_SEEN_GRANULARITY = timedelta(seconds=60)

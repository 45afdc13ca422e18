"""Timelines for the project, organization and person pages: what happened, newest first.

A timeline is read in one statement: a UNION ALL of light rows, one part per kind of
entry (stage moves, meetings and who was there, memoranda, follow-ups, edits), each part
its own newest-first LIMIT. Every part selects from the ORM entities through the session,
so the access layer's criteria reach into each part: an executive's timeline holds only
what they may see. Rows, not ORM objects: building objects and their collections was most
of a project page's time. The cost is one statement however long the timeline is.
"""
from __future__ import annotations

import functools
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

import sqlalchemy as sa
from flask_babel import get_translations
from sqlalchemy.orm import aliased

from crm import access
from crm.extensions import db
from crm.formatting import format_date, format_datetime
from crm.collation import sort_key
from crm.history import Describer
from crm.links import record_url
from crm.models import (AuditEntry, Event, FollowUp, Meeting, MeetingOutcome, Memorandum,
                        MemorandumParty, MemorandumStatus, Organization, Person, PipelineStage,
                        Project, ProjectParty, StageChange, User, meeting_organizations,
                        meeting_people, meeting_projects, stage_name)
from crm.models.base import UTCDateTime
from crm.reference import current_language, label
from crm.postgresql import fixed_limit

LIMIT = 60


@dataclass(slots=True)
class TimelineEntry:
    at: datetime
    kind: str  # stage, meeting, memorandum, follow_up, edit
    title: str
    detail: str | None = None
    url: str | None = None
    who: str | None = None
    badges: list[str] = field(default_factory=list)
    date_only: bool = False  # `at` comes from a date (signed on, due on): no time to show

    # Read by the template as attributes: a call from a template costs more than the call.
    @property
    def iso(self) -> str:
        return self.at.isoformat()

    @property
    def when(self) -> str:
        return format_date(self.at) if self.date_only else format_datetime(self.at)


def _day(value: date) -> datetime:
    return datetime.combine(value, time(12), tzinfo=UTC)


# Every part of a timeline reads into the same row, each column with one type on every
# database (a part leaves the columns it has nothing for NULL, typed). Enum values come as
# plain text: one column holds a meeting's outcome in one part and a memorandum's status
# in another.
_COLUMNS = {
    "kind": sa.String(), "ref": sa.Integer(), "at": UTCDateTime(), "day": sa.Date(),
    "a": sa.String(), "b": sa.String(),
    "state": sa.String(), "text": sa.Text(), "who": sa.String(),
}


_ID = sa.bindparam("record_id", type_=sa.Integer())  # the project, organization or person


def _part(kind: str, **columns) -> sa.Select:
    return sa.select(sa.literal(kind, sa.String()).label("kind"), *(
        sa.type_coerce(columns[name], type_).label(name) if name in columns
        else sa.cast(sa.null(), type_).label(name)
        for name, type_ in list(_COLUMNS.items())[1:]))


def _union(parts: list[sa.Select]) -> sa.CompoundSelect:
    """The parts in one statement (each a subquery, so that each keeps its ORDER BY and
    LIMIT on every database), built once per process (`access.built_once`)."""
    return access.built_once(sa.union_all(*(sa.select(p.subquery()) for p in parts)))


def _read(statement: sa.CompoundSelect, record_id: int) -> list[sa.Row]:
    return db.session.execute(statement, {"record_id": record_id}).all()


# --- the parts -------------------------------------------------------------------------

def _meeting_parts(meeting_ids: sa.Select, *, follow_ups: bool) -> list[sa.Select]:
    """The newest meetings among `meeting_ids`, with the names of their people and
    organizations (for those meetings only), and (`follow_ups`) the follow-ups of them all."""
    # The newest meetings' ids, found once (a common table expression) and sorted on
    # their times alone: an organization at hundreds of meetings would otherwise sort them
    # with their notes, and again for their people and for their organizations.
    recent = sa.select(
        sa.select(Meeting.id).where(Meeting.id.in_(meeting_ids))
        .order_by(Meeting.occurred_at.desc()).limit(fixed_limit(LIMIT))
        .cte("recent_meetings").c.id)
    owner = aliased(User)
    parts = [
        _part("meeting", ref=Meeting.id, at=Meeting.occurred_at, a=Event.name,
              b=sa.cast(Event.edition, sa.String),
              state=Meeting.outcome, text=Meeting.summary)
        .outerjoin(Event, Meeting.event_id == Event.id).where(Meeting.id.in_(recent)),
        _part("meeting_person", ref=meeting_people.c.meeting_id, a=Person.full_name)
        .select_from(meeting_people).join(Person, Person.id == meeting_people.c.person_id)
        .where(meeting_people.c.meeting_id.in_(recent)),
        _part("meeting_organization", ref=meeting_organizations.c.meeting_id, a=Organization.name)
        .select_from(meeting_organizations)
        .join(Organization, Organization.id == meeting_organizations.c.organization_id)
        .where(meeting_organizations.c.meeting_id.in_(recent)),
    ]
    if follow_ups:
        parts.append(
            # when it was done, else when it is due, else when it was agreed
            _part("follow_up", ref=FollowUp.id,
                  at=sa.func.coalesce(FollowUp.done_at, sa.case(
                      (FollowUp.due_date.is_(None), Meeting.occurred_at))),
                  day=FollowUp.due_date, state=sa.case((FollowUp.done, "done"), else_="open"),
                  text=FollowUp.description, who=owner.name)
            .join(Meeting, Meeting.id == FollowUp.meeting_id)
            .outerjoin(owner, owner.id == FollowUp.owner_id)
            .where(FollowUp.meeting_id.in_(meeting_ids))
            .order_by(FollowUp.id.desc()).limit(fixed_limit(LIMIT)))
    return parts


def _memorandum_part(memorandum_ids: sa.Select, limit: int | None = LIMIT) -> sa.Select:
    return (_part("memorandum", ref=Memorandum.id, at=Memorandum.created_at,
                  day=Memorandum.signed_on, a=Memorandum.reference, b=Memorandum.title,
                  state=Memorandum.status)
            .where(Memorandum.id.in_(memorandum_ids))
            .order_by(Memorandum.created_at.desc())
            .limit(None if limit is None else fixed_limit(limit)))


def _edit_part(object_type: str) -> sa.Select:
    actor = aliased(User)
    return (_part("edit", at=AuditEntry.at, a=AuditEntry.action,
                  b=sa.literal(object_type, sa.String()),
                  text=sa.cast(AuditEntry.changes, sa.Text),
                  who=sa.func.coalesce(actor.name, AuditEntry.actor_email))
            .outerjoin(actor, actor.id == AuditEntry.actor_id)
            .where(AuditEntry.object_type == object_type, AuditEntry.object_id == _ID,
                   # equalities, not IN: an IN list is expanded into the SQL at every execution
                   sa.or_(*(AuditEntry.action == action
                            for action in ("create", "update", "archive", "restore"))))
            .order_by(AuditEntry.at.desc()).limit(fixed_limit(LIMIT)))


# --- rows to entries ---------------------------------------------------------------------

def _texts() -> dict[str, str]:
    """The entries' texts, each translated once per timeline (not once per entry) and
    formatted with `%` below (gettext without variables leaves the placeholders in); the
    request's translations are looked up once for them all."""
    gettext = get_translations().ugettext
    return {
        "meeting_at": gettext("Meeting at %(where)s"), "meeting": gettext("Meeting"),
        "moved": gettext("Moved from %(old)s to %(new)s"),
        "entered": gettext("Entered the pipeline at %(new)s"),
        "project_moved": gettext("%(title)s moved to %(stage)s"),
        "signed": gettext("Memorandum %(ref)s signed"),
        "recorded": gettext("Memorandum %(ref)s recorded"),
        "follow_up_done": gettext("Follow-up done"), "follow_up_due": gettext("Follow-up due"),
        "done": gettext("done"),
        "create": gettext("Created"), "update": gettext("Edited"), "archive": gettext("Archived"),
        "restore": gettext("Restored"), "by": gettext("by %(name)s"),
    }


def _memorandum_entry(t: dict[str, str], memo_id: int, reference: str, title: str,
                      status: MemorandumStatus, signed_on: date | None,
                      created_at: datetime) -> TimelineEntry:
    return TimelineEntry(
        at=_day(signed_on) if signed_on else created_at, kind="memorandum",
        title=t["signed" if signed_on else "recorded"] % {"ref": reference},
        detail=title, badges=[label(status)], date_only=bool(signed_on),
        url=record_url("memoranda.detail", memo_id))


def _entries(rows: list[sa.Row], t: dict[str, str]) -> list[TimelineEntry]:
    # Rows unpacked as tuples (in `_COLUMNS` order): reading each column by name cost more
    # than making the entry.
    names: dict[int, tuple[list[str], list[str]]] = defaultdict(lambda: ([], []))
    for kind, ref, _at, _date, a, *_rest in rows:
        if kind == "meeting_person":
            names[ref][0].append(a)
        elif kind == "meeting_organization":
            names[ref][1].append(a)
    outcomes = {o.value: label(o) for o in MeetingOutcome}
    meeting_url, project_url = _url_pattern("meetings.detail"), _url_pattern("projects.detail")
    language = current_language()
    by_name = lambda name: sort_key(name, language)  # noqa: E731 - in the reader's alphabet
    no_names = ((), ())
    entries = []
    edits = []  # (index in entries, object type, changes)
    append = entries.append
    for kind, ref, at, day, a, b, state, text, who in rows:
        if kind == "meeting":
            people, orgs = names.get(ref, no_names)
            append(TimelineEntry(
                at, "meeting",
                (t["meeting_at"] % {"where": f"{a} {b}" if b else a}) if a else t["meeting"],
                text, f"{meeting_url[0]}{ref}{meeting_url[1]}",
                ", ".join(sorted(people, key=by_name) + sorted(orgs, key=by_name)) or None,
                [outcomes[state]]))
        elif kind == "stage":
            append(TimelineEntry(
                at, "stage",
                t["moved"] % {"old": a, "new": b} if a else t["entered"] % {"new": b},
                text, None, who))
        elif kind == "project_stage":
            append(TimelineEntry(
                at, "stage", t["project_moved"] % {"title": a, "stage": b}, text,
                f"{project_url[0]}{ref}{project_url[1]}"))
        elif kind == "memorandum":
            append(_memorandum_entry(t, ref, a, b, MemorandumStatus(state), day, at))
        elif kind == "follow_up":
            done = state == "done"
            append(TimelineEntry(
                at or _day(day), "follow_up", t["follow_up_done" if done else "follow_up_due"],
                text, None, who, [t["done"]] if done else [], at is None))
        elif kind == "edit":
            changes = json.loads(text) if text and a == "update" else None
            edits.append((len(entries), b, changes))
            append(TimelineEntry(at, "edit", t[a], None, None,
                                 t["by"] % {"name": who} if who else None))
    if edits:  # the changes in sentences, with the names of what they mention
        describer = Describer([(object_type, None, changes) for _i, object_type, changes in edits])
        for index, object_type, changes in edits:
            entries[index].detail = "\n".join(describer.sentences(object_type, changes)) or None
    return entries


def _url_pattern(endpoint: str) -> tuple[str, str]:
    """What comes before and after the id in a record's URL (`record_url` once per
    timeline, not once per entry)."""
    prefix, _mark, suffix = record_url(endpoint, _MARK).partition(str(_MARK))
    return prefix, suffix


_MARK = 987654321  # no real id


def _newest_first(entries: list[TimelineEntry]) -> list[TimelineEntry]:
    return sorted(entries, key=lambda e: e.at, reverse=True)[:LIMIT * 2]


# --- the timelines -------------------------------------------------------------------------
# Each statement is built once per process (building one took a third of the page's
# time), with the record's id as the parameter `_ID`; the access layer still adds its
# criteria at every execution.


@functools.cache
def _project_statement() -> sa.CompoundSelect:
    old, new = aliased(PipelineStage), aliased(PipelineStage)
    mover = aliased(User)
    in_project = sa.select(meeting_projects.c.meeting_id).where(
        meeting_projects.c.project_id == _ID)
    return _union([
        _part("stage", at=StageChange.changed_at, a=stage_name(old), b=stage_name(new),
              text=StageChange.note,
              who=mover.name)
        .select_from(StageChange).join(new, new.id == StageChange.to_stage_id)
        .outerjoin(old, old.id == StageChange.from_stage_id)
        .outerjoin(mover, mover.id == StageChange.changed_by_id)
        .where(StageChange.project_id == _ID)
        .order_by(StageChange.changed_at.desc()).limit(fixed_limit(LIMIT)),
        *_meeting_parts(in_project, follow_ups=True),
        _edit_part("Project"),
        # every memorandum (a project has a few): the page lists them all
        _memorandum_part(sa.select(Memorandum.id).where(Memorandum.project_id == _ID),
                         limit=None),
    ])


@dataclass(frozen=True, slots=True)
class MemorandumLine:
    """A memorandum as the project page lists it."""

    id: int
    reference: str
    title: str
    status: MemorandumStatus
    signed_on: date | None
    created_at: datetime


def project_history(project_id: int) -> tuple[list[TimelineEntry], list[MemorandumLine]]:
    """The project's timeline and all its memoranda (by reference), in one statement."""
    t = _texts()
    rows = _read(_project_statement(), project_id)
    memoranda = sorted((MemorandumLine(r.ref, r.a, r.b, MemorandumStatus(r.state), r.day, r.at)
                        for r in rows if r.kind == "memorandum"), key=lambda m: m.reference)
    newest = sorted(memoranda, key=lambda m: m.created_at, reverse=True)[:LIMIT]
    entries = _entries([r for r in rows if r.kind != "memorandum"], t)
    entries += [_memorandum_entry(t, m.id, m.reference, m.title, m.status, m.signed_on,
                                  m.created_at) for m in newest]
    return _newest_first(entries), memoranda


def project_timeline(project) -> list[TimelineEntry]:
    """`project`: anything with an `id` (a Project or a row)."""
    return project_history(project.id)[0]


@functools.cache
def _organization_statement() -> sa.CompoundSelect:
    to_stage = aliased(PipelineStage)
    with_org = sa.select(meeting_organizations.c.meeting_id).where(
        meeting_organizations.c.organization_id == _ID)
    return _union([
        *_meeting_parts(with_org, follow_ups=False),
        _memorandum_part(sa.select(MemorandumParty.memorandum_id).where(
            MemorandumParty.organization_id == _ID)),
        _part("project_stage", ref=StageChange.project_id, at=StageChange.changed_at,
              a=Project.title, b=stage_name(to_stage), text=StageChange.note)
        .select_from(StageChange).join(Project, Project.id == StageChange.project_id)
        .join(to_stage, to_stage.id == StageChange.to_stage_id)
        .where(StageChange.project_id.in_(sa.select(ProjectParty.project_id).where(
            ProjectParty.organization_id == _ID)))
        .order_by(StageChange.changed_at.desc()).limit(fixed_limit(LIMIT)),
        _edit_part("Organization")])


def organization_timeline(org: Organization) -> list[TimelineEntry]:
    return _newest_first(_entries(_read(_organization_statement(), org.id), _texts()))


@functools.cache
def _person_statement() -> sa.CompoundSelect:
    with_person = sa.select(meeting_people.c.meeting_id).where(meeting_people.c.person_id == _ID)
    return _union([
        *_meeting_parts(with_person, follow_ups=False),
        _memorandum_part(sa.select(MemorandumParty.memorandum_id).where(
            MemorandumParty.signatory_person_id == _ID)),
        _edit_part("Person")])


def person_timeline(person: Person) -> list[TimelineEntry]:
    return _newest_first(_entries(_read(_person_statement(), person.id), _texts()))

"""Timelines for the project, organization and person pages: what happened, newest first.

Every query goes through the access layer, so an executive's timeline holds only what
they may see. Each timeline costs a fixed number of queries, however long it is.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from crm.extensions import db
from crm.models import (AuditEntry, FollowUp, Meeting, Memorandum, MemorandumParty, Organization,
                        Person, Project, ProjectParty, StageChange, meeting_organizations,
                        meeting_people, meeting_projects)
from crm.reference import label

LIMIT = 60


@dataclass
class TimelineEntry:
    at: datetime
    kind: str  # stage, meeting, memorandum, follow_up, edit
    title: str
    detail: str | None = None
    url: str | None = None
    who: str | None = None
    badges: list[str] = field(default_factory=list)
    date_only: bool = False  # `at` comes from a date (signed on, due on): no time to show


def _day(value: date) -> datetime:
    return datetime.combine(value, time(12), tzinfo=UTC)


def _meeting_entries(stmt) -> list[TimelineEntry]:
    meetings = db.session.scalars(
        stmt.options(selectinload(Meeting.people),
                     selectinload(Meeting.organizations).lazyload(Organization.aliases),
                     joinedload(Meeting.event), joinedload(Meeting.logged_by))
        .order_by(Meeting.occurred_at.desc()).limit(LIMIT)).all()
    entries = []
    for m in meetings:
        who = ", ".join([p.full_name for p in m.people] + [o.name for o in m.organizations])
        entries.append(TimelineEntry(
            at=m.occurred_at, kind="meeting",
            title=_("Meeting at %(where)s", where=m.event.label) if m.event else _("Meeting"),
            detail=m.summary, url=url_for("meetings.detail", meeting_id=m.id),
            who=who or None, badges=[label(m.outcome)]))
    return entries


def _memorandum_entries(stmt=None, memoranda=None) -> list[TimelineEntry]:
    """From a query, or from memoranda the page has loaded already."""
    if memoranda is None:
        memoranda = db.session.scalars(stmt.order_by(Memorandum.created_at.desc()).limit(LIMIT))
    else:
        memoranda = sorted(memoranda, key=lambda m: m.created_at, reverse=True)[:LIMIT]
    entries = []
    for memo in memoranda:
        when = _day(memo.signed_on) if memo.signed_on else memo.created_at
        entries.append(TimelineEntry(
            at=when, kind="memorandum",
            title=(_("Memorandum %(ref)s signed", ref=memo.reference) if memo.signed_on
                   else _("Memorandum %(ref)s recorded", ref=memo.reference)),
            detail=memo.title, badges=[label(memo.status)], date_only=bool(memo.signed_on),
            url=url_for("memoranda.detail", memorandum_id=memo.id)))
    return entries


def _follow_up_entries(stmt) -> list[TimelineEntry]:
    entries = []
    rows = db.session.scalars(stmt.options(joinedload(FollowUp.owner), joinedload(FollowUp.meeting))
                              .order_by(FollowUp.id.desc()).limit(LIMIT))
    for f in rows:
        when = f.done_at or (_day(f.due_date) if f.due_date else f.meeting.occurred_at)
        entries.append(TimelineEntry(
            at=when, kind="follow_up",
            title=_("Follow-up done") if f.done else _("Follow-up due"),
            detail=f.description, who=f.owner.name if f.owner else None,
            badges=[_("done")] if f.done else [], date_only=not f.done_at and bool(f.due_date)))
    return entries


def _edit_entries(object_type: str, object_id: int) -> list[TimelineEntry]:
    rows = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.object_type == object_type,
                                    AuditEntry.object_id == object_id,
                                    AuditEntry.action.in_(("create", "update", "archive",
                                                           "restore")))
        .order_by(AuditEntry.at.desc()).limit(LIMIT))
    titles = {"create": _("Created"), "update": _("Edited"), "archive": _("Archived"),
              "restore": _("Restored")}
    return [TimelineEntry(at=e.at, kind="edit", title=titles[e.action],
                          detail=", ".join(sorted((e.changes or {}).keys()))
                          if e.action == "update" else None,
                          who=e.actor_email) for e in rows]


def _newest_first(entries: list[TimelineEntry]) -> list[TimelineEntry]:
    return sorted(entries, key=lambda e: e.at, reverse=True)[:LIMIT * 2]


def project_timeline(project: Project, memoranda: list[Memorandum] | None = None
                     ) -> list[TimelineEntry]:
    """`memoranda`: all the project's memoranda when the page has them already."""
    changes = db.session.scalars(
        sa.select(StageChange).where(StageChange.project_id == project.id)
        .options(joinedload(StageChange.from_stage), joinedload(StageChange.to_stage),
                 joinedload(StageChange.changed_by))
        .order_by(StageChange.changed_at.desc()).limit(LIMIT)).all()
    entries = [TimelineEntry(
        at=c.changed_at, kind="stage",
        title=(_("Moved from %(old)s to %(new)s", old=c.from_stage.name, new=c.to_stage.name)
               if c.from_stage else _("Entered the pipeline at %(new)s", new=c.to_stage.name)),
        detail=c.note, who=c.changed_by.name if c.changed_by else None) for c in changes]
    in_project = sa.select(meeting_projects.c.meeting_id).where(
        meeting_projects.c.project_id == project.id)
    entries += _meeting_entries(sa.select(Meeting).where(Meeting.id.in_(in_project)))
    entries += (_memorandum_entries(memoranda=memoranda) if memoranda is not None else
                _memorandum_entries(sa.select(Memorandum).where(Memorandum.project_id == project.id)))
    entries += _follow_up_entries(sa.select(FollowUp).where(FollowUp.meeting_id.in_(in_project)))
    entries += _edit_entries("Project", project.id)
    return _newest_first(entries)


def organization_timeline(org: Organization) -> list[TimelineEntry]:
    with_org = sa.select(meeting_organizations.c.meeting_id).where(
        meeting_organizations.c.organization_id == org.id)
    entries = _meeting_entries(sa.select(Meeting).where(Meeting.id.in_(with_org)))
    entries += _memorandum_entries(sa.select(Memorandum).where(Memorandum.id.in_(
        sa.select(MemorandumParty.memorandum_id).where(MemorandumParty.organization_id == org.id))))
    changes = db.session.scalars(
        sa.select(StageChange).join(Project).where(Project.id.in_(
            sa.select(ProjectParty.project_id).where(ProjectParty.organization_id == org.id)))
        .options(selectinload(StageChange.project), selectinload(StageChange.to_stage))
        .order_by(StageChange.changed_at.desc()).limit(LIMIT)).all()
    entries += [TimelineEntry(at=c.changed_at, kind="stage",
                              title=_("%(title)s moved to %(stage)s", title=c.project.title,
                                      stage=c.to_stage.name),
                              detail=c.note, url=url_for("projects.detail", project_id=c.project_id))
                for c in changes]
    entries += _edit_entries("Organization", org.id)
    return _newest_first(entries)


def person_timeline(person: Person) -> list[TimelineEntry]:
    with_person = sa.select(meeting_people.c.meeting_id).where(meeting_people.c.person_id == person.id)
    entries = _meeting_entries(sa.select(Meeting).where(Meeting.id.in_(with_person)))
    entries += _memorandum_entries(sa.select(Memorandum).where(Memorandum.id.in_(
        sa.select(MemorandumParty.memorandum_id).where(
            MemorandumParty.signatory_person_id == person.id))))
    entries += _edit_entries("Person", person.id)
    return _newest_first(entries)

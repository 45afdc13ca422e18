from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.extensions import db
from crm.models.base import (ArchivableMixin, TimestampMixin, UTCDateTime, VersionedMixin,
                             archived_index, enum_column, live_index)
from crm.models.events import Event
from crm.models.organizations import Organization
from crm.models.people import Person
from crm.models.projects import Project


class MeetingOutcome(enum.StrEnum):
    POSITIVE = "positive"
    NEUTRAL = "neutral"
    NEGATIVE = "negative"


def _meeting_link(name: str, noun: str, target: str) -> sa.Table:
    """An association of meetings with organizations, people or projects, with the index
    the other way round that carries the meeting id: a `noun`'s meetings from the index
    alone."""
    column = f"{noun}_id"
    return sa.Table(
        name, db.metadata,
        sa.Column("meeting_id", sa.ForeignKey("meetings.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column(column, sa.ForeignKey(f"{target}.id", ondelete="CASCADE"), primary_key=True),
        sa.Index(f"ix_{name}_{noun}_meeting", column, "meeting_id"),
    )


meeting_organizations = _meeting_link("meeting_organizations", "organization", "organizations")
meeting_people = _meeting_link("meeting_people", "person", "people")
meeting_projects = _meeting_link("meeting_projects", "project", "projects")


class Meeting(TimestampMixin, VersionedMixin, ArchivableMixin, db.Model):
    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("events.id", ondelete="SET NULL"),
                                                 index=True)
    location: Mapped[str | None] = mapped_column(sa.String(200))
    summary: Mapped[str] = mapped_column(sa.Text)
    outcome: Mapped[MeetingOutcome] = mapped_column(
        enum_column(MeetingOutcome, "meeting_outcome"), default=MeetingOutcome.NEUTRAL)
    logged_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    event: Mapped[Event | None] = relationship()
    logged_by: Mapped["User | None"] = relationship()  # noqa: F821
    organizations: Mapped[list[Organization]] = relationship(
        secondary=meeting_organizations, order_by=Organization.name)
    people: Mapped[list[Person]] = relationship(secondary=meeting_people, order_by=Person.full_name)
    projects: Mapped[list[Project]] = relationship(secondary=meeting_projects, order_by=Project.title)
    follow_ups: Mapped[list[FollowUp]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="FollowUp.id")

    __table_args__ = (live_index("ix_meetings_live_occurred_at", "occurred_at", "id"),
                      archived_index("meetings"))

    @property
    def display_name(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.summary[:60]}"

    def __repr__(self) -> str:
        return f"<Meeting {self.id} {self.occurred_at:%Y-%m-%d %H:%M}>"


class FollowUp(db.Model):
    __tablename__ = "follow_ups"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"),
                                            index=True)
    description: Mapped[str] = mapped_column(sa.String(500))
    owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"),
                                                 index=True)
    due_date: Mapped[date | None]
    done: Mapped[bool] = mapped_column(default=False)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    meeting: Mapped[Meeting] = relationship(back_populates="follow_ups")
    owner: Mapped["User | None"] = relationship()  # noqa: F821

    # "My follow-ups": the open ones by due date, those done lately by when.
    __table_args__ = (sa.Index("ix_follow_ups_owner_open_due", "owner_id", "done", "due_date"),
                      sa.Index("ix_follow_ups_owner_done_at", "owner_id", "done", "done_at"))

    def __repr__(self) -> str:
        return f"<FollowUp {self.id} done={self.done}>"

"""The meeting log of one event: every meeting held there, day by day."""
from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer
from sqlalchemy.orm import joinedload, selectinload

from crm.extensions import db
from crm.models import Event, FollowUp, Meeting
from crm.pdf import SANS_BOLD, Column, Line, PDFDocument, TextCell, data_table, facts_table
from crm.formatting import (format_date, format_day, format_time, or_dash,
                                with_local_name)
from crm.pdf.styles import MUTED
from crm.reference import country_name, label
from crm.text import download_stem


class EventMeetingLogPDF(PDFDocument):
    """Every meeting at one event that the viewer may see, grouped by day (in UTC, the
    time zone meetings are stored in), with who took part, the projects discussed, the
    outcome, the summary and the follow-ups."""

    def __init__(self, event: Event, **kwargs) -> None:
        super().__init__(**kwargs)
        self.event = event
        self.meetings = list(db.session.scalars(
            sa.select(Meeting).where(Meeting.event_id == event.id)
            .options(selectinload(Meeting.people), selectinload(Meeting.organizations),
                     selectinload(Meeting.projects),
                     selectinload(Meeting.follow_ups).joinedload(FollowUp.owner),
                     joinedload(Meeting.logged_by))
            .order_by(Meeting.occurred_at, Meeting.id)))

    def title(self) -> str:
        return _("Meeting log · %(event)s", event=self.event.label)

    def subject(self) -> str:
        return _("Meetings at %(event)s", event=self.event.label)

    def filename(self) -> str:
        name = download_stem(self.event.label) or f"event-{self.event.id}"
        return f"{name}-meetings.pdf"

    def story(self) -> list[Flowable]:
        return self.opening() + self.days()

    def opening(self) -> list[Flowable]:
        event, s = self.event, self.styles
        story: list[Flowable] = [self.paragraph(_("Meeting log"), s.subtitle),
                                 self.paragraph(event.label, s.title), Spacer(1, 2 * mm)]
        dates = format_date(event.start_date)
        if event.end_date and event.end_date != event.start_date:
            dates = f"{dates} – {format_date(event.end_date)}"
        place = ", ".join(p for p in (event.city, country_name(event.country)) if p)
        facts = [(_("Dates"), or_dash(dates)), (_("Place"), or_dash(place)),
                 (_("Venue"), or_dash(event.venue)),
                 (_("Meetings"), str(len(self.meetings)))]
        story.append(facts_table(facts, self.frame_width, 38 * mm))
        return story

    def days(self) -> list[Flowable]:
        if not self.meetings:
            return [*self.section(_("Meetings")),
                    self.nothing_recorded(_("No meetings recorded at this event."))]
        by_day: dict[date, list[Meeting]] = defaultdict(list)
        for meeting in self.meetings:
            by_day[meeting.occurred_at.astimezone(UTC).date()].append(meeting)
        story: list[Flowable] = []
        for day, meetings in by_day.items():
            story += self.section(
                f"{format_day(day)} · " + ngettext("%(num)d meeting", "%(num)d meetings",
                                                   len(meetings)),
                data_table(self.columns(), [self.row(m) for m in meetings]))
        return story

    def columns(self) -> list[Column]:
        width = self.frame_width
        return [Column(_("Time and place"), width * 0.17), Column(_("Who"), width * 0.27),
                Column(_("Projects"), width * 0.17), Column(_("Outcome"), width * 0.11),
                Column(_("Summary and follow-ups"), width * 0.28)]

    def row(self, meeting: Meeting) -> list:
        when = [Line(format_time(meeting.occurred_at), SANS_BOLD)]
        if meeting.location:
            when.append(Line(meeting.location, color=MUTED))
        who = [Line(with_local_name(p.full_name, p.local_name)) for p in meeting.people]
        who += [Line(with_local_name(o.name, o.local_name), color=MUTED)
                for o in meeting.organizations]
        projects = [Line(p.title if not p.original_title or p.original_title == p.title
                         else f"{p.title} ({p.original_title})") for p in meeting.projects]
        summary = [Line(meeting.summary)]
        for follow_up in meeting.follow_ups:
            summary.append(Line(self.describe_follow_up(follow_up), color=MUTED))
        if meeting.logged_by:
            summary.append(Line(_("Logged by %(name)s", name=meeting.logged_by.name),
                                color=MUTED))
        return [TextCell(when), TextCell(who) if who else "—",
                TextCell(projects) if projects else "—", label(meeting.outcome),
                TextCell(summary)]

    @staticmethod
    def describe_follow_up(follow_up: FollowUp) -> str:
        parts = [follow_up.description]
        if follow_up.owner:
            parts.append(follow_up.owner.name)
        if follow_up.due_date:
            parts.append(_("due %(date)s", date=format_date(follow_up.due_date)))
        state = _("Done") if follow_up.done else _("Open")
        return _("Follow-up (%(state)s): %(details)s", state=state, details=" · ".join(parts))

"""The memorandum summary: one memorandum, its parties, its project and how it got here."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer
from sqlalchemy.orm import joinedload, selectinload

from crm.extensions import db
from crm.models import (Meeting, Memorandum, MemorandumParty, Organization, Project, ProjectParty,
                        StageChange, meeting_organizations, meeting_projects)
from crm.pdf import Column, PDFDocument, data_table, facts_table
from crm.formatting import (format_date, format_datetime, format_money, format_share,
                                or_dash, with_local_name)
from crm.reference import label
from crm.text import download_stem


class MemorandumSummaryPDF(PDFDocument):
    """Everything a board room needs about one memorandum, on a few A4 pages.

    Related meetings are the meetings that discussed the memorandum's project, plus the
    meetings at the memorandum's event with at least one of its parties (the signing
    itself is often logged that way, without the project). Like every query, they are
    limited to what the viewer may see; so are the project and its stage history.
    """

    def __init__(self, memorandum: Memorandum, **kwargs) -> None:
        super().__init__(**kwargs)
        self.memorandum = self._load(memorandum.id)

    # --- data ---------------------------------------------------------------------------

    @staticmethod
    def _load(memorandum_id: int) -> Memorandum:
        return db.session.scalars(
            sa.select(Memorandum).where(Memorandum.id == memorandum_id).options(
                selectinload(Memorandum.parties).options(
                    joinedload(MemorandumParty.organization).lazyload(Organization.aliases),
                    joinedload(MemorandumParty.signatory)),
                selectinload(Memorandum.terms),
                joinedload(Memorandum.event))
        ).one()

    def project(self) -> Project | None:
        """The linked project, if the viewer may see it (loaded by a query of its own so
        that the access rules apply)."""
        if self.memorandum.project_id is None:
            return None
        return db.session.scalars(
            sa.select(Project).where(Project.id == self.memorandum.project_id).options(
                joinedload(Project.stage),
                selectinload(Project.parties).joinedload(ProjectParty.organization)
                .lazyload(Organization.aliases))
        ).first()

    def related_meetings(self) -> list[Meeting]:
        memo = self.memorandum
        conditions = []
        if memo.project_id is not None:
            conditions.append(Meeting.id.in_(
                sa.select(meeting_projects.c.meeting_id)
                .where(meeting_projects.c.project_id == memo.project_id)))
        party_ids = [party.organization_id for party in memo.parties]
        if memo.event_id is not None and party_ids:
            conditions.append(sa.and_(
                Meeting.event_id == memo.event_id,
                Meeting.id.in_(sa.select(meeting_organizations.c.meeting_id).where(
                    meeting_organizations.c.organization_id.in_(party_ids)))))
        if not conditions:
            return []
        return list(db.session.scalars(
            sa.select(Meeting).where(sa.or_(*conditions))
            .options(joinedload(Meeting.event), selectinload(Meeting.people),
                     selectinload(Meeting.organizations).lazyload(Organization.aliases))
            .order_by(Meeting.occurred_at, Meeting.id)))

    def stage_history(self, project: Project) -> list[StageChange]:
        return list(db.session.scalars(
            sa.select(StageChange).where(StageChange.project_id == project.id)
            .options(joinedload(StageChange.from_stage), joinedload(StageChange.to_stage),
                     joinedload(StageChange.changed_by))
            .order_by(StageChange.changed_at, StageChange.id)))

    # --- document -----------------------------------------------------------------------

    def title(self) -> str:
        return _("Memorandum summary · %(reference)s", reference=self.memorandum.reference)

    def subject(self) -> str:
        return self.memorandum.title

    def filename(self) -> str:
        reference = (download_stem(self.memorandum.reference)
                     or f"memorandum-{self.memorandum.id}")
        return f"{reference}-summary.pdf"

    def story(self) -> list[Flowable]:
        project = self.project()
        story = self.opening()
        story += self.parties_section()
        story += self.project_section(project)
        story += self.terms_section()
        story += self.meetings_section()
        story += self.history_section(project)
        return story

    # --- sections -----------------------------------------------------------------------

    def opening(self) -> list[Flowable]:
        memo, s = self.memorandum, self.styles
        story: list[Flowable] = [
            self.paragraph(memo.reference, s.subtitle),
            self.paragraph(memo.title, s.title),
            Spacer(1, 2 * mm),
        ]
        facts = [
            (_("Kind"), label(memo.kind)),
            (_("Status"), label(memo.status)),
            (_("Signed on"), or_dash(format_date(memo.signed_on))),
            (_("Signed at"), or_dash(memo.signed_place)),
            (_("Event"), or_dash(memo.event.label if memo.event else None)),
            (_("Effective from"), or_dash(format_date(memo.effective_from))),
            (_("Expires on"), or_dash(format_date(memo.expires_on))),
        ]
        story.append(facts_table(facts, self.frame_width, 38 * mm))
        if memo.summary:
            story += self.section(_("Summary"), space_needed=20 * mm)
            story.append(self.paragraph(memo.summary))
        return story

    def parties_section(self) -> list[Flowable]:
        title = _("Parties")
        if not self.memorandum.parties:
            return [*self.section(title), self.nothing_recorded(_("No parties recorded."))]
        rows = []
        for party in self.memorandum.parties:
            org, signatory = party.organization, party.signatory
            signatory_text = ""
            if signatory:
                signatory_text = with_local_name(signatory.full_name, signatory.local_name)
                if signatory.position:
                    signatory_text += "\n" + signatory.position
            rows.append([with_local_name(org.name, org.local_name),
                         party.role or "", or_dash(signatory_text)])
        width = self.frame_width
        columns = [Column(_("Organization"), width * 0.42), Column(_("Role"), width * 0.22),
                   Column(_("Signatory"), width * 0.36)]
        return self.section(title, data_table(columns, rows))

    def project_section(self, project: Project | None) -> list[Flowable]:
        title = _("Project")
        if project is None:
            return [*self.section(title),
                    self.nothing_recorded(_("No project is linked to this memorandum."))]
        name = project.title
        if project.original_title and project.original_title != project.title:
            name = f"{project.title} ({project.original_title})"
        facts = [
            (_("Title"), name),
            (_("Stage"), project.stage.label),
            (_("Status"), label(project.status)),
            (_("Format"), label(project.format)),
        ]
        if project.budget_amount is not None:
            facts.append((_("Budget"), format_money(project.budget_amount,
                                                    project.budget_currency)))
        if project.next_step:
            due = format_date(project.next_step_due)
            facts.append((_("Next step"), f"{project.next_step} ({_('due %(date)s', date=due)})"
                          if due else project.next_step))
        story = self.section(title, facts_table(facts, self.frame_width, 38 * mm))
        parties_title = _("Parties to the project")
        if not project.parties:
            return [*story, *self.subheading(parties_title),
                    self.nothing_recorded(_("No parties recorded."))]
        width = self.frame_width
        columns = [Column(_("Organization"), width * 0.55), Column(_("Role"), width * 0.3),
                   Column(_("Share"), width * 0.15, align="RIGHT")]
        rows = [[with_local_name(p.organization.name, p.organization.local_name),
                 label(p.role), or_dash(format_share(p.share_percent))]
                for p in project.parties]
        return [*story, *self.subheading(parties_title, data_table(columns, rows))]

    def terms_section(self) -> list[Flowable]:
        story: list[Flowable] = self.section(_("Terms"))
        if not self.memorandum.terms:
            return story + [self.nothing_recorded(_("No terms recorded."))]
        for number, term in enumerate(self.memorandum.terms, start=1):
            story += self.subheading(f"{number}. {term.heading}")
            story.append(self.paragraph(term.text))
        return story

    def meetings_section(self) -> list[Flowable]:
        title = _("Related meetings")
        meetings = self.related_meetings()
        if not meetings:
            return [*self.section(title), self.nothing_recorded(_("No meetings recorded."))]
        width = self.frame_width
        columns = [Column(_("When and where"), width * 0.24), Column(_("With"), width * 0.3),
                   Column(_("Outcome"), width * 0.12), Column(_("Summary"), width * 0.34)]
        rows = []
        for meeting in meetings:
            where = [format_datetime(meeting.occurred_at)]
            where += [text for text in (meeting.event.label if meeting.event else None,
                                        meeting.location) if text]
            who = [with_local_name(p.full_name, p.local_name) for p in meeting.people]
            who += [with_local_name(o.name, o.local_name) for o in meeting.organizations]
            rows.append(["\n".join(where), or_dash("\n".join(who)), label(meeting.outcome),
                         meeting.summary])
        return self.section(title, data_table(columns, rows))

    def history_section(self, project: Project | None) -> list[Flowable]:
        title = _("Stage history")
        changes = self.stage_history(project) if project else []
        if not changes:
            return [*self.section(title), self.nothing_recorded(_("No stage changes recorded."))]
        width = self.frame_width
        columns = [Column(_("When"), width * 0.24), Column(_("From"), width * 0.16),
                   Column(_("To"), width * 0.16), Column(_("By"), width * 0.16),
                   Column(_("Note"), width * 0.28)]
        rows = [[format_datetime(c.changed_at),
                 or_dash(c.from_stage.label if c.from_stage else None), c.to_stage.label,
                 or_dash(c.changed_by.name if c.changed_by else None), c.note or ""]
                for c in changes]
        return self.section(title, data_table(columns, rows))

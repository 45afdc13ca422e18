"""The pipeline report: the projects the board shows, stage by stage, with a chart."""
from __future__ import annotations

import math
from collections import defaultdict

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Spacer

from crm import access
from crm.extensions import db
from crm.models import Event, Organization, PipelineStage, Project, ProjectParty
from crm.pdf import (CJK, SANS, SANS_BOLD, Column, Line, PDFDocument, TextCell, data_table,
                     has_cjk)
from crm.formatting import format_date, format_number, format_share, with_local_name
from crm.pdf.styles import ACCENT, INK, MUTED, RULE
from crm.pipeline.services import PipelineFilters, filtered_projects, ordered_stages
from crm.reference import country_name, label

CHART_ROW = 15  # points per stage in the chart
CHART_LABEL_SIZE = 8


DEFAULT_MAX_PROJECTS = 1_500


class ReportTooLarge(Exception):
    """More projects than one document holds: the user narrows the filters instead."""

    def __init__(self, count: int, limit: int):
        self.count, self.limit = count, limit
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return _("This report would list %(count)s projects; one document holds at most "
                 "%(limit)s. Narrow it with the filters (stage, status, country, "
                 "organization) and download it again.",
                 count=format_number(self.count), limit=format_number(self.limit))


def check_report_size(filters: PipelineFilters) -> None:
    """Refuse a report of more than CRM_REPORT_MAX_PROJECTS projects (1,500): at festival
    scale an unfiltered report of 10,000 projects took 8 s and left its worker at 250 MB.
    One count query, with the same filters and visibility as the report."""
    limit = current_app.config.get("CRM_REPORT_MAX_PROJECTS", DEFAULT_MAX_PROJECTS)
    count = db.session.scalar(filtered_projects(filters, sa.select(sa.func.count(Project.id))))
    if count > limit:
        raise ReportTooLarge(count, limit)


class PipelineReportPDF(PDFDocument):
    """Every project the viewer may see that matches the board's filters, grouped by
    stage in stage order, with its parties and shares and its next step.

    The projects come in one statement and their parties in another, as rows (no query
    per row); cells are plain strings except where the CJK font is needed, which keeps
    1,000 projects well under the 1.5 s the SPEC allows.
    """

    def __init__(self, filters: PipelineFilters, **kwargs) -> None:
        super().__init__(**kwargs)
        self.filters = filters
        check_report_size(filters)
        self.stages: list[PipelineStage] = ordered_stages()
        # Rows, not ORM objects: building a thousand projects with their parties and
        # organizations cost more than laying out their table.
        projects = db.session.execute(
            filtered_projects(filters, sa.select(
                Project.id, Project.title, Project.original_title, Project.stage_id,
                Project.status, Project.next_step, Project.next_step_due))
            .order_by(Project.title, Project.id)).all()
        self.parties: dict[int, list[sa.Row]] = defaultdict(list)
        if projects:
            # The parties name their organization even once it is archived (the deal stands).
            for party in db.session.execute(
                    sa.select(ProjectParty.project_id, ProjectParty.role,
                              ProjectParty.share_percent, Organization.name,
                              Organization.local_name)
                    .join(Organization, Organization.id == ProjectParty.organization_id)
                    .where(ProjectParty.project_id.in_([p.id for p in projects]))
                    .order_by(ProjectParty.id).execution_options(include_archived=True)):
                self.parties[party.project_id].append(party)
        self.projects_by_stage: dict[int, list[sa.Row]] = defaultdict(list)
        for project in projects:
            self.projects_by_stage[project.stage_id].append(project)
        self.total = len(projects)

    def title(self) -> str:
        return _("Pipeline report")

    def subject(self) -> str:
        return _("Co-production projects by pipeline stage")

    def filename(self) -> str:
        return f"pipeline-report-{self.generated_at:%Y-%m-%d}.pdf"

    def story(self) -> list[Flowable]:
        story = self.opening()
        story.append(self.chart())
        story += self.stage_sections()
        return story

    # --- opening ------------------------------------------------------------------------

    def filter_descriptions(self) -> list[str]:
        """The filters in words, as the board would show them."""
        f, described = self.filters, []
        if f.organization_id:
            org = db.session.get(Organization, f.organization_id)
            name = with_local_name(org.name, org.local_name) if org else f"#{f.organization_id}"
            described.append(_("Organization: %(name)s", name=name))
        elif f.organization:  # typed in the filter: any party whose name contains it
            described.append(_("Organization: %(name)s", name=f"“{f.organization}”"))
        if f.country:
            described.append(_("Country: %(name)s", name=country_name(f.country)))
        if f.event_id:
            event = db.session.get(Event, f.event_id)
            described.append(_("Event: %(name)s", name=event.label if event else f"#{f.event_id}"))
        if f.status:
            described.append(_("Status: %(status)s", status=label(f.status)))
        if f.q:
            described.append(_("Search: “%(q)s”", q=f.q))
        return described

    def scope_description(self) -> str | None:
        """Whose projects these are, when the viewer sees only some."""
        viewer = access.current_viewer()
        if viewer.sees_everything or viewer.organization_id is None:
            return None
        org = db.session.get(Organization, viewer.organization_id)
        name = with_local_name(org.name, org.local_name) if org else ""
        return _("Only the projects %(organization)s is party to.", organization=name)

    def opening(self) -> list[Flowable]:
        s = self.styles
        story: list[Flowable] = [self.paragraph(_("Pipeline report"), s.title)]
        filters = self.filter_descriptions()
        story.append(self.paragraph(
            _("Filters: %(filters)s", filters="; ".join(filters)) if filters
            else _("Filters: none (all projects)"), s.subtitle))
        scope = self.scope_description()
        if scope:
            story.append(self.paragraph(scope, s.muted))
        stages_used = sum(1 for stage in self.stages if self.projects_by_stage.get(stage.id))
        story.append(self.paragraph(
            ngettext("%(num)d project", "%(num)d projects", self.total) + " · " +
            ngettext("%(num)d stage", "%(num)d stages", stages_used), s.body))
        story.append(Spacer(1, 2 * mm))
        return story

    def chart(self) -> Drawing:
        """Projects per stage as horizontal bars, first stage at the top."""
        width = self.frame_width
        names = [_shorten(stage.label, 44 * mm) for stage in self.stages]
        counts = [len(self.projects_by_stage.get(stage.id, ())) for stage in self.stages]
        label_width = min(max((stringWidth(n, SANS, CHART_LABEL_SIZE) for n in names),
                              default=0) + 8, 46 * mm)
        plot_height = CHART_ROW * max(len(self.stages), 1)
        drawing = Drawing(width, plot_height + 26)
        # The drawing's own initial font, which would otherwise be Helvetica (not embedded).
        drawing.initialFontName, drawing.initialFontSize = SANS, CHART_LABEL_SIZE

        chart = HorizontalBarChart()
        chart.x, chart.y = label_width, 16
        chart.width, chart.height = width - label_width - 24, plot_height
        chart.data = [counts or [0]]
        chart.barWidth = CHART_ROW * 0.6
        chart.groupSpacing = CHART_ROW * 0.4
        chart.bars[0].fillColor = ACCENT
        chart.bars[0].strokeColor = None
        chart.barLabelFormat = "%d"
        chart.barLabels.fontName = SANS
        chart.barLabels.fontSize = CHART_LABEL_SIZE
        chart.barLabels.fillColor = INK
        chart.barLabels.boxAnchor = "w"
        chart.barLabels.dx = 3

        axis = chart.categoryAxis
        axis.categoryNames = names or [""]
        axis.reverseDirection = 1
        axis.strokeColor = MUTED
        axis.labels.fontName = SANS
        axis.labels.fontSize = CHART_LABEL_SIZE
        axis.labels.fillColor = INK
        axis.labels.boxAnchor = "e"
        axis.labels.dx = -4
        for index, name in enumerate(names):
            if has_cjk(name):  # a chart label has one font: the CJK one also draws Latin
                axis.labels[index].fontName = CJK

        top = max(counts, default=0)
        step = max(1, math.ceil(top / 5))
        values = chart.valueAxis
        values.valueMin = 0
        values.valueMax = max(step * math.ceil(top / step), step)
        values.valueStep = step
        values.labelTextFormat = "%d"
        values.labels.fontName = SANS
        values.labels.fontSize = CHART_LABEL_SIZE - 0.5
        values.labels.fillColor = MUTED
        values.strokeColor = MUTED
        values.visibleGrid = 1
        values.gridStrokeColor = RULE
        values.gridStrokeWidth = 0.4
        drawing.add(chart)
        return drawing

    # --- stages -------------------------------------------------------------------------

    def columns(self) -> list[Column]:
        # Status and Due fit "Completed" and "30 Sept 2018" on one line, and "Мәртебесі"
        # (Kazakh's "Status") too.
        width = self.frame_width
        return [Column(_("Project"), width * 0.21), Column(_("Parties and shares"), width * 0.29),
                Column(_("Status"), width * 0.14), Column(_("Next step"), width * 0.22),
                Column(_("Due"), width * 0.14)]

    def row(self, project: sa.Row) -> list:
        title = [Line(project.title, SANS_BOLD)]
        if project.original_title and project.original_title != project.title:
            title.append(Line(project.original_title, color=MUTED))
        parties = []
        for party in self.parties.get(project.id, ()):
            parties.append(Line(with_local_name(party.name, party.local_name)))
            role = label(party.role)
            if party.share_percent is not None:
                role += f" · {format_share(party.share_percent)}"
            parties.append(Line(role, color=MUTED))
        return [TextCell(title), TextCell(parties), label(project.status),
                project.next_step or "", format_date(project.next_step_due)]

    def stage_sections(self) -> list[Flowable]:
        story: list[Flowable] = []
        if not self.total:
            return [self.nothing_recorded(_("No projects match these filters."))]
        for stage in self.stages:
            projects = self.projects_by_stage.get(stage.id)
            if not projects:
                continue
            story += self.section(
                f"{stage.label} · "
                + ngettext("%(num)d project", "%(num)d projects", len(projects)),
                data_table(self.columns(), [self.row(p) for p in projects], long=True))
        return story


def _shorten(text: str, width: float) -> str:
    font = CJK if has_cjk(text) else SANS
    if stringWidth(text, font, CHART_LABEL_SIZE) <= width:
        return text
    while text and stringWidth(text + "…", font, CHART_LABEL_SIZE) > width:
        text = text[:-1]
    return text.rstrip() + "…"

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.extensions import db
from crm.i18n import current_language
from crm.models.base import (ArchivableMixin, SearchableMixin, TimestampMixin, UTCDateTime,
                             VersionedMixin, archived_index, enum_column, live_index, utcnow)
from crm.models.events import Event
from crm.models.organizations import Organization
from crm.models.people import Person

# The stages a new database starts with (the migration seeds the same list).
# (key, English, Russian, Kazakh): stage names are data that admins edit, in each language.
DEFAULT_STAGES = (
    ("lead", "Lead", "Лид", "Лид"),
    ("contacted", "Contacted", "Контакт установлен", "Байланыс орнатылды"),
    ("negotiating", "Negotiating", "Переговоры", "Келіссөздер"),
    ("mou_signed", "MoU signed", "Меморандум подписан", "Меморандумға қол қойылды"),
    ("development", "Development", "Разработка", "Әзірлеу"),
    ("financing", "Financing", "Финансирование", "Қаржыландыру"),
    ("pre_production", "Pre-production", "Подготовительный период", "Дайындық кезеңі"),
    ("shooting", "Shooting", "Съёмки", "Түсірілім"),
    ("post_production", "Post-production", "Постпродакшн", "Постпродакшн"),
    ("delivered", "Delivered", "Сдан", "Тапсырылды"),
)
STAGE_KEYS = tuple(stage[0] for stage in DEFAULT_STAGES)


class ProjectFormat(enum.StrEnum):
    FEATURE = "feature"
    DOCUMENTARY = "documentary"
    SHORT = "short"
    SERIES = "series"
    ANIMATION = "animation"


class ProjectStatus(enum.StrEnum):
    ACTIVE = "active"
    ON_HOLD = "on_hold"
    DROPPED = "dropped"
    COMPLETED = "completed"


class PartyRole(enum.StrEnum):
    MAJORITY_COPRODUCER = "majority_coproducer"
    MINORITY_COPRODUCER = "minority_coproducer"
    COPRODUCER = "coproducer"
    FINANCIER = "financier"
    DISTRIBUTOR = "distributor"
    SALES_AGENT = "sales_agent"


class CreditRole(enum.StrEnum):
    DIRECTOR = "director"
    PRODUCER = "producer"
    EXECUTIVE_PRODUCER = "executive_producer"
    WRITER = "writer"
    COMPOSER = "composer"
    CINEMATOGRAPHER = "cinematographer"
    ACTOR = "actor"
    OTHER = "other"


class PipelineStage(VersionedMixin, db.Model):
    """A column of the pipeline board; admins rename, reorder and extend them."""

    __tablename__ = "pipeline_stages"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(80))  # in English; also the API's `name`
    name_ru: Mapped[str | None] = mapped_column(sa.String(80))  # none: the English name
    name_kk: Mapped[str | None] = mapped_column(sa.String(80))
    position: Mapped[int] = mapped_column(index=True)

    __table_args__ = (sa.CheckConstraint("key <> ''", name="key_not_empty"),)

    def name_in(self, language: str) -> str:
        translated = getattr(self, f"name_{language}") if language in ("ru", "kk") else None
        return translated or self.name

    @property
    def label(self) -> str:
        """The name in the reader's language."""
        return self.name_in(current_language())

    def __repr__(self) -> str:
        return f"<PipelineStage {self.key}>"


def stage_name(stage=None) -> sa.ColumnElement[str]:
    """The stage's name in the reader's language, as a column of a query: the language
    is a parameter read when the statement runs, so a statement built once serves every
    language (`stage`: an alias of PipelineStage, if the query has several)."""
    stage = stage if stage is not None else PipelineStage
    language = sa.bindparam("stage_language", callable_=current_language, type_=sa.String,
                            unique=True)
    return sa.case((language == "ru", sa.func.coalesce(stage.name_ru, stage.name)),
                   (language == "kk", sa.func.coalesce(stage.name_kk, stage.name)),
                   else_=stage.name)


class Project(TimestampMixin, VersionedMixin, ArchivableMixin, SearchableMixin, db.Model):
    """A co-production deal."""

    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    original_title: Mapped[str | None] = mapped_column(sa.String(200))
    logline: Mapped[str | None] = mapped_column(sa.Text)
    format: Mapped[ProjectFormat] = mapped_column(enum_column(ProjectFormat, "project_format"))
    genre: Mapped[str | None] = mapped_column(sa.String(80))
    stage_id: Mapped[int] = mapped_column(sa.ForeignKey("pipeline_stages.id"), index=True)
    status: Mapped[ProjectStatus] = mapped_column(
        enum_column(ProjectStatus, "project_status"), default=ProjectStatus.ACTIVE, index=True)
    budget_amount: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 2))
    budget_currency: Mapped[str | None] = mapped_column(sa.String(3))
    origin_event_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("events.id", ondelete="SET NULL"), index=True)
    next_step: Mapped[str | None] = mapped_column(sa.String(500))
    next_step_due: Mapped[date | None]
    notes: Mapped[str | None] = mapped_column(sa.Text)
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    stage: Mapped[PipelineStage] = relationship()
    origin_event: Mapped[Event | None] = relationship()
    parties: Mapped[list[ProjectParty]] = relationship(
        back_populates="project", cascade="all, delete-orphan", order_by="ProjectParty.id")
    people: Mapped[list[ProjectPerson]] = relationship(
        back_populates="project", cascade="all, delete-orphan", order_by="ProjectPerson.id")
    stage_changes: Mapped[list[StageChange]] = relationship(
        back_populates="project", cascade="all, delete-orphan",
        order_by="StageChange.changed_at.desc()")

    __table_args__ = (
        sa.CheckConstraint("budget_amount IS NULL OR budget_amount >= 0", name="budget_not_negative"),
        sa.CheckConstraint("budget_amount IS NULL OR budget_currency IS NOT NULL",
                           name="budget_has_currency"),
        sa.CheckConstraint("length(budget_currency) = 3", name="currency_code"),
        # the projects list (by title), the board's columns and the report (by activity)
        live_index("ix_projects_live_title", "title", "id"),
        live_index("ix_projects_live_stage_activity", "stage_id", "last_activity_at", "id"),
        live_index("ix_projects_live_status_activity", "status", "last_activity_at"),
        live_index("ix_projects_live_stage_status", "stage_id", "status"),  # stage counts
        archived_index("projects"),
    )

    @property
    def display_name(self) -> str:
        return self.title

    def search_terms(self):
        return [self.title, self.original_title]

    def __repr__(self) -> str:
        return f"<Project {self.id} {self.title!r}>"


class ProjectParty(db.Model):
    """An organization's part in a project, with its share of the financing."""

    __tablename__ = "project_parties"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"))
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="RESTRICT"))
    role: Mapped[PartyRole] = mapped_column(enum_column(PartyRole, "party_role"))
    share_percent: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 2))

    project: Mapped[Project] = relationship(back_populates="parties")
    organization: Mapped[Organization] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("project_id", "organization_id"),
        # An organization's projects (its page, an executive's visibility, the board's
        # country filter) read from the index alone.
        sa.Index("ix_project_parties_organization_project", "organization_id", "project_id"),
        sa.CheckConstraint("share_percent IS NULL OR (share_percent > 0 AND share_percent <= 100)",
                           name="share_range"),
    )

    def __repr__(self) -> str:
        return f"<ProjectParty {self.project_id}:{self.organization_id} {self.role}>"


class ProjectPerson(db.Model):
    __tablename__ = "project_people"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(
        sa.ForeignKey("people.id", ondelete="RESTRICT"), index=True)
    role: Mapped[CreditRole] = mapped_column(enum_column(CreditRole, "credit_role"))

    project: Mapped[Project] = relationship(back_populates="people")
    person: Mapped[Person] = relationship()

    __table_args__ = (sa.UniqueConstraint("project_id", "person_id", "role"),)

    def __repr__(self) -> str:
        return f"<ProjectPerson {self.project_id}:{self.person_id} {self.role}>"


class StageChange(db.Model):
    """One move of a project between pipeline stages, kept for ever."""

    __tablename__ = "stage_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    from_stage_id: Mapped[int | None] = mapped_column(sa.ForeignKey("pipeline_stages.id"))
    to_stage_id: Mapped[int] = mapped_column(sa.ForeignKey("pipeline_stages.id"))
    changed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    note: Mapped[str | None] = mapped_column(sa.Text)

    project: Mapped[Project] = relationship(back_populates="stage_changes")
    from_stage: Mapped[PipelineStage | None] = relationship(foreign_keys=[from_stage_id])
    to_stage: Mapped[PipelineStage] = relationship(foreign_keys=[to_stage_id])
    changed_by: Mapped["User | None"] = relationship()  # noqa: F821

    def __repr__(self) -> str:
        return f"<StageChange {self.project_id} {self.from_stage_id}->{self.to_stage_id}>"

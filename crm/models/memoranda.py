from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.extensions import db
from crm.models.base import (ArchivableMixin, SearchableMixin, TimestampMixin, UTCDateTime,
                             VersionedMixin, archived_index, enum_column, live_index, utcnow)
from crm.models.events import Event
from crm.models.organizations import Organization
from crm.models.people import Person
from crm.models.projects import Project


class MemorandumKind(enum.StrEnum):
    MEMORANDUM = "memorandum"
    DEAL_MEMO = "deal_memo"
    LETTER_OF_INTENT = "letter_of_intent"
    COPRODUCTION_AGREEMENT = "coproduction_agreement"


class MemorandumStatus(enum.StrEnum):
    DRAFT = "draft"
    NEGOTIATING = "negotiating"
    SIGNED = "signed"
    EXPIRED = "expired"
    TERMINATED = "terminated"


class Memorandum(TimestampMixin, VersionedMixin, ArchivableMixin, SearchableMixin, db.Model):
    __tablename__ = "memoranda"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(sa.String(40), unique=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    kind: Mapped[MemorandumKind] = mapped_column(enum_column(MemorandumKind, "memorandum_kind"))
    status: Mapped[MemorandumStatus] = mapped_column(
        enum_column(MemorandumStatus, "memorandum_status"), default=MemorandumStatus.DRAFT)
    project_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("projects.id", ondelete="SET NULL"), index=True)
    signed_on: Mapped[date | None]
    signed_place: Mapped[str | None] = mapped_column(sa.String(200))
    event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("events.id", ondelete="SET NULL"),
                                                 index=True)
    effective_from: Mapped[date | None]
    expires_on: Mapped[date | None] = mapped_column(index=True)
    summary: Mapped[str | None] = mapped_column(sa.Text)

    project: Mapped[Project | None] = relationship()
    event: Mapped[Event | None] = relationship()
    parties: Mapped[list[MemorandumParty]] = relationship(
        back_populates="memorandum", cascade="all, delete-orphan", order_by="MemorandumParty.id")
    terms: Mapped[list[MemorandumTerm]] = relationship(
        back_populates="memorandum", cascade="all, delete-orphan",
        order_by="MemorandumTerm.position")
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="memorandum", cascade="all, delete-orphan", order_by="Attachment.id")

    __table_args__ = (
        sa.CheckConstraint("status <> 'signed' OR signed_on IS NOT NULL", name="signed_has_date"),
        sa.CheckConstraint("expires_on IS NULL OR effective_from IS NULL OR expires_on >= effective_from",
                           name="expiry_not_before_effect"),
        live_index("ix_memoranda_live_created_at", "created_at", "id"),
        archived_index("memoranda"),
    )

    @property
    def display_name(self) -> str:
        return f"{self.reference} {self.title}"

    def search_terms(self):
        return [self.reference, self.title]

    def __repr__(self) -> str:
        return f"<Memorandum {self.reference}>"


class MemorandumParty(db.Model):
    __tablename__ = "memorandum_parties"

    id: Mapped[int] = mapped_column(primary_key=True)
    memorandum_id: Mapped[int] = mapped_column(sa.ForeignKey("memoranda.id", ondelete="CASCADE"))
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="RESTRICT"), index=True)
    signatory_person_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("people.id", ondelete="SET NULL"))
    role: Mapped[str | None] = mapped_column(sa.String(80))

    memorandum: Mapped[Memorandum] = relationship(back_populates="parties")
    organization: Mapped[Organization] = relationship()
    signatory: Mapped[Person | None] = relationship()

    __table_args__ = (sa.UniqueConstraint("memorandum_id", "organization_id"),)

    def __repr__(self) -> str:
        return f"<MemorandumParty {self.memorandum_id}:{self.organization_id}>"


class MemorandumTerm(db.Model):
    """One clause of a memorandum, kept in order."""

    __tablename__ = "memorandum_terms"

    id: Mapped[int] = mapped_column(primary_key=True)
    memorandum_id: Mapped[int] = mapped_column(sa.ForeignKey("memoranda.id", ondelete="CASCADE"))
    position: Mapped[int]
    heading: Mapped[str] = mapped_column(sa.String(200))
    text: Mapped[str] = mapped_column(sa.Text)

    memorandum: Mapped[Memorandum] = relationship(back_populates="terms")

    __table_args__ = (sa.UniqueConstraint("memorandum_id", "position"),)

    def __repr__(self) -> str:
        return f"<MemorandumTerm {self.memorandum_id}#{self.position}>"


class Attachment(db.Model):
    """A file (the signed scan) stored on disk under a random key, never its own name."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    memorandum_id: Mapped[int] = mapped_column(
        sa.ForeignKey("memoranda.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    storage_key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    memorandum: Mapped[Memorandum] = relationship(back_populates="attachments")

    __table_args__ = (sa.CheckConstraint("size_bytes >= 0", name="size_not_negative"),)

    def __repr__(self) -> str:
        return f"<Attachment {self.id} {self.filename!r}>"

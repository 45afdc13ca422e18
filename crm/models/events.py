from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column

from crm.extensions import db
from crm.models.base import (ArchivableMixin, SearchableMixin, TimestampMixin, VersionedMixin,
                             archived_index)


class Event(TimestampMixin, VersionedMixin, ArchivableMixin, SearchableMixin, db.Model):
    """One edition of a festival or market (Festival de Cannes 2018)."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    edition: Mapped[int | None]
    city: Mapped[str | None] = mapped_column(sa.String(120))
    country: Mapped[str | None] = mapped_column(sa.String(2))
    start_date: Mapped[date | None] = mapped_column(index=True)
    end_date: Mapped[date | None]
    venue: Mapped[str | None] = mapped_column(sa.String(200))

    __table_args__ = (
        sa.CheckConstraint("end_date IS NULL OR start_date IS NULL OR end_date >= start_date",
                           name="end_not_before_start"),
        sa.CheckConstraint("edition IS NULL OR (edition >= 1900 AND edition <= 2200)",
                           name="edition_year"),
        sa.CheckConstraint("length(country) = 2", name="country_code"),
        sa.UniqueConstraint("name", "edition"),
        archived_index("events"),
    )

    @hybrid_property
    def label(self) -> str:
        return f"{self.name} {self.edition}" if self.edition else self.name

    @label.inplace.expression
    @classmethod
    def _label_expression(cls) -> sa.ColumnElement[str]:
        """The same in SQL, for pages that read columns rather than events."""
        return cls.name + sa.func.coalesce(" " + sa.cast(cls.edition, sa.String), "")

    @property
    def display_name(self) -> str:
        return self.label

    def search_terms(self):
        return [self.name, str(self.edition or ""), self.city, self.venue]

    def __repr__(self) -> str:
        return f"<Event {self.id} {self.label!r}>"

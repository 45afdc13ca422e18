from __future__ import annotations

import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.extensions import db
from crm.models.base import (ArchivableMixin, SearchableMixin, TimestampMixin, VersionedMixin,
                             archived_index, enum_column, live_index)
from crm.models.organizations import Organization


class PersonRole(enum.StrEnum):
    PRODUCER = "producer"
    DIRECTOR = "director"
    EXECUTIVE = "executive"
    WRITER = "writer"
    ACTOR = "actor"
    SALES = "sales"
    OTHER = "other"


class Person(TimestampMixin, VersionedMixin, ArchivableMixin, SearchableMixin, db.Model):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(sa.String(200))
    local_name: Mapped[str | None] = mapped_column(sa.String(200))
    position: Mapped[str | None] = mapped_column(sa.String(200))
    role: Mapped[PersonRole] = mapped_column(enum_column(PersonRole, "person_role"))
    organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="SET NULL"), index=True)
    country: Mapped[str | None] = mapped_column(sa.String(2), index=True)
    email: Mapped[str | None] = mapped_column(sa.String(254))
    phone: Mapped[str | None] = mapped_column(sa.String(50))
    notes: Mapped[str | None] = mapped_column(sa.Text)

    organization: Mapped[Organization | None] = relationship(back_populates="people")

    __table_args__ = (
        sa.CheckConstraint("length(country) = 2", name="country_code"),
        live_index("ix_people_live_full_name", "full_name", "id"),
        archived_index("people"),
    )

    @property
    def display_name(self) -> str:
        return self.full_name

    def search_terms(self):
        return [self.full_name, self.local_name, self.email]

    def __repr__(self) -> str:
        return f"<Person {self.id} {self.full_name!r}>"

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.extensions import db
from crm.models.base import (ArchivableMixin, SearchableMixin, TimestampMixin, VersionedMixin,
                             archived_index, enum_column)

if TYPE_CHECKING:
    from crm.models.people import Person


class OrganizationKind(enum.StrEnum):
    STUDIO = "studio"
    PRODUCTION_COMPANY = "production_company"
    DISTRIBUTOR = "distributor"
    SALES_AGENT = "sales_agent"
    BROADCASTER = "broadcaster"
    FUND = "fund"
    FESTIVAL = "festival"
    GOVERNMENT = "government"
    OTHER = "other"


class Organization(TimestampMixin, VersionedMixin, ArchivableMixin, SearchableMixin, db.Model):
    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    local_name: Mapped[str | None] = mapped_column(sa.String(200))
    kind: Mapped[OrganizationKind] = mapped_column(enum_column(OrganizationKind, "organization_kind"))
    country: Mapped[str | None] = mapped_column(sa.String(2), index=True)
    city: Mapped[str | None] = mapped_column(sa.String(120))
    website: Mapped[str | None] = mapped_column(sa.String(500))
    notes: Mapped[str | None] = mapped_column(sa.Text)

    aliases: Mapped[list[OrganizationAlias]] = relationship(
        back_populates="organization", cascade="all, delete-orphan",
        order_by="OrganizationAlias.name", lazy="selectin")
    people: Mapped[list[Person]] = relationship(back_populates="organization")

    __table_args__ = (
        sa.CheckConstraint("length(country) = 2", name="country_code"),
        archived_index("organizations"),
    )

    @property
    def display_name(self) -> str:
        return self.name

    def search_terms(self):
        return [self.name, self.local_name, *(a.name for a in self.aliases)]

    @property
    def alias_names(self) -> list[str]:
        return [a.name for a in self.aliases]

    def __repr__(self) -> str:
        return f"<Organization {self.id} {self.name!r}>"


class OrganizationAlias(db.Model):
    """Another spelling an organization is known and found by ("Kazakfilm", "Казахфильм")."""

    __tablename__ = "organization_aliases"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))

    organization: Mapped[Organization] = relationship(back_populates="aliases")

    __table_args__ = (sa.UniqueConstraint("organization_id", "name"),)

    def __repr__(self) -> str:
        return f"<OrganizationAlias {self.name!r}>"

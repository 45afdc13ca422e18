"""Shared column types and mixins for every model."""
from __future__ import annotations

import enum
import unicodedata
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, declared_attr, mapped_column
from sqlalchemy.types import TypeDecorator


MAX_ID = 2**31 - 1  # ids are 32-bit on PostgreSQL; SQLite refuses above 2**63


def parse_id(value) -> int | None:
    """A row id from untrusted text ('12' -> 12), or None for anything else."""
    text = str(value).strip() if value is not None else ""
    if text.isascii() and text.isdigit() and 0 < int(text) <= MAX_ID:
        return int(text)
    return None


def column_length(column) -> int:
    """The characters a String column holds, e.g. `column_length(Organization.name)`: the
    one source of the limits forms and API schemas check (the model)."""
    return column.property.columns[0].type.length


def utcnow() -> datetime:
    return datetime.now(UTC)


def nfc(value: str | None) -> str | None:
    return unicodedata.normalize("NFC", value) if isinstance(value, str) else value


def fold(value: str | None) -> str:
    """The form in which names are compared when searching: case- and width-insensitive,
    in every script (SQLite's own lower() only knows ASCII, so we fold in Python)."""
    return unicodedata.normalize("NFKC", value or "").casefold().strip()


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every database (SQLite stores them naive)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware datetime in UTC")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def live_index(name: str, *columns: str) -> sa.Index:
    """A partial index over the rows that are not archived (every list and board filters on
    `archived_at IS NULL`, and orders by these columns)."""
    where = sa.text("archived_at IS NULL")
    return sa.Index(name, *columns, sqlite_where=where, postgresql_where=where)


def archived_index(table: str) -> sa.Index:
    """A partial index over the archived rows alone, newest first: the archive page counts
    and pages them without reading the live ones (a few among a hundred thousand)."""
    where = sa.text("archived_at IS NOT NULL")
    return sa.Index(f"ix_{table}_archived", "archived_at", "id",
                    sqlite_where=where, postgresql_where=where)


def enum_column(enum_cls: type[enum.Enum], name: str, **kw) -> sa.Enum:
    """A portable enum: VARCHAR + CHECK constraint with the values (not the names)."""
    return sa.Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
        **kw,
    )


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class VersionedMixin:
    """Optimistic locking: every UPDATE checks and bumps `version`; a stale one fails."""

    version: Mapped[int] = mapped_column(nullable=False)

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.__table__.c.version}


class ArchivableMixin:
    """Soft delete: archived rows are hidden everywhere (see crm.access) but restorable."""

    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class SearchableMixin:
    """Keeps a folded copy of the names a row is found by (see crm.models.events)."""

    search_text: Mapped[str] = mapped_column(sa.Text, default="")

    def search_terms(self) -> list[str | None]:  # pragma: no cover - overridden
        raise NotImplementedError

    def refresh_search_text(self) -> None:
        self.search_text = "\n".join(fold(t) for t in self.search_terms() if t)

    @classmethod
    def criteria(cls, q: str | None = None, **equal) -> list[sa.ColumnElement[bool]]:
        """A list's filters as WHERE terms: the names contain `q` (in any script and case),
        and each named column equals its value; a filter left empty is not applied."""
        terms = [cls.search_text.contains(fold(q), autoescape=True)] if q else []
        return terms + [getattr(cls, name) == value for name, value in equal.items() if value]

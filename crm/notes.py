"""Meeting notes, searched through an index of their trigrams: "АЛТЫН" finds "алтын" and
"обсудили" finds "Обсудили", in every script, without reading every meeting's notes.

- SQLite: an FTS5 table with the trigram tokenizer over `meetings.summary` (external
  content: it stores the index, not a second copy of the notes), kept in step by triggers
  on `meetings`. Its MATCH folds case in every script (SQLite's LIKE folds only ASCII).
  A batch migration that rebuilds `meetings` drops its triggers: such a migration must
  create them again (their statements are in migration c1d2e3f4a5b6).
- PostgreSQL: a GIN index of pg_trgm's trigrams on `meetings.summary`, which ILIKE uses.

The index and the triggers are made by that migration, not by the models:
`outside_the_models` keeps Alembic's comparison of models and database from counting them.
Text of fewer than three characters has no trigram to look up: it is matched by scanning,
as before.
"""
from __future__ import annotations

import sqlalchemy as sa

from crm.extensions import db
from crm.models import Meeting

NOTES_TABLE = "meetings_notes"  # SQLite (and its shadow tables meetings_notes_*)
TRIGRAM_INDEX = "ix_meetings_summary_trgm"  # PostgreSQL
SHORTEST = 3


def outside_the_models(name: str | None, type_: str, _parent_names: dict) -> bool:
    """Alembic's `include_name`: False for the notes index's own objects."""
    if type_ == "table":
        return not (name or "").startswith(NOTES_TABLE)
    if type_ == "index":
        return name != TRIGRAM_INDEX
    return True


def notes_contain(text: str) -> sa.ColumnElement:
    """The criterion "the meeting's notes contain `text`, whatever its case", through the
    index when `text` is long enough to have trigrams."""
    if db.session.get_bind().dialect.name != "sqlite":
        return Meeting.summary.icontains(text, autoescape=True)
    if len(text) < SHORTEST:
        return Meeting.summary.contains(text, autoescape=True)
    phrase = '"' + text.replace('"', '""') + '"'
    return Meeting.id.in_(
        sa.select(sa.column("rowid")).select_from(sa.table(NOTES_TABLE))
        .where(sa.literal_column(NOTES_TABLE).op("MATCH")(phrase)))

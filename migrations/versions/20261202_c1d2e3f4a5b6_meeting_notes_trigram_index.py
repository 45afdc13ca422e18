"""meeting notes trigram index: search them in every script without reading them all

SQLite: an FTS5 table with the trigram tokenizer over meetings.summary (external content)
and the triggers that keep it in step; PostgreSQL: a GIN index of pg_trgm trigrams on
meetings.summary (the extension is created if missing: pg_trgm is trusted, a database
owner may; a downgrade leaves it, as other objects may use it). crm.notes searches through
them and tells Alembic's comparison of models and database to leave them alone. Searching notes for "АЛТЫН" at 100,000 meetings: 18 ms of
SQLite reading every note of the last year (and missing "алтын") -> an index look-up.

Revision ID: c1d2e3f4a5b6
Revises: 9a1b2c3d4e5f
Create Date: 2026-12-02 15:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c1d2e3f4a5b6'
down_revision = '9a1b2c3d4e5f'
branch_labels = None
depends_on = None

SQLITE_INDEX = (
    "CREATE VIRTUAL TABLE meetings_notes USING fts5(summary, content='meetings', "
    "content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER meetings_notes_insert AFTER INSERT ON meetings BEGIN "
    "INSERT INTO meetings_notes(rowid, summary) VALUES (new.id, new.summary); END",
    "CREATE TRIGGER meetings_notes_delete AFTER DELETE ON meetings BEGIN "
    "INSERT INTO meetings_notes(meetings_notes, rowid, summary) "
    "VALUES ('delete', old.id, old.summary); END",
    "CREATE TRIGGER meetings_notes_update AFTER UPDATE OF summary ON meetings BEGIN "
    "INSERT INTO meetings_notes(meetings_notes, rowid, summary) "
    "VALUES ('delete', old.id, old.summary); "
    "INSERT INTO meetings_notes(rowid, summary) VALUES (new.id, new.summary); END",
    "INSERT INTO meetings_notes(meetings_notes) VALUES ('rebuild')",
)
SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS meetings_notes_insert",
    "DROP TRIGGER IF EXISTS meetings_notes_delete",
    "DROP TRIGGER IF EXISTS meetings_notes_update",
    "DROP TABLE IF EXISTS meetings_notes",
)
POSTGRESQL_INDEX = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX ix_meetings_summary_trgm ON meetings USING gin (summary gin_trgm_ops)",
)
POSTGRESQL_DROP = ("DROP INDEX IF EXISTS ix_meetings_summary_trgm",)


def _run(statements):
    for statement in statements:
        op.execute(statement)


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        _run(SQLITE_INDEX)
    else:
        _run(POSTGRESQL_INDEX)


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        _run(SQLITE_DROP)
    else:
        _run(POSTGRESQL_DROP)

"""archived rows indexes: the archive page reads the archived rows alone

A partial index per archivable table over `archived_at IS NOT NULL` (archived_at, id): the
archive page counts each kind and pages through it, newest first, without reading the
live rows (1,060 archived meetings among 100,000 were a scan of them all).

Revision ID: 9a1b2c3d4e5f
Revises: 7c3d9e4f1a2b
Create Date: 2026-12-02 14:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9a1b2c3d4e5f'
down_revision = '7c3d9e4f1a2b'
branch_labels = None
depends_on = None

ARCHIVED = sa.text('archived_at IS NOT NULL')
TABLES = ('organizations', 'people', 'events', 'projects', 'memoranda', 'meetings')


def upgrade():
    for table in TABLES:
        op.create_index(f'ix_{table}_archived', table, ['archived_at', 'id'], unique=False,
                        sqlite_where=ARCHIVED, postgresql_where=ARCHIVED)


def downgrade():
    for table in TABLES:
        op.drop_index(f'ix_{table}_archived', table_name=table)

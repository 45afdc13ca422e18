"""performance indexes: the orders the lists, the board and the follow-ups page read in

Partial indexes over the rows that are not archived (every list filters on
`archived_at IS NULL`), so that a deep page of a list walks an index instead of sorting
the whole table (found with `make bench`, see README "Benchmark").

Revision ID: a44723272738
Revises: dbd44fa10240
Create Date: 2026-11-21 18:55:50.236025

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a44723272738'
down_revision = 'dbd44fa10240'
branch_labels = None
depends_on = None

LIVE = sa.text('archived_at IS NULL')

# (name, table, columns, partial: only rows not archived)
INDEXES = (
    ('ix_follow_ups_owner_open_due', 'follow_ups', ['owner_id', 'done', 'due_date'], False),
    ('ix_follow_ups_owner_done_at', 'follow_ups', ['owner_id', 'done', 'done_at'], False),
    ('ix_meetings_live_occurred_at', 'meetings', ['occurred_at', 'id'], True),
    ('ix_memoranda_live_created_at', 'memoranda', ['created_at', 'id'], True),
    ('ix_people_live_full_name', 'people', ['full_name', 'id'], True),
    ('ix_projects_live_stage_activity', 'projects', ['stage_id', 'last_activity_at', 'id'], True),
    ('ix_projects_live_status_activity', 'projects', ['status', 'last_activity_at'], True),
    ('ix_projects_live_title', 'projects', ['title', 'id'], True),
)


def upgrade():
    for name, table, columns, partial in INDEXES:
        where = {'sqlite_where': LIVE, 'postgresql_where': LIVE} if partial else {}
        op.create_index(name, table, columns, unique=False, **where)


def downgrade():
    for name, table, _columns, _partial in reversed(INDEXES):
        op.drop_index(name, table_name=table)

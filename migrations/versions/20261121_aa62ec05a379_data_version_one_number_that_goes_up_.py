"""data version: one number that goes up with every committed change (page cache)

crm.pagecache bumps the single row in every transaction that writes; a worker serves a
page it rendered only while the number is unchanged.

Revision ID: aa62ec05a379
Revises: a44723272738
Create Date: 2026-11-21 20:29:13.120940

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'aa62ec05a379'
down_revision = 'a44723272738'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('crm_data_version',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('n', sa.BigInteger(), server_default='0', nullable=False),
    sa.CheckConstraint('id = 1', name=op.f('ck_crm_data_version_single_row')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crm_data_version'))
    )
    op.execute("INSERT INTO crm_data_version (id, n) VALUES (1, 0)")


def downgrade():
    op.drop_table('crm_data_version')

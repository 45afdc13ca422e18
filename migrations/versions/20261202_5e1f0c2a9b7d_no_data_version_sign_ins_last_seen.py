"""no data version (the page cache is gone); sign-ins know when they were last used

`crm_data_version` was one row every writing transaction updated, for a per-worker page
cache that is no more. `sign_ins.last_seen_at` carries the idle timeout on the server, so
that neither a copied cookie nor a "remember me" cookie outlives it; existing sign-ins
start from when they were made.

Revision ID: 5e1f0c2a9b7d
Revises: 1c56b2d80fa3
Create Date: 2026-12-02 06:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e1f0c2a9b7d'
down_revision = '1c56b2d80fa3'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_table('crm_data_version')
    with op.batch_alter_table('sign_ins', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE sign_ins SET last_seen_at = created_at")
    with op.batch_alter_table('sign_ins', schema=None) as batch_op:
        batch_op.alter_column('last_seen_at', existing_type=sa.DateTime(timezone=True),
                              nullable=False)


def downgrade():
    with op.batch_alter_table('sign_ins', schema=None) as batch_op:
        batch_op.drop_column('last_seen_at')
    op.create_table('crm_data_version',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('n', sa.BigInteger(), server_default='0', nullable=False),
    sa.CheckConstraint('id = 1', name=op.f('ck_crm_data_version_single_row')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crm_data_version'))
    )
    op.execute("INSERT INTO crm_data_version (id, n) VALUES (1, 0)")

"""sign-ins: one per device, so that signing out on one ends only that one

Sessions made before this revision (whose cookie holds the user's session_token) are not
sign-ins: those users sign in again once.

Revision ID: 1c56b2d80fa3
Revises: aa62ec05a379
Create Date: 2026-11-21 21:24:34.804568

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1c56b2d80fa3'
down_revision = 'aa62ec05a379'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sign_ins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('generation', sa.String(length=64), nullable=False),
    sa.Column('user_agent', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_sign_ins_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_ins')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_sign_ins_token_hash'))
    )
    with op.batch_alter_table('sign_ins', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_ins_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_sign_ins_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('sign_ins', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_ins_user_id'))
        batch_op.drop_index(batch_op.f('ix_sign_ins_created_at'))

    op.drop_table('sign_ins')

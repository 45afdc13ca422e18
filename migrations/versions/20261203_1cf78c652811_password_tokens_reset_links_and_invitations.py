"""password tokens: the hashes of password-reset links and invitations

A row is one link that lets its holder set a user's password ("Forgot password?", or an
administrator's invitation). Only the SHA-256 of the link's secret is stored; the row is
deleted when the link is used or superseded.

Revision ID: 1cf78c652811
Revises: e3f4a5b6c7d8
Create Date: 2026-12-03 12:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '1cf78c652811'
down_revision = 'e3f4a5b6c7d8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('password_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.Enum('reset', 'invitation', name='password_token_purpose',
                                 native_enum=False, create_constraint=True, length=32),
              nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                            name=op.f('fk_password_tokens_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_password_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_password_tokens_token_hash'))
    )
    with op.batch_alter_table('password_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_password_tokens_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('password_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_password_tokens_user_id'))

    op.drop_table('password_tokens')

"""The issuer dashboard's sign-in sessions (gaoling.analytics.access).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03 09:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('an_dashboard_sessions',
    sa.Column('token_sha256', sa.String(length=64), nullable=False),
    sa.Column('message_sha256', sa.String(length=64), nullable=False),
    sa.Column('address', sa.String(length=42), nullable=False),
    sa.Column('chain_id', sa.BigInteger(), nullable=False),
    sa.Column('host', sa.String(length=255), nullable=False),
    sa.Column('created_at', sa.Float(), nullable=False),
    sa.Column('expires_at', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('token_sha256'),
    sa.UniqueConstraint('message_sha256')
    )
    with op.batch_alter_table('an_dashboard_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_an_dashboard_sessions_expires_at'), ['expires_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('an_dashboard_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_an_dashboard_sessions_expires_at'))

    op.drop_table('an_dashboard_sessions')

"""The crowdfunded-drop table (GaolingCrowdfund events): campaigns, tiers, pledges, refunds, claims, releases.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 01:49:43.915971
"""
from alembic import op
import sqlalchemy as sa
import gaoling.analytics.schema


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('an_crowdfund',
    sa.Column('chain_id', sa.BigInteger(), nullable=False),
    sa.Column('contract', sa.String(length=42), nullable=False),
    sa.Column('block_number', sa.BigInteger(), nullable=False),
    sa.Column('block_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cst_day', sa.Date(), nullable=False),
    sa.Column('tx_hash', sa.String(length=66), nullable=False),
    sa.Column('log_index', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.BigInteger(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('account', sa.String(length=42), nullable=True),
    sa.Column('to_addr', sa.String(length=42), nullable=True),
    sa.Column('tier', sa.BigInteger(), nullable=True),
    sa.Column('quantity', sa.BigInteger(), nullable=True),
    sa.Column('amount_wei', gaoling.analytics.schema.Wei(precision=78, scale=0), nullable=True),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.UniqueConstraint('chain_id', 'tx_hash', 'log_index', name='uq_an_crowdfund_log')
    )
    with op.batch_alter_table('an_crowdfund', schema=None) as batch_op:
        batch_op.create_index('ix_an_crowdfund_block', ['chain_id', 'block_number'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('an_crowdfund', schema=None) as batch_op:
        batch_op.drop_index('ix_an_crowdfund_block')

    op.drop_table('an_crowdfund')

"""The analytics tables: sales, auctions, transfers, split, fan economy, vouchers, other events, sync state.

Revision ID: 0001
Revises: 
Create Date: 2026-12-02 01:10:44.036901
"""
from alembic import op
import sqlalchemy as sa
import gaoling.analytics.schema
from gaoling.analytics.schema import CURRENT_HOLDERS_VIEW


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('an_artworks',
    sa.Column('chain_id', sa.BigInteger(), nullable=False),
    sa.Column('contract', sa.String(length=42), nullable=False),
    sa.Column('block_number', sa.BigInteger(), nullable=False),
    sa.Column('block_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cst_day', sa.Date(), nullable=False),
    sa.Column('tx_hash', sa.String(length=66), nullable=False),
    sa.Column('log_index', sa.Integer(), nullable=False),
    sa.Column('token_id', sa.BigInteger(), nullable=False),
    sa.Column('artist', sa.String(length=42), nullable=False),
    sa.Column('royalty_bps', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=66), nullable=False),
    sa.Column('cid', sa.Text(), nullable=False),
    sa.UniqueConstraint('chain_id', 'tx_hash', 'log_index', name='uq_an_artworks_log')
    )
    with op.batch_alter_table('an_artworks', schema=None) as batch_op:
        batch_op.create_index('ix_an_artworks_block', ['chain_id', 'block_number'], unique=False)

    op.create_table('an_auctions',
    sa.Column('chain_id', sa.BigInteger(), nullable=False),
    sa.Column('contract', sa.String(length=42), nullable=False),
    sa.Column('block_number', sa.BigInteger(), nullable=False),
    sa.Column('block_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cst_day', sa.Date(), nullable=False),
    sa.Column('tx_hash', sa.String(length=66), nullable=False),
    sa.Column('log_index', sa.Integer(), nullable=False),
    sa.Column('auction_id', sa.BigInteger(), nullable=False),
    sa.Column('nft', sa.String(length=42), nullable=False),
    sa.Column('token_id', sa.BigInteger(), nullable=False),
    sa.Column('seller', sa.String(length=42), nullable=False),
    sa.Column('reserve_wei', gaoling.analytics.schema.Wei(precision=78, scale=0), nullable=False),
    sa.Column('duration_s', sa.BigInteger(), nullable=False),
    sa.UniqueConstraint('chain_id', 'tx_hash', 'log_index', name='uq_an_auctions_log')
    )
    with op.batch_alter_table('an_auctions', schema=None) as batch_op:
        batch_op.create_index('ix_an_auctions_block', ['chain_id', 'block_number'], unique=False)

    op.create_table('an_bids',
    sa.Column('chain_id', sa.BigInteger(), nullable=False),
    sa.Column('contract', sa.String(length=42), nullable=False),
    sa.Column('block_number', sa.BigInteger(), nullable=False),
    sa.Column('block_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cst_day', sa.Date(), nullable=False),
    sa.Column('tx_hash', sa.String(length=66), nullable=False),
    sa.Column('log_index', sa.Integer(), nullable=False),
    sa.Column('auction_id', sa.BigInteger(), nullable=False),
    sa.Column('bidder', sa.String(length=42), nullable=False),
    sa.Column('amount_wei', gaoling.analytics.schema.Wei(precision=78, scale=0), nullable=False),
    sa.Column('end_time', sa.BigInteger(), nullable=False),
    sa.UniqueConstraint('chain_id', 'tx_hash', 'log_index', name='uq_an_bids_log')
    )
    with op.batch_alter_table('an_bids', schema=None) as batch_op:
        batch_op.create_index('ix_an_bids_block', ['chain_id', 'block_number'], unique=False)

    op.create_table('an_blocks',
    sa.Column('chain_id', sa.BigInteger(), nullable=False),
    sa.Column('number', sa.BigInteger(), nullable=False),
    sa.Column('hash', sa.String(length=66), nullable=False),
    sa.Column('timestamp', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('chain_id', 'number')
    )
    op.create_table('an_certificates',
    sa.Column('chain_id', sa.BigInteger(), nullable=False),
    sa.Column('contract', sa.String(length=42), nullable=False),
    sa.Column('block_number', sa.BigInteger(), nullable=False),
    sa.Column('block_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cst_day', sa.Date(), nullable=False),
    sa.Column('tx_hash', sa.String(length=66), nullable=False),
    sa.Column('log_index', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('holder', sa.String(length=42), nullable=False),
    sa.Column('token_id', sa.BigInteger(), nullable=False),
    sa.Column('quiz_version', sa.BigInteger(), nullable=True),
    sa.Column('score', sa.BigInteger(), nullable=True),
    sa.UniqueConstraint('chain_id', 'tx_hash', 'log_index', name='uq_an_certificates_log')
    )
    with op.batch_alter_table('an_certificates', schema=None) as batch_op:
        batch_op.create_index('ix_an_certificates_block', ['chain_id', 'block_number'], unique=False)

    op.create_table('an_check_ins',
    sa.Column('chain_id', sa.BigInteger(), nullable=False),
    sa.Column('contract', sa.String(length=42), nullable=False),
    sa.Column('block_number', sa.BigInteger(), nullable=False),
    sa.Column('block_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cst_day', sa.Date(), nullable=False),
    sa.Column('tx_hash', sa.String(length=66), nullable=False),
    sa.Column('log_index', sa.Integer(), nullable=False),
    sa.Column('member', sa.String(length=42), nullable=False),
    sa.Column('day', sa.BigInteger(), nullable=False),
    sa.Column('streak', sa.Integer(), nullable=False),
    sa.Column('points', sa.BigInteger(), nullable=False),
    sa.UniqueConstraint('chain_id', 'tx_hash', 'log_index', name='uq_an_check_ins_log')
    )
    with op.batch_alter_table('an_check_ins', schema=None) as batch_op:
        batch_op.create_index('ix_an_check_ins_block', ['chain_id', 'block_number'], unique=False)

    op.create_table('an_contracts',
    sa.Column('chain_id', sa.BigInteger(), nullable=False),
    sa.Column('address', sa.String(length=42), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('label', sa.String(length=128), nullable=False),
    sa.Column('start_block', sa.BigInteger(), nullable=False),
    sa.Column('next_block', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('chain_id', 'address')
    )
    op.create_table('an_coupons',
    sa.Column('chain_id', sa.BigInteger(), nullable=False),
    sa.Column('contract', sa.String(length=42), nullable=False),
    sa.Column('block_number', sa.BigInteger(), nullable=False),
    sa.Column('block_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cst_day', sa.Date(), nullable=False),
    sa.Column('tx_hash', sa.String(length=66), nullable=False),
    sa.Column('log_index', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('member', sa.String(length=42), nullable=False),
    sa.Column('glaze_id', sa.BigInteger(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('points', sa.BigInteger(), nullable=False),
    sa.Column('counterparty', sa.String(length=42), nullable=True),
    sa.UniqueConstraint('chain_id', 'tx_hash', 'log_index', name='uq_an_coupons_log')
    )
    with op.batch_alter_table('an_coupons', schema=None) as batch_op:
        batch_op.create_index('ix_an_coupons_block', ['chain_id', 'block_number'], unique=False)

    op.create_table('an_glazes',
    sa.Column('chain_id', sa.BigInteger(), nullable=False),
    sa.Column('contract', sa.String(length=42), nullable=False),
    sa.Column('block_number', sa.BigInteger(), nullable=False),
    sa.Column('block_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cst_day', sa.Date(), nullable=False),
    sa.Column('tx_hash', sa.String(length=66), nullable=False),
    sa.Column('log_index', sa.Integer(), nullable=False),
    sa.Column('glaze_id', sa.BigInteger(), nullable=False),
    sa.Column('name_zh', sa.Text(), nullable=True),
    sa.Column('name_en', sa.Text(), nullable=True),
    sa.Column('price', sa.BigInteger(), nullable=False),
    sa.Column('stock', sa.BigInteger(), nullable=False),
    sa.UniqueConstraint('chain_id', 'tx_hash', 'log_index', name='uq_an_glazes_log')
    )
    with op.batch_alter_table('an_glazes', schema=None) as batch_op:
        batch_op.create_index('ix_an_glazes_block', ['chain_id', 'block_number'], unique=False)

    op.create_table('an_other_events',
    sa.Column('chain_id', sa.BigInteger(), nullable=False),
    sa.Column('contract', sa.String(length=42), nullable=False),
    sa.Column('block_number', sa.BigInteger(), nullable=False),
    sa.Column('block_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cst_day', sa.Date(), nullable=False),
    sa.Column('tx_hash', sa.String(length=66), nullable=False),
    sa.Column('log_index', sa.Integer(), nullable=False),
    sa.Column('contract_name', sa.String(length=64), nullable=False),
    sa.Column('event', sa.String(length=64), nullable=False),
    sa.Column('args', sa.JSON(), nullable=False),
    sa.UniqueConstraint('chain_id', 'tx_hash', 'log_index', name='uq_an_other_events_log')
    )
    with op.batch_alter_table('an_other_events', schema=None) as batch_op:
        batch_op.create_index('ix_an_other_events_block', ['chain_id', 'block_number'], unique=False)

    op.create_table('an_points',
    sa.Column('chain_id', sa.BigInteger(), nullable=False),
    sa.Column('contract', sa.String(length=42), nullable=False),
    sa.Column('block_number', sa.BigInteger(), nullable=False),
    sa.Column('block_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cst_day', sa.Date(), nullable=False),
    sa.Column('tx_hash', sa.String(length=66), nullable=False),
    sa.Column('log_index', sa.Integer(), nullable=False),
    sa.Column('member', sa.String(length=42), nullable=False),
    sa.Column('delta', sa.BigInteger(), nullable=False),
    sa.Column('reason', sa.String(length=16), nullable=False),
    sa.Column('counterparty', sa.String(length=42), nullable=True),
    sa.UniqueConstraint('chain_id', 'tx_hash', 'log_index', name='uq_an_points_log')
    )
    with op.batch_alter_table('an_points', schema=None) as batch_op:
        batch_op.create_index('ix_an_points_block', ['chain_id', 'block_number'], unique=False)

    op.create_table('an_referrals',
    sa.Column('chain_id', sa.BigInteger(), nullable=False),
    sa.Column('contract', sa.String(length=42), nullable=False),
    sa.Column('block_number', sa.BigInteger(), nullable=False),
    sa.Column('block_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cst_day', sa.Date(), nullable=False),
    sa.Column('tx_hash', sa.String(length=66), nullable=False),
    sa.Column('log_index', sa.Integer(), nullable=False),
    sa.Column('member', sa.String(length=42), nullable=False),
    sa.Column('referrer', sa.String(length=42), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('points', sa.BigInteger(), nullable=False),
    sa.UniqueConstraint('chain_id', 'tx_hash', 'log_index', name='uq_an_referrals_log')
    )
    with op.batch_alter_table('an_referrals', schema=None) as batch_op:
        batch_op.create_index('ix_an_referrals_block', ['chain_id', 'block_number'], unique=False)

    op.create_table('an_sales',
    sa.Column('chain_id', sa.BigInteger(), nullable=False),
    sa.Column('contract', sa.String(length=42), nullable=False),
    sa.Column('block_number', sa.BigInteger(), nullable=False),
    sa.Column('block_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cst_day', sa.Date(), nullable=False),
    sa.Column('tx_hash', sa.String(length=66), nullable=False),
    sa.Column('log_index', sa.Integer(), nullable=False),
    sa.Column('buyer', sa.String(length=42), nullable=False),
    sa.Column('path', sa.String(length=16), nullable=False),
    sa.Column('first_token_id', sa.BigInteger(), nullable=False),
    sa.Column('quantity', sa.BigInteger(), nullable=False),
    sa.Column('paid_wei', gaoling.analytics.schema.Wei(precision=78, scale=0), nullable=False),
    sa.Column('order_nonce', sa.String(length=78), nullable=True),
    sa.UniqueConstraint('chain_id', 'tx_hash', 'log_index', name='uq_an_sales_log')
    )
    with op.batch_alter_table('an_sales', schema=None) as batch_op:
        batch_op.create_index('ix_an_sales_block', ['chain_id', 'block_number'], unique=False)

    op.create_table('an_settlements',
    sa.Column('chain_id', sa.BigInteger(), nullable=False),
    sa.Column('contract', sa.String(length=42), nullable=False),
    sa.Column('block_number', sa.BigInteger(), nullable=False),
    sa.Column('block_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cst_day', sa.Date(), nullable=False),
    sa.Column('tx_hash', sa.String(length=66), nullable=False),
    sa.Column('log_index', sa.Integer(), nullable=False),
    sa.Column('auction_id', sa.BigInteger(), nullable=False),
    sa.Column('winner', sa.String(length=42), nullable=False),
    sa.Column('seller', sa.String(length=42), nullable=False),
    sa.Column('price_wei', gaoling.analytics.schema.Wei(precision=78, scale=0), nullable=False),
    sa.Column('royalty_receiver', sa.String(length=42), nullable=False),
    sa.Column('royalty_wei', gaoling.analytics.schema.Wei(precision=78, scale=0), nullable=False),
    sa.Column('fee_wei', gaoling.analytics.schema.Wei(precision=78, scale=0), nullable=False),
    sa.Column('proceeds_wei', gaoling.analytics.schema.Wei(precision=78, scale=0), nullable=False),
    sa.UniqueConstraint('chain_id', 'tx_hash', 'log_index', name='uq_an_settlements_log')
    )
    with op.batch_alter_table('an_settlements', schema=None) as batch_op:
        batch_op.create_index('ix_an_settlements_block', ['chain_id', 'block_number'], unique=False)

    op.create_table('an_split_credits',
    sa.Column('chain_id', sa.BigInteger(), nullable=False),
    sa.Column('contract', sa.String(length=42), nullable=False),
    sa.Column('block_number', sa.BigInteger(), nullable=False),
    sa.Column('block_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cst_day', sa.Date(), nullable=False),
    sa.Column('tx_hash', sa.String(length=66), nullable=False),
    sa.Column('log_index', sa.Integer(), nullable=False),
    sa.Column('amount_wei', gaoling.analytics.schema.Wei(precision=78, scale=0), nullable=False),
    sa.UniqueConstraint('chain_id', 'tx_hash', 'log_index', name='uq_an_split_credits_log')
    )
    with op.batch_alter_table('an_split_credits', schema=None) as batch_op:
        batch_op.create_index('ix_an_split_credits_block', ['chain_id', 'block_number'], unique=False)

    op.create_table('an_split_payees',
    sa.Column('chain_id', sa.BigInteger(), nullable=False),
    sa.Column('contract', sa.String(length=42), nullable=False),
    sa.Column('block_number', sa.BigInteger(), nullable=False),
    sa.Column('block_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cst_day', sa.Date(), nullable=False),
    sa.Column('tx_hash', sa.String(length=66), nullable=False),
    sa.Column('log_index', sa.Integer(), nullable=False),
    sa.Column('payee', sa.String(length=42), nullable=False),
    sa.Column('bps', sa.Integer(), nullable=False),
    sa.UniqueConstraint('chain_id', 'tx_hash', 'log_index', name='uq_an_split_payees_log')
    )
    with op.batch_alter_table('an_split_payees', schema=None) as batch_op:
        batch_op.create_index('ix_an_split_payees_block', ['chain_id', 'block_number'], unique=False)

    op.create_table('an_split_releases',
    sa.Column('chain_id', sa.BigInteger(), nullable=False),
    sa.Column('contract', sa.String(length=42), nullable=False),
    sa.Column('block_number', sa.BigInteger(), nullable=False),
    sa.Column('block_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cst_day', sa.Date(), nullable=False),
    sa.Column('tx_hash', sa.String(length=66), nullable=False),
    sa.Column('log_index', sa.Integer(), nullable=False),
    sa.Column('payee', sa.String(length=42), nullable=False),
    sa.Column('amount_wei', gaoling.analytics.schema.Wei(precision=78, scale=0), nullable=False),
    sa.UniqueConstraint('chain_id', 'tx_hash', 'log_index', name='uq_an_split_releases_log')
    )
    with op.batch_alter_table('an_split_releases', schema=None) as batch_op:
        batch_op.create_index('ix_an_split_releases_block', ['chain_id', 'block_number'], unique=False)

    op.create_table('an_transfers',
    sa.Column('chain_id', sa.BigInteger(), nullable=False),
    sa.Column('contract', sa.String(length=42), nullable=False),
    sa.Column('block_number', sa.BigInteger(), nullable=False),
    sa.Column('block_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cst_day', sa.Date(), nullable=False),
    sa.Column('tx_hash', sa.String(length=66), nullable=False),
    sa.Column('log_index', sa.Integer(), nullable=False),
    sa.Column('token_id', sa.BigInteger(), nullable=False),
    sa.Column('from_addr', sa.String(length=42), nullable=False),
    sa.Column('to_addr', sa.String(length=42), nullable=False),
    sa.UniqueConstraint('chain_id', 'tx_hash', 'log_index', name='uq_an_transfers_log')
    )
    with op.batch_alter_table('an_transfers', schema=None) as batch_op:
        batch_op.create_index('ix_an_transfers_block', ['chain_id', 'block_number'], unique=False)
        batch_op.create_index('ix_an_transfers_token', ['chain_id', 'contract', 'token_id'], unique=False)

    op.create_table('an_voucher_states',
    sa.Column('chain_id', sa.BigInteger(), nullable=False),
    sa.Column('contract', sa.String(length=42), nullable=False),
    sa.Column('block_number', sa.BigInteger(), nullable=False),
    sa.Column('block_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cst_day', sa.Date(), nullable=False),
    sa.Column('tx_hash', sa.String(length=66), nullable=False),
    sa.Column('log_index', sa.Integer(), nullable=False),
    sa.Column('voucher_id', sa.BigInteger(), nullable=False),
    sa.Column('from_state', sa.String(length=16), nullable=False),
    sa.Column('to_state', sa.String(length=16), nullable=False),
    sa.UniqueConstraint('chain_id', 'tx_hash', 'log_index', name='uq_an_voucher_states_log')
    )
    with op.batch_alter_table('an_voucher_states', schema=None) as batch_op:
        batch_op.create_index('ix_an_voucher_states_block', ['chain_id', 'block_number'], unique=False)

    op.create_table('an_voucher_steps',
    sa.Column('chain_id', sa.BigInteger(), nullable=False),
    sa.Column('contract', sa.String(length=42), nullable=False),
    sa.Column('block_number', sa.BigInteger(), nullable=False),
    sa.Column('block_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cst_day', sa.Date(), nullable=False),
    sa.Column('tx_hash', sa.String(length=66), nullable=False),
    sa.Column('log_index', sa.Integer(), nullable=False),
    sa.Column('voucher_id', sa.BigInteger(), nullable=False),
    sa.Column('step', sa.String(length=16), nullable=False),
    sa.Column('kiln_batch_id', sa.BigInteger(), nullable=True),
    sa.Column('glaze_id', sa.BigInteger(), nullable=True),
    sa.Column('actor', sa.String(length=42), nullable=True),
    sa.Column('amount_wei', gaoling.analytics.schema.Wei(precision=78, scale=0), nullable=True),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.UniqueConstraint('chain_id', 'tx_hash', 'log_index', name='uq_an_voucher_steps_log')
    )
    with op.batch_alter_table('an_voucher_steps', schema=None) as batch_op:
        batch_op.create_index('ix_an_voucher_steps_block', ['chain_id', 'block_number'], unique=False)

    op.create_table('an_vouchers',
    sa.Column('chain_id', sa.BigInteger(), nullable=False),
    sa.Column('contract', sa.String(length=42), nullable=False),
    sa.Column('block_number', sa.BigInteger(), nullable=False),
    sa.Column('block_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cst_day', sa.Date(), nullable=False),
    sa.Column('tx_hash', sa.String(length=66), nullable=False),
    sa.Column('log_index', sa.Integer(), nullable=False),
    sa.Column('voucher_id', sa.BigInteger(), nullable=False),
    sa.Column('buyer', sa.String(length=42), nullable=False),
    sa.Column('collection', sa.String(length=42), nullable=False),
    sa.Column('source_token_id', sa.BigInteger(), nullable=False),
    sa.Column('price_wei', gaoling.analytics.schema.Wei(precision=78, scale=0), nullable=False),
    sa.UniqueConstraint('chain_id', 'tx_hash', 'log_index', name='uq_an_vouchers_log')
    )
    with op.batch_alter_table('an_vouchers', schema=None) as batch_op:
        batch_op.create_index('ix_an_vouchers_block', ['chain_id', 'block_number'], unique=False)

    op.execute(CURRENT_HOLDERS_VIEW)


def downgrade() -> None:
    op.execute("DROP VIEW an_current_holders")
    with op.batch_alter_table('an_vouchers', schema=None) as batch_op:
        batch_op.drop_index('ix_an_vouchers_block')

    op.drop_table('an_vouchers')
    with op.batch_alter_table('an_voucher_steps', schema=None) as batch_op:
        batch_op.drop_index('ix_an_voucher_steps_block')

    op.drop_table('an_voucher_steps')
    with op.batch_alter_table('an_voucher_states', schema=None) as batch_op:
        batch_op.drop_index('ix_an_voucher_states_block')

    op.drop_table('an_voucher_states')
    with op.batch_alter_table('an_transfers', schema=None) as batch_op:
        batch_op.drop_index('ix_an_transfers_token')
        batch_op.drop_index('ix_an_transfers_block')

    op.drop_table('an_transfers')
    with op.batch_alter_table('an_split_releases', schema=None) as batch_op:
        batch_op.drop_index('ix_an_split_releases_block')

    op.drop_table('an_split_releases')
    with op.batch_alter_table('an_split_payees', schema=None) as batch_op:
        batch_op.drop_index('ix_an_split_payees_block')

    op.drop_table('an_split_payees')
    with op.batch_alter_table('an_split_credits', schema=None) as batch_op:
        batch_op.drop_index('ix_an_split_credits_block')

    op.drop_table('an_split_credits')
    with op.batch_alter_table('an_settlements', schema=None) as batch_op:
        batch_op.drop_index('ix_an_settlements_block')

    op.drop_table('an_settlements')
    with op.batch_alter_table('an_sales', schema=None) as batch_op:
        batch_op.drop_index('ix_an_sales_block')

    op.drop_table('an_sales')
    with op.batch_alter_table('an_referrals', schema=None) as batch_op:
        batch_op.drop_index('ix_an_referrals_block')

    op.drop_table('an_referrals')
    with op.batch_alter_table('an_points', schema=None) as batch_op:
        batch_op.drop_index('ix_an_points_block')

    op.drop_table('an_points')
    with op.batch_alter_table('an_other_events', schema=None) as batch_op:
        batch_op.drop_index('ix_an_other_events_block')

    op.drop_table('an_other_events')
    with op.batch_alter_table('an_glazes', schema=None) as batch_op:
        batch_op.drop_index('ix_an_glazes_block')

    op.drop_table('an_glazes')
    with op.batch_alter_table('an_coupons', schema=None) as batch_op:
        batch_op.drop_index('ix_an_coupons_block')

    op.drop_table('an_coupons')
    op.drop_table('an_contracts')
    with op.batch_alter_table('an_check_ins', schema=None) as batch_op:
        batch_op.drop_index('ix_an_check_ins_block')

    op.drop_table('an_check_ins')
    with op.batch_alter_table('an_certificates', schema=None) as batch_op:
        batch_op.drop_index('ix_an_certificates_block')

    op.drop_table('an_certificates')
    op.drop_table('an_blocks')
    with op.batch_alter_table('an_bids', schema=None) as batch_op:
        batch_op.drop_index('ix_an_bids_block')

    op.drop_table('an_bids')
    with op.batch_alter_table('an_auctions', schema=None) as batch_op:
        batch_op.drop_index('ix_an_auctions_block')

    op.drop_table('an_auctions')
    with op.batch_alter_table('an_artworks', schema=None) as batch_op:
        batch_op.drop_index('ix_an_artworks_block')

    op.drop_table('an_artworks')

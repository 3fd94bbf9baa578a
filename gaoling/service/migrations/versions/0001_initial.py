"""The service's first schema: relayed messages, batches and their transactions, sender nonces,
leases, quiz attempts with per-member cooldowns, and shipping records.

Revision ID: 0001
Revises:
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "service_messages",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("chain_id", sa.BigInteger, nullable=False),
        sa.Column("contract", sa.String(42), nullable=False),
        sa.Column("member", sa.String(42), nullable=False),
        sa.Column("dedupe", sa.String(80), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("batch_id", sa.Integer, nullable=True),
        sa.Column("tx_hash", sa.String(66), nullable=True),
        sa.Column("reason", sa.Text, nullable=True),
        sa.Column("result", sa.Text, nullable=True),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("updated_at", sa.Float, nullable=False),
        sa.UniqueConstraint("kind", "chain_id", "contract", "member", "dedupe", name="uq_service_messages_once"),
    )
    op.create_index("ix_service_messages_queue", "service_messages", ["kind", "status", "created_at"])
    op.create_index("ix_service_messages_batch", "service_messages", ["batch_id"])
    op.create_index("ix_service_messages_member", "service_messages", ["member"])
    op.create_table(
        "service_relay_batches",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("sender", sa.String(42), nullable=False),
        sa.Column("nonce", sa.BigInteger, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("call", sa.Text, nullable=False),
        sa.Column("gas_used", sa.BigInteger, nullable=True),
        sa.Column("fee_wei", sa.Numeric(78, 0), nullable=True),
        sa.Column("tx_hash", sa.String(66), nullable=True),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("updated_at", sa.Float, nullable=False),
        sa.UniqueConstraint("sender", "nonce", name="uq_service_relay_batches_nonce"),
    )
    op.create_index("ix_service_relay_batches_status", "service_relay_batches", ["status"])
    op.create_table(
        "service_relay_txs",
        sa.Column("tx_hash", sa.String(66), primary_key=True),
        sa.Column("batch_id", sa.Integer, nullable=False, index=True),
        sa.Column("raw", sa.Text, nullable=False),
        sa.Column("max_fee", sa.Numeric(78, 0), nullable=False),
        sa.Column("priority_fee", sa.Numeric(78, 0), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
    )
    op.create_table(
        "service_senders",
        sa.Column("address", sa.String(42), primary_key=True),
        sa.Column("chain_id", sa.BigInteger, nullable=False),
        sa.Column("next_nonce", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "service_leases",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("holder", sa.String(64), nullable=False),
        sa.Column("expires_at", sa.Float, nullable=False),
    )
    op.create_table(
        "quiz_attempts",
        sa.Column("attempt_id", sa.String(64), primary_key=True),
        sa.Column("holder", sa.String(42), nullable=False, index=True),
        sa.Column("started_at", sa.BigInteger, nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("finished_at", sa.BigInteger, nullable=True),
        sa.Column("outcome", sa.Text, nullable=True),
    )
    op.create_table(
        "quiz_cooldowns",
        sa.Column("holder", sa.String(42), primary_key=True),
        sa.Column("last_started_at", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "shipping_records",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("voucher_id", sa.BigInteger, nullable=False, index=True),
        sa.Column("commitment", sa.String(66), nullable=False, unique=True),
        sa.Column("sealed", sa.LargeBinary, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("confirmed_at", sa.Float, nullable=True),
    )


def downgrade() -> None:
    for table in ("shipping_records", "quiz_cooldowns", "quiz_attempts", "service_leases", "service_senders",
                  "service_relay_txs", "service_relay_batches", "service_messages"):
        op.drop_table(table)

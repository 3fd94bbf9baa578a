"""The service's tables (SQLAlchemy 2 Core). The schema itself is created by the Alembic migrations
in gaoling/service/migrations; this module only names the tables for queries.

A relayed message (check-in, coupon exchange, certificate mint) lives in `messages` and moves
    queued -> sent (batch, tx hash) -> confirmed | rejected (reason)
A `relay_batches` row is one nonce of one sender; every signed transaction for that nonce (the first
one and any fee-bumped replacement) is a `relay_txs` row written BEFORE it is broadcast, so after a
crash the relayer can always ask the chain what became of it.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

messages = sa.Table(
    "service_messages", metadata,
    sa.Column("id", sa.String(32), primary_key=True),          # tracking id (hex)
    sa.Column("kind", sa.String(16), nullable=False),           # checkin | exchange | certificate
    sa.Column("chain_id", sa.BigInteger, nullable=False),
    sa.Column("contract", sa.String(42), nullable=False),
    sa.Column("member", sa.String(42), nullable=False),
    sa.Column("dedupe", sa.String(80), nullable=False),         # day for check-ins, nonce for exchanges
    sa.Column("payload", sa.Text, nullable=False),              # the signed message as JSON
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("batch_id", sa.Integer, nullable=True),
    sa.Column("tx_hash", sa.String(66), nullable=True),
    sa.Column("reason", sa.Text, nullable=True),
    sa.Column("result", sa.Text, nullable=True),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("updated_at", sa.Float, nullable=False),
    sa.UniqueConstraint("kind", "chain_id", "contract", "member", "dedupe", name="uq_service_messages_once"),
)

relay_batches = sa.Table(
    "service_relay_batches", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("sender", sa.String(42), nullable=False),
    sa.Column("nonce", sa.BigInteger, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),         # signed | confirmed | failed | voided | cancelled
    sa.Column("call", sa.Text, nullable=False),                 # JSON: method and arguments, for re-signing
    sa.Column("gas_used", sa.BigInteger, nullable=True),
    sa.Column("fee_wei", sa.Numeric(78, 0), nullable=True),
    sa.Column("tx_hash", sa.String(66), nullable=True),         # the transaction that was mined
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("updated_at", sa.Float, nullable=False),
    sa.UniqueConstraint("sender", "nonce", name="uq_service_relay_batches_nonce"),
)

relay_txs = sa.Table(
    "service_relay_txs", metadata,
    sa.Column("tx_hash", sa.String(66), primary_key=True),
    sa.Column("batch_id", sa.Integer, nullable=False),
    sa.Column("raw", sa.Text, nullable=False),
    sa.Column("max_fee", sa.Numeric(78, 0), nullable=False),
    sa.Column("priority_fee", sa.Numeric(78, 0), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
)

senders = sa.Table(
    "service_senders", metadata,
    sa.Column("address", sa.String(42), primary_key=True),
    sa.Column("chain_id", sa.BigInteger, nullable=False),
    sa.Column("next_nonce", sa.BigInteger, nullable=False),
)

leases = sa.Table(
    "service_leases", metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("holder", sa.String(64), nullable=False),
    sa.Column("expires_at", sa.Float, nullable=False),
)

siwe_nonces = sa.Table(
    "service_siwe_nonces", metadata,
    sa.Column("nonce", sa.String(64), primary_key=True),
    sa.Column("issued_at", sa.Float, nullable=False),
    sa.Column("expires_at", sa.Float, nullable=False, index=True),
)

quiz_attempts = sa.Table(
    "quiz_attempts", metadata,
    sa.Column("attempt_id", sa.String(64), primary_key=True),
    sa.Column("holder", sa.String(42), nullable=False, index=True),
    sa.Column("started_at", sa.BigInteger, nullable=False),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("finished_at", sa.BigInteger, nullable=True),
    sa.Column("outcome", sa.Text, nullable=True),
)

quiz_cooldowns = sa.Table(
    "quiz_cooldowns", metadata,
    sa.Column("holder", sa.String(42), primary_key=True),
    sa.Column("last_started_at", sa.BigInteger, nullable=False),
)

shipping_records = sa.Table(
    "shipping_records", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("voucher_id", sa.BigInteger, nullable=False, index=True),
    sa.Column("commitment", sa.String(66), nullable=False, unique=True),
    sa.Column("sealed", sa.LargeBinary, nullable=False),
    sa.Column("state", sa.String(16), nullable=False),          # pending | confirmed | superseded
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("confirmed_at", sa.Float, nullable=True),
)

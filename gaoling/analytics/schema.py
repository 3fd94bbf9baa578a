"""The analytics tables (SQLAlchemy Core). Migrations in `gaoling/analytics/migrations` create them.

Every event table has the same provenance columns (`chain_id`, `contract`, `block_number`,
`block_time` in UTC, `cst_day` - the China Standard Time calendar day -, `tx_hash`, `log_index`) and
is unique on (chain_id, tx_hash, log_index): inserting the same log twice is a no-op, so any re-run
of a sync is idempotent. Amounts in wei are exact integers (`Wei`: NUMERIC(78,0) on PostgreSQL, a
decimal string on SQLite, whose integers stop at 2**63).

Derived state that depends on order (who holds a token now) is a view over the event tables, so a
rollback of blocks after a reorg only ever deletes rows.
"""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator

metadata = sa.MetaData()


class Wei(TypeDecorator):
    """An unsigned 256-bit amount as a Python int, stored exactly on both databases."""

    impl = sa.Numeric(78, 0)
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(sa.String(80))
        return dialect.type_descriptor(sa.Numeric(78, 0))

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return str(int(value)) if dialect.name == "sqlite" else Decimal(int(value))

    def process_result_value(self, value, dialect):
        return None if value is None else int(value)


def _provenance() -> list[sa.Column]:
    return [
        sa.Column("chain_id", sa.BigInteger, nullable=False),
        sa.Column("contract", sa.String(42), nullable=False),
        sa.Column("block_number", sa.BigInteger, nullable=False),
        sa.Column("block_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cst_day", sa.Date, nullable=False),
        sa.Column("tx_hash", sa.String(66), nullable=False),
        sa.Column("log_index", sa.Integer, nullable=False),
    ]


def event_table(name: str, *columns: sa.Column) -> sa.Table:
    return sa.Table(
        name, metadata, *_provenance(), *columns,
        sa.UniqueConstraint("chain_id", "tx_hash", "log_index", name=f"uq_{name}_log"),
        sa.Index(f"ix_{name}_block", "chain_id", "block_number"),
    )


ADDR = sa.String(42)

# ---------------------------------------------------------------- sales and auctions
sales = event_table(
    "an_sales",
    sa.Column("buyer", ADDR, nullable=False),
    sa.Column("path", sa.String(16), nullable=False),  # allowlist | public | fiat
    sa.Column("first_token_id", sa.BigInteger, nullable=False),
    sa.Column("quantity", sa.BigInteger, nullable=False),
    sa.Column("paid_wei", Wei, nullable=False),
    sa.Column("order_nonce", sa.String(78)),
)
auctions = event_table(
    "an_auctions",
    sa.Column("auction_id", sa.BigInteger, nullable=False),
    sa.Column("nft", ADDR, nullable=False),
    sa.Column("token_id", sa.BigInteger, nullable=False),
    sa.Column("seller", ADDR, nullable=False),
    sa.Column("reserve_wei", Wei, nullable=False),
    sa.Column("duration_s", sa.BigInteger, nullable=False),
)
bids = event_table(
    "an_bids",
    sa.Column("auction_id", sa.BigInteger, nullable=False),
    sa.Column("bidder", ADDR, nullable=False),
    sa.Column("amount_wei", Wei, nullable=False),
    sa.Column("end_time", sa.BigInteger, nullable=False),
)
settlements = event_table(
    "an_settlements",
    sa.Column("auction_id", sa.BigInteger, nullable=False),
    sa.Column("winner", ADDR, nullable=False),
    sa.Column("seller", ADDR, nullable=False),
    sa.Column("price_wei", Wei, nullable=False),
    sa.Column("royalty_receiver", ADDR, nullable=False),
    sa.Column("royalty_wei", Wei, nullable=False),
    sa.Column("fee_wei", Wei, nullable=False),
    sa.Column("proceeds_wei", Wei, nullable=False),
)
artworks = event_table(
    "an_artworks",
    sa.Column("token_id", sa.BigInteger, nullable=False),
    sa.Column("artist", ADDR, nullable=False),
    sa.Column("royalty_bps", sa.Integer, nullable=False),
    sa.Column("content_hash", sa.String(66), nullable=False),
    sa.Column("cid", sa.Text, nullable=False),
)

# ---------------------------------------------------------------- tokens
transfers = event_table(
    "an_transfers",
    sa.Column("token_id", sa.BigInteger, nullable=False),
    sa.Column("from_addr", ADDR, nullable=False),
    sa.Column("to_addr", ADDR, nullable=False),
)
sa.Index("ix_an_transfers_token", transfers.c.chain_id, transfers.c.contract, transfers.c.token_id)

# ---------------------------------------------------------------- split
split_payees = event_table(
    "an_split_payees", sa.Column("payee", ADDR, nullable=False), sa.Column("bps", sa.Integer, nullable=False))
split_credits = event_table("an_split_credits", sa.Column("amount_wei", Wei, nullable=False))
split_releases = event_table(
    "an_split_releases", sa.Column("payee", ADDR, nullable=False), sa.Column("amount_wei", Wei, nullable=False))

# ---------------------------------------------------------------- fans
points = event_table(
    "an_points",
    sa.Column("member", ADDR, nullable=False),
    sa.Column("delta", sa.BigInteger, nullable=False),  # credits > 0, spends < 0
    sa.Column("reason", sa.String(16), nullable=False),  # check_in | purchase | referral | spend
    sa.Column("counterparty", ADDR),  # the recorder, referee or spender
)
check_ins = event_table(
    "an_check_ins",
    sa.Column("member", ADDR, nullable=False),
    sa.Column("day", sa.BigInteger, nullable=False),  # the ledger's CST day number
    sa.Column("streak", sa.Integer, nullable=False),
    sa.Column("points", sa.BigInteger, nullable=False),
)
referrals = event_table(
    "an_referrals",
    sa.Column("member", ADDR, nullable=False),
    sa.Column("referrer", ADDR, nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),  # set | rewarded | capped
    sa.Column("points", sa.BigInteger, nullable=False),
)
coupons = event_table(
    "an_coupons",
    sa.Column("kind", sa.String(16), nullable=False),  # exchanged | consumed | restored
    sa.Column("member", ADDR, nullable=False),
    sa.Column("glaze_id", sa.BigInteger, nullable=False),
    sa.Column("amount", sa.BigInteger, nullable=False),
    sa.Column("points", sa.BigInteger, nullable=False),
    sa.Column("counterparty", ADDR),
)
glazes = event_table(
    "an_glazes",
    sa.Column("glaze_id", sa.BigInteger, nullable=False),
    sa.Column("name_zh", sa.Text),
    sa.Column("name_en", sa.Text),
    sa.Column("price", sa.BigInteger, nullable=False),
    sa.Column("stock", sa.BigInteger, nullable=False),
)
certificates = event_table(
    "an_certificates",
    sa.Column("kind", sa.String(16), nullable=False),  # minted | revoked
    sa.Column("holder", ADDR, nullable=False),
    sa.Column("token_id", sa.BigInteger, nullable=False),
    sa.Column("quiz_version", sa.BigInteger),
    sa.Column("score", sa.BigInteger),
)

# ---------------------------------------------------------------- vouchers and the kiln
vouchers = event_table(
    "an_vouchers",
    sa.Column("voucher_id", sa.BigInteger, nullable=False),
    sa.Column("buyer", ADDR, nullable=False),
    sa.Column("collection", ADDR, nullable=False),
    sa.Column("source_token_id", sa.BigInteger, nullable=False),
    sa.Column("price_wei", Wei, nullable=False),
)
voucher_states = event_table(
    "an_voucher_states",
    sa.Column("voucher_id", sa.BigInteger, nullable=False),
    sa.Column("from_state", sa.String(16), nullable=False),
    sa.Column("to_state", sa.String(16), nullable=False),
)
voucher_steps = event_table(
    "an_voucher_steps",
    sa.Column("voucher_id", sa.BigInteger, nullable=False),
    sa.Column("step", sa.String(16), nullable=False),  # requested | kiln | fired | failed | shipped | delivered | refunded
    sa.Column("kiln_batch_id", sa.BigInteger),
    sa.Column("glaze_id", sa.BigInteger),
    sa.Column("actor", ADDR),
    sa.Column("amount_wei", Wei),
    sa.Column("detail", sa.Text),  # failure reason or photo CID; never personal data (only commitments are on chain)
)

# ---------------------------------------------------------------- crowdfunded drops (migration 0002)
crowdfund = event_table(
    "an_crowdfund",
    sa.Column("campaign_id", sa.BigInteger, nullable=False),
    # created | tier | payee | pledged | withdrawn | cancelled | finalized | claimed | refunded | released
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("account", ADDR),  # creator, pledger, payee or canceller
    sa.Column("to_addr", ADDR),  # where money went (withdrawals, refunds, releases)
    sa.Column("tier", sa.BigInteger),
    sa.Column("quantity", sa.BigInteger),
    sa.Column("amount_wei", Wei),  # pledge, refund, release, goal (created) or raised (cancelled / finalized)
    sa.Column("detail", sa.Text),  # edition (created), status (finalized), first token id (claimed)
)

# ---------------------------------------------------------------- everything else, decoded
other_events = event_table(
    "an_other_events",
    sa.Column("contract_name", sa.String(64), nullable=False),
    sa.Column("event", sa.String(64), nullable=False),
    sa.Column("args", sa.JSON, nullable=False),  # ints as decimal strings, bytes as 0x hex
)

EVENT_TABLES: list[sa.Table] = [t for t in metadata.sorted_tables]

# ---------------------------------------------------------------- sync state
contracts = sa.Table(
    "an_contracts", metadata,
    sa.Column("chain_id", sa.BigInteger, primary_key=True),
    sa.Column("address", ADDR, primary_key=True),
    sa.Column("name", sa.String(64), nullable=False),  # the contract type (GaolingEdition, ...)
    sa.Column("label", sa.String(128), nullable=False),  # the manifest step id (edition:<slug>, points, ...)
    sa.Column("start_block", sa.BigInteger, nullable=False),
    sa.Column("next_block", sa.BigInteger, nullable=False),  # the cursor: first block not yet indexed
)
blocks = sa.Table(
    "an_blocks", metadata,
    sa.Column("chain_id", sa.BigInteger, primary_key=True),
    sa.Column("number", sa.BigInteger, primary_key=True),
    sa.Column("hash", sa.String(66), nullable=False),
    sa.Column("timestamp", sa.BigInteger, nullable=False),
)

# ---------------------------------------------------------------- dashboard sign-ins (migration 0003)
# One row per Sign-In with Ethereum accepted by the issuer dashboard (gaoling.analytics.access): the
# session token is kept only as its SHA-256, and a signed sign-in message opens at most one session.
dashboard_sessions = sa.Table(
    "an_dashboard_sessions", metadata,
    sa.Column("token_sha256", sa.String(64), primary_key=True),
    sa.Column("message_sha256", sa.String(64), nullable=False, unique=True),
    sa.Column("address", ADDR, nullable=False),
    sa.Column("chain_id", sa.BigInteger, nullable=False),
    sa.Column("host", sa.String(255), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),   # unix seconds
    sa.Column("expires_at", sa.Float, nullable=False, index=True),
)

# The current owner of each ERC-721 token: its latest transfer. A view, so that it is always exactly
# what the transfers say, whatever order they were indexed in and whatever a reorg rolled back.
CURRENT_HOLDERS_VIEW = """
CREATE VIEW an_current_holders AS
SELECT chain_id, contract, token_id, to_addr AS holder, block_number AS since_block, block_time AS since
FROM (
  SELECT t.*, ROW_NUMBER() OVER (PARTITION BY chain_id, contract, token_id
                                 ORDER BY block_number DESC, log_index DESC) AS rn
  FROM an_transfers t
) latest
WHERE rn = 1 AND to_addr <> '0x0000000000000000000000000000000000000000'
"""

current_holders = sa.Table(
    "an_current_holders", sa.MetaData(),
    sa.Column("chain_id", sa.BigInteger), sa.Column("contract", ADDR), sa.Column("token_id", sa.BigInteger),
    sa.Column("holder", ADDR), sa.Column("since_block", sa.BigInteger),
    sa.Column("since", sa.DateTime(timezone=True)),
)

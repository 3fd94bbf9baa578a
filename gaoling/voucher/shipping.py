"""Shipping details, kept off chain: commitments, proofs and an encrypted store.

Only `commit(details, salt)` ever reaches the chain. The commitment is
    keccak256(salt || canonical_json(details))
where `salt` is 32 random bytes and the canonical JSON has sorted keys, no spaces and UTF-8 text
(so Chinese names hash the same everywhere). The salt stops anyone from confirming a guessed
address against the public commitment. The holder keeps `details` and `salt`; `prove` shows that
they open the on-chain commitment. Tracking numbers are committed the same way (`commit_tracking`).

The store keeps details encrypted at rest with Fernet (AES-128-CBC + HMAC-SHA256), with the key
from the environment variable GAOLING_SHIPPING_KEY, in the platform's database (gaoling.db: SQLite in
the data directory by default, PostgreSQL with GAOLING_DATABASE_URL). Submissions are kept as history;
the one whose commitment the chain holds is the voucher's shipping details.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from eth_utils import keccak
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from gaoling import db
from gaoling.voucher.chain import VoucherInputError, bytes32_arg, uint_arg

KEY_ENV = "GAOLING_SHIPPING_KEY"
# The shared platform database file (gaoling.db); GAOLING_DATABASE_URL, when set, takes its place.
DEFAULT_DB = Path(db.database_url().removeprefix("sqlite:///")) if db.is_sqlite(db.database_url()) \
    else Path(".gaoling/gaoling.sqlite3")
SALT_BYTES = 32


class ShippingDetails(BaseModel):
    """Where a fired piece goes. Never sent on chain."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=100, description="recipient's name, e.g. 王小明")
    phone: str = Field(min_length=5, max_length=32, description="recipient's phone, e.g. +86 138 0013 8000")
    address: str = Field(min_length=1, max_length=300, description="street address")
    city: str = Field(min_length=1, max_length=100)
    postcode: str = Field(default="", max_length=16)
    country: str = Field(default="CN", min_length=2, max_length=2, description="ISO 3166-1 alpha-2 code")

    @field_validator("name", "phone", "address", "city")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value.strip()

    def canonical(self) -> bytes:
        return canonical_json(self.model_dump())


def canonical_json(data: dict[str, Any]) -> bytes:
    """Sorted keys, no whitespace, UTF-8 (not \\u escapes): one byte string per value."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def new_salt() -> bytes:
    return secrets.token_bytes(SALT_BYTES)


def _salt_arg(salt: Any) -> bytes:
    if isinstance(salt, str):
        try:
            salt = bytes.fromhex(salt[2:] if salt.startswith("0x") else salt)
        except ValueError:
            raise VoucherInputError("salt: expected 32 bytes as hex") from None
    if not isinstance(salt, (bytes, bytearray)) or len(salt) != SALT_BYTES:
        raise VoucherInputError(f"salt: expected {SALT_BYTES} random bytes (gaoling.voucher.shipping.new_salt())")
    return bytes(salt)


def details_arg(details: Any) -> ShippingDetails:
    if isinstance(details, ShippingDetails):
        return details
    try:
        return ShippingDetails.model_validate(details)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "details"
        raise VoucherInputError(f"details.{field}: {first['msg']}") from None


def commit(details: Any, salt: Any) -> bytes:
    """The 32-byte commitment to `details` under `salt` that `redeem` stores on chain."""
    return keccak(_salt_arg(salt) + details_arg(details).canonical())


def commit_tracking(tracking_number: str, salt: Any) -> bytes:
    """The commitment to a carrier's tracking number that `markShipped` publishes."""
    if not isinstance(tracking_number, str) or not tracking_number.strip():
        raise VoucherInputError("tracking_number: must be non-empty text")
    return keccak(_salt_arg(salt) + canonical_json({"tracking": tracking_number.strip()}))


def prove(details: Any, salt: Any, commitment: Any) -> bool:
    """True if `details` and `salt` open `commitment` (as stored on chain)."""
    return commit(details, salt) == bytes32_arg(commitment, "commitment")


def key_from_env(env: dict[str, str] | None = None) -> bytes:
    env = os.environ if env is None else env
    key = env.get(KEY_ENV, "").strip()
    if not key:
        raise VoucherInputError(
            f"{KEY_ENV} is not set: shipping details are encrypted at rest. Create a key once with "
            f"`python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`, "
            f"keep it in the studio's secret store and export it as {KEY_ENV}")
    try:
        Fernet(key.encode())
    except ValueError:
        raise VoucherInputError(f"{KEY_ENV}: not a Fernet key (32 url-safe base64-encoded bytes)") from None
    return key.encode()


PENDING, CONFIRMED, SUPERSEDED = "pending", "confirmed", "superseded"


class ShippingStore:
    """Encrypted shipping submissions in the platform's database (gaoling.db), table `shipping_records`.

    Every `save` adds a record (Fernet-sealed details and salt, plus the public commitment); nothing is
    ever overwritten. A record becomes the voucher's shipping details only once the chain holds its
    commitment (`confirm` / `sync`: the redeem carrying it was mined); other submissions for the same
    voucher stay as history (`history`). Plaintext never touches the disk.

    `where` is a SQLAlchemy engine, a database URL, an SQLite file path, ":memory:", or None / DEFAULT_DB
    for the shared database (GAOLING_DATABASE_URL, else SQLite in the data directory), so the CLI and
    the service read the same records.
    """

    def __init__(self, where: Any = None, key: bytes | None = None) -> None:
        import sqlalchemy as sa

        from gaoling.service.database import open_engine, upgrade

        self._fernet = Fernet(key if key is not None else key_from_env())
        if isinstance(where, sa.engine.Engine):
            self.engine = where
            upgrade(self.engine)
            self.path: Any = str(where.url)
            return
        if where is None or (isinstance(where, Path) and where == DEFAULT_DB):
            url = None
        elif str(where) == ":memory:":
            url = "sqlite://"
        elif "://" in str(where):
            url = str(where)
        else:
            Path(where).parent.mkdir(parents=True, exist_ok=True)
            url = f"sqlite:///{Path(where).as_posix()}"
        self.path = where
        self.engine = open_engine(url)

    def close(self) -> None:
        self.engine.dispose()

    def save(self, voucher_id: int, details: Any, salt: bytes | None = None) -> tuple[bytes, bytes]:
        """Encrypts and records `details` for `voucher_id` as a pending submission; returns
        (commitment, salt) for `redeem`. Saving the same details and salt again is a no-op."""
        import time

        import sqlalchemy as sa

        from gaoling.service.models import shipping_records

        voucher_id = uint_arg(voucher_id, "voucher_id", minimum=1)
        model = details_arg(details)
        salt = new_salt() if salt is None else _salt_arg(salt)
        commitment = commit(model, salt)
        sealed = self._fernet.encrypt(canonical_json({"details": model.model_dump(), "salt": salt.hex()}))
        try:
            with self.engine.begin() as conn:
                conn.execute(shipping_records.insert().values(
                    voucher_id=voucher_id, commitment="0x" + commitment.hex(), sealed=sealed, state=PENDING,
                    created_at=time.time()))
        except sa.exc.IntegrityError:
            pass  # this very submission is already recorded
        return commitment, salt

    def _rows(self, voucher_id: int, state: str | None = None) -> list[Any]:
        import sqlalchemy as sa

        from gaoling.service.models import shipping_records as t

        q = sa.select(t).where(t.c.voucher_id == voucher_id).order_by(t.c.id)
        if state is not None:
            q = q.where(t.c.state == state)
        with self.engine.connect() as conn:
            return list(conn.execute(q).mappings())

    def _open(self, row: Any) -> tuple[ShippingDetails, bytes, bytes]:
        try:
            opened = json.loads(self._fernet.decrypt(bytes(row["sealed"])))
        except InvalidToken:
            raise VoucherInputError(f"{KEY_ENV}: this key cannot decrypt the store at {self.path}; "
                                    f"use the key the details were saved with") from None
        return (ShippingDetails.model_validate(opened["details"]), bytes.fromhex(opened["salt"]),
                bytes.fromhex(row["commitment"][2:]))

    def confirm(self, voucher_id: int, onchain_commitment: Any) -> bool:
        """Makes the submission whose commitment the chain now holds the voucher's details (the others
        become history). False if no submission carries that commitment."""
        import time

        from gaoling.service.models import shipping_records as t

        voucher_id = uint_arg(voucher_id, "voucher_id", minimum=1)
        wanted = "0x" + bytes32_arg(onchain_commitment, "commitment").hex()
        with self.engine.begin() as conn:
            hit = conn.execute(t.update().where(t.c.voucher_id == voucher_id, t.c.commitment == wanted)
                               .values(state=CONFIRMED, confirmed_at=time.time())).rowcount
            if hit:
                conn.execute(t.update().where(t.c.voucher_id == voucher_id, t.c.commitment != wanted,
                                              t.c.state != SUPERSEDED).values(state=SUPERSEDED))
        return bool(hit)

    def sync(self, vouchers: Any, voucher_id: int) -> bool:
        """Reads the voucher's commitment on chain and confirms the matching submission, if any."""
        commitment = bytes(vouchers.voucher(voucher_id).shippingCommitment)
        return any(commitment) and self.confirm(voucher_id, commitment)

    def confirmed(self, voucher_id: int) -> tuple[ShippingDetails, bytes, bytes]:
        """The voucher's shipping details: only a submission whose commitment the chain holds."""
        rows = self._rows(uint_arg(voucher_id, "voucher_id", minimum=1), CONFIRMED)
        if not rows:
            raise VoucherInputError(f"voucher_id: voucher {voucher_id} has no confirmed shipping details (no "
                                    f"redeem carrying a stored commitment has been seen on chain)")
        return self._open(rows[-1])

    def load(self, voucher_id: int) -> tuple[ShippingDetails, bytes, bytes]:
        """(details, salt, commitment) of `voucher_id`: the confirmed submission, else the newest one
        (the CLI saves only after its redeem is mined; callers then check it against the chain with
        `prove`, as `fulfil label` does). Raises VoucherInputError if none or the key is wrong."""
        voucher_id = uint_arg(voucher_id, "voucher_id", minimum=1)
        rows = self._rows(voucher_id)
        if not rows:
            raise VoucherInputError(f"voucher_id: no shipping details stored for voucher {voucher_id}")
        confirmed = [r for r in rows if r["state"] == CONFIRMED]
        return self._open((confirmed or rows)[-1])

    def history(self, voucher_id: int) -> list[dict[str, Any]]:
        """Every submission for the voucher, oldest first: state, commitment, times (no details)."""
        return [{"commitment": r["commitment"], "state": r["state"], "createdAt": r["created_at"],
                 "confirmedAt": r["confirmed_at"]} for r in self._rows(uint_arg(voucher_id, "voucher_id", minimum=1))]

    def matches_chain(self, vouchers: Any, voucher_id: int) -> bool:
        """True if the stored details open the commitment recorded on chain for `voucher_id`."""
        details, salt, _ = self.load(voucher_id)
        return prove(details, salt, bytes(vouchers.voucher(voucher_id).shippingCommitment))

    def voucher_ids(self) -> list[int]:
        import sqlalchemy as sa

        from gaoling.service.models import shipping_records as t

        with self.engine.connect() as conn:
            return [int(v) for (v,) in conn.execute(sa.select(t.c.voucher_id).distinct().order_by(t.c.voucher_id))]

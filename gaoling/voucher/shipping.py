"""Shipping details, kept off chain: commitments, proofs and an encrypted store.

Only `commit(details, salt)` ever reaches the chain. The commitment is
    keccak256(salt || canonical_json(details))
where `salt` is 32 random bytes and the canonical JSON has sorted keys, no spaces and UTF-8 text
(so Chinese names hash the same everywhere). The salt stops anyone from confirming a guessed
address against the public commitment. The holder keeps `details` and `salt`; `prove` shows that
they open the on-chain commitment. Tracking numbers are committed the same way (`commit_tracking`).

The store keeps details encrypted at rest with Fernet (AES-128-CBC + HMAC-SHA256), with the key
from the environment variable GAOLING_SHIPPING_KEY, in an embedded SQLite database by default.
"""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from eth_utils import keccak
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from gaoling.voucher.chain import VoucherInputError, bytes32_arg, uint_arg

KEY_ENV = "GAOLING_SHIPPING_KEY"
DEFAULT_DB = Path(".gaoling/shipping.sqlite3")
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


class ShippingStore:
    """Encrypted shipping details per voucher id, in SQLite. Plaintext never touches the disk."""

    def __init__(self, path: str | Path = DEFAULT_DB, key: bytes | None = None) -> None:
        self._fernet = Fernet(key if key is not None else key_from_env())
        self.path = Path(path)
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path))
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS shipping (voucher_id INTEGER PRIMARY KEY, commitment BLOB NOT NULL, "
            "sealed BLOB NOT NULL)")
        self._db.commit()

    def close(self) -> None:
        self._db.close()

    def save(self, voucher_id: int, details: Any, salt: bytes | None = None) -> tuple[bytes, bytes]:
        """Encrypts and stores `details` for `voucher_id`; returns (commitment, salt) for `redeem`."""
        voucher_id = uint_arg(voucher_id, "voucher_id", minimum=1)
        model = details_arg(details)
        salt = new_salt() if salt is None else _salt_arg(salt)
        commitment = commit(model, salt)
        sealed = self._fernet.encrypt(canonical_json({"details": model.model_dump(), "salt": salt.hex()}))
        with self._db:
            self._db.execute("INSERT OR REPLACE INTO shipping VALUES (?, ?, ?)", (voucher_id, commitment, sealed))
        return commitment, salt

    def load(self, voucher_id: int) -> tuple[ShippingDetails, bytes, bytes]:
        """(details, salt, commitment) of `voucher_id`; raises VoucherInputError if missing or the key is wrong."""
        voucher_id = uint_arg(voucher_id, "voucher_id", minimum=1)
        row = self._db.execute("SELECT commitment, sealed FROM shipping WHERE voucher_id = ?", (voucher_id,)).fetchone()
        if row is None:
            raise VoucherInputError(f"voucher_id: no shipping details stored for voucher {voucher_id}")
        try:
            opened = json.loads(self._fernet.decrypt(row[1]))
        except InvalidToken:
            raise VoucherInputError(f"{KEY_ENV}: this key cannot decrypt the store at {self.path}; "
                                    f"use the key the details were saved with") from None
        return ShippingDetails.model_validate(opened["details"]), bytes.fromhex(opened["salt"]), bytes(row[0])

    def matches_chain(self, vouchers: Any, voucher_id: int) -> bool:
        """True if the stored details open the commitment recorded on chain for `voucher_id`."""
        details, salt, _ = self.load(voucher_id)
        return prove(details, salt, bytes(vouchers.voucher(voucher_id).shippingCommitment))

    def voucher_ids(self) -> list[int]:
        return [r[0] for r in self._db.execute("SELECT voucher_id FROM shipping ORDER BY voucher_id")]

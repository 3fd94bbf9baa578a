"""The studio's shipping store: shipping details and tracking numbers, encrypted at rest.

By default an embedded SQLite file (`GAOLING_SHIPPING_DB`, else `.gaoling/shipping.sqlite3`).
Every row is sealed with AES-256-GCM under a key taken from the environment
(`GAOLING_SHIPPING_KEY`: 32 bytes as 64 hex digits or URL-safe base64):

- a fresh 96-bit nonce per write;
- the row's identity (kind, chain id, contract, voucher id) as associated data, so a row copied
  onto another voucher fails to decrypt instead of shipping a piece to the wrong person;
- a key check value in the `meta` table, so opening the store with the wrong key fails at once
  with a clear message rather than on the first read.

Only the voucher reference and the commitment are stored in clear (they are public on chain anyway).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import secrets
import sqlite3
import time
from pathlib import Path
from typing import Iterator

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from gaoling.voucher.commitments import ShippingOpening, TrackingOpening, VoucherRef
from gaoling.voucher.errors import ShippingStoreError

KEY_ENV = "GAOLING_SHIPPING_KEY"
DB_ENV = "GAOLING_SHIPPING_DB"
DEFAULT_DB = Path(".gaoling/shipping.sqlite3")
_KEY_CHECK_LABEL = b"gaoling shipping store key check v1"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS sealed (
    kind TEXT NOT NULL CHECK (kind IN ('shipping', 'tracking')),
    chain_id INTEGER NOT NULL,
    contract TEXT NOT NULL,
    voucher_id TEXT NOT NULL,
    commitment TEXT NOT NULL,
    nonce BLOB NOT NULL,
    ciphertext BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (kind, chain_id, contract, voucher_id)
);
"""


def generate_key() -> str:
    """A new random store key, URL-safe base64 (put it in GAOLING_SHIPPING_KEY; keep it secret)."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii")


def parse_key(text: str) -> bytes:
    """Decodes a 32-byte key given as 64 hex digits or URL-safe base64."""
    text = text.strip()
    raw: bytes | None = None
    if len(text) == 64:
        try:
            raw = bytes.fromhex(text)
        except ValueError:
            raw = None
    if raw is None:
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        except (binascii.Error, ValueError):
            raw = None
    if raw is None or len(raw) != 32:
        raise ShippingStoreError(
            f"{KEY_ENV} must be 32 bytes as 64 hex digits or URL-safe base64; "
            "`ape run fulfil new-key` prints a fresh one")
    return raw


def key_from_env() -> bytes:
    text = os.environ.get(KEY_ENV)
    if not text:
        raise ShippingStoreError(
            f"{KEY_ENV} is not set: shipping details are only stored encrypted. Create a key with "
            f"`ape run fulfil new-key`, keep it in your secret manager, and export {KEY_ENV}=<key>")
    return parse_key(text)


class ShippingStore:
    """Encrypted store of shipping and tracking openings, keyed by voucher."""

    def __init__(self, path: str | Path | None = None, key: bytes | None = None) -> None:
        self.path = Path(path or os.environ.get(DB_ENV) or DEFAULT_DB)
        key = key_from_env() if key is None else key
        if len(key) != 32:
            raise ShippingStoreError(f"key: expected 32 bytes for AES-256-GCM, got {len(key)}")
        self._aead = AESGCM(key)
        # A check value derived from the key (not the key): detects a wrong key without revealing it.
        self._check = hmac.new(key, _KEY_CHECK_LABEL, hashlib.sha256).digest()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path)
        self._db.executescript(_SCHEMA)
        row = self._db.execute("SELECT value FROM meta WHERE name = 'key_check'").fetchone()
        if row is None:
            with self._db:
                self._db.execute("INSERT INTO meta (name, value) VALUES ('key_check', ?)", (self._check,))
        elif not hmac.compare_digest(bytes(row[0]), self._check):
            self._db.close()
            raise ShippingStoreError(
                f"{self.path} was created with a different key than {KEY_ENV}; use the key it was created with")

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> "ShippingStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ sealing

    @staticmethod
    def _aad(kind: str, ref: VoucherRef) -> bytes:
        return f"gaoling.voucher.{kind}|{ref.chain_id}|{ref.contract}|{ref.voucher_id}".encode()

    def _put(self, kind: str, ref: VoucherRef, commitment: bytes, plaintext: bytes, replace: bool) -> None:
        nonce = secrets.token_bytes(12)
        sealed = self._aead.encrypt(nonce, plaintext, self._aad(kind, ref))
        verb = "INSERT OR REPLACE" if replace else "INSERT"
        try:
            with self._db:
                self._db.execute(
                    f"{verb} INTO sealed (kind, chain_id, contract, voucher_id, commitment, nonce, ciphertext,"
                    " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (kind, ref.chain_id, ref.contract, str(ref.voucher_id), "0x" + commitment.hex(), nonce, sealed,
                     int(time.time())))
        except sqlite3.IntegrityError:
            raise ShippingStoreError(
                f"{kind} details for voucher {ref.voucher_id} of {ref.contract} are already stored; "
                "a redemption's commitment is final on chain, so they are never overwritten") from None

    def _get(self, kind: str, ref: VoucherRef) -> bytes | None:
        row = self._db.execute(
            "SELECT nonce, ciphertext FROM sealed WHERE kind = ? AND chain_id = ? AND contract = ? AND voucher_id = ?",
            (kind, ref.chain_id, ref.contract, str(ref.voucher_id))).fetchone()
        if row is None:
            return None
        try:
            return self._aead.decrypt(bytes(row[0]), bytes(row[1]), self._aad(kind, ref))
        except InvalidTag:
            raise ShippingStoreError(
                f"{kind} row of voucher {ref.voucher_id} failed authentication: it was altered or moved "
                "from another voucher; do not ship on it, ask the holder to re-prove their details") from None

    # ------------------------------------------------------------------ public API

    def put_shipping(self, opening: ShippingOpening, *, replace: bool = False) -> bytes:
        """Seals `opening` and returns its commitment (what `redeem` submits)."""
        commitment = opening.commitment()
        self._put("shipping", opening.ref, commitment, opening.model_dump_json().encode("utf-8"), replace)
        return commitment

    def get_shipping(self, ref: VoucherRef) -> ShippingOpening | None:
        plain = self._get("shipping", ref)
        return None if plain is None else ShippingOpening.model_validate_json(plain)

    def put_tracking(self, opening: TrackingOpening, *, replace: bool = False) -> bytes:
        commitment = opening.commitment()
        self._put("tracking", opening.ref, commitment, opening.model_dump_json().encode("utf-8"), replace)
        return commitment

    def get_tracking(self, ref: VoucherRef) -> TrackingOpening | None:
        plain = self._get("tracking", ref)
        return None if plain is None else TrackingOpening.model_validate_json(plain)

    def forget(self, ref: VoucherRef) -> int:
        """Deletes every row of a voucher (after delivery, per the studio's retention policy)."""
        with self._db:
            cursor = self._db.execute("DELETE FROM sealed WHERE chain_id = ? AND contract = ? AND voucher_id = ?",
                                      (ref.chain_id, ref.contract, str(ref.voucher_id)))
        return cursor.rowcount

    def refs(self, kind: str = "shipping") -> Iterator[tuple[VoucherRef, str]]:
        """Every stored voucher reference of `kind` with its commitment (no decryption)."""
        for chain_id, contract, voucher_id, commitment in self._db.execute(
                "SELECT chain_id, contract, voucher_id, commitment FROM sealed WHERE kind = ? ORDER BY created_at",
                (kind,)):
            yield VoucherRef(chain_id=chain_id, contract=contract, voucher_id=int(voucher_id)), commitment

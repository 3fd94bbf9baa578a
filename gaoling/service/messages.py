"""Intake of signed messages (check-ins, coupon exchanges): verify, persist, answer with a tracking id.

A message is written to the database (committed) before the API answers 202, so an accepted message
survives any crash after the answer. The tracking id is derived from what makes the message unique
(kind, chain, contract, member, day or nonce), and a unique constraint backs it, so a repeated POST
(or two API workers racing on the same message) lands on the same row and the same id.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from eth_utils import keccak
from sqlalchemy.engine import Engine

from gaoling.service.models import messages

QUEUED, SENT, CONFIRMED, REJECTED = "queued", "sent", "confirmed", "rejected"


def tracking_id(kind: str, chain_id: int, contract: str, member: str, dedupe: str) -> str:
    return keccak(f"{kind}|{chain_id}|{contract.lower()}|{member.lower()}|{dedupe}".encode()).hex()[:32]


@dataclass(frozen=True)
class Accepted:
    id: str
    created: bool  # False for a repeated POST of the same message
    status: str


def enqueue(engine: Engine, kind: str, chain_id: int, contract: str, member: str, dedupe: str,
            payload: dict[str, Any], status: str = QUEUED, reason: str | None = None) -> Accepted:
    """Stores the message once; a repeat returns the existing row's id and status."""
    mid = tracking_id(kind, chain_id, contract, member, dedupe)
    now = time.time()
    try:
        with engine.begin() as conn:
            conn.execute(messages.insert().values(
                id=mid, kind=kind, chain_id=chain_id, contract=contract, member=member, dedupe=dedupe,
                payload=json.dumps(payload), status=status, reason=reason, created_at=now, updated_at=now))
        return Accepted(mid, True, status)
    except sa.exc.IntegrityError:
        with engine.connect() as conn:
            row = conn.execute(sa.select(messages.c.status).where(messages.c.id == mid)).first()
        return Accepted(mid, False, row.status if row else status)


def lookup(engine: Engine, mid: str) -> dict[str, Any] | None:
    with engine.connect() as conn:
        row = conn.execute(sa.select(messages).where(messages.c.id == mid)).mappings().first()
    return None if row is None else view(row)


def view(row: Any) -> dict[str, Any]:
    out = {
        "id": row["id"], "kind": row["kind"], "status": row["status"], "member": row["member"],
        "contract": row["contract"], "chainId": int(row["chain_id"]), "txHash": row["tx_hash"],
        "reason": row["reason"], "createdAt": row["created_at"], "updatedAt": row["updated_at"],
    }
    if row["result"]:
        out["result"] = json.loads(row["result"])
    if row["kind"] == "checkin":
        out["day"] = int(row["dedupe"])
    return out

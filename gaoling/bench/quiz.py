"""Gas for the firing-process certificate: `certificate.mint`, a relayed mint of a QuizPass.

Measured in steady state (the contract has already minted once, so its counter slot is warm);
the mint writes the nonce, the holder's packed record and ERC-721 owner and balance: four fresh
storage slots, which is most of the figure.
"""

from __future__ import annotations

import random
from typing import Any

from gaoling import signing
from gaoling.quiz.attestation import Attester, QuizPass
from gaoling.quiz.certificate import deploy, submit


def measure(ctx: Any) -> dict[str, int]:
    admin, first, holder, attester_account, relayer = (ctx.accounts[i] for i in (0, 1, 2, 4, 5))
    certificate = deploy(ctx.project, admin, attester_account.address)
    attester = Attester(attester_account, signing.Domain.of(certificate), nonce_source=lambda: random.getrandbits(256))
    now = ctx.chain.pending_timestamp
    submit(certificate, attester.sign(first.address, 1, 90, now), relayer, now=now)
    receipt = submit(certificate, attester.sign(holder.address, 1, 90, now), relayer, now=now)
    return {"certificate.mint": int(receipt.gas_used)}

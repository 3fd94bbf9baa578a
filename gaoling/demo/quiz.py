"""`make demo`, firing-process quiz: a collector passes the quiz from a scripted answer sheet and a
relayer mints the soulbound certificate.

`run(ctx)` takes an object with `.project`, `.accounts` and `.chain` (Ape objects on a running
local chain) and optionally `.certificate` (a deployed FiringCertificate whose ATTESTER_ROLE is
held by accounts[4]) and `.collector` (the holder's address; default: the fan demo's keyless
collector, so later steps see the same wallet certified). Returns (what happened, result) rows.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import yaml
from eth_account import Account
from eth_utils import keccak

from gaoling import signing
from gaoling.quiz import AnswerSheet, Attester, Grader, MemoryAttemptStore, load_bank
from gaoling.quiz.certificate import deploy, require_attester, submit

WORKDIR = Path(".cache/gaoling-demo")


def write_answer_sheet(bank: Any, path: Path, wrong_id: str) -> Path:
    """A sheet answering by English choice text, with one deliberate mistake."""
    answers = {}
    for q in bank.questions:
        index = q.answer if q.id != wrong_id else (q.answer + 1) % len(q.choices)
        answers[q.id] = q.choices[index].en
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump({"answers": answers}, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def run(ctx: Any) -> list[tuple[str, str]]:
    accounts = ctx.accounts
    admin, attester_account, relayer = accounts[0], accounts[4], accounts[5]
    certificate = getattr(ctx, "certificate", None)
    if certificate is None:
        certificate = deploy(ctx.project, admin, attester_account.address)
    else:  # deployed by the platform: sign with whichever test account the deploy made attester
        role = certificate.ATTESTER_ROLE()
        attester_account = next((a for a in list(accounts)[:10] if certificate.hasRole(role, a)), attester_account)
    require_attester(certificate, attester_account.address)
    ctx.certificate = certificate
    holder = getattr(ctx, "collector", None) or Account.from_key(keccak(text="gaoling demo collector")).address
    bank = load_bank()
    rng = random.Random(2026)  # the same questions every demo run

    grader = Grader(bank, store=MemoryAttemptStore(), rng=rng, clock=lambda: ctx.chain.pending_timestamp,
                    attester=Attester(attester_account, signing.Domain.of(certificate),
                                      nonce_source=lambda: rng.getrandbits(256)))
    attempt = grader.start(holder)
    sheet_path = write_answer_sheet(bank, WORKDIR / "quiz-answers.yaml", wrong_id=attempt.questions[0].id)
    result = grader.grade(attempt.attempt_id, AnswerSheet.load(sheet_path).positions(attempt, bank))
    rows = [(f"firing quiz v{bank.version} from the answer sheet {sheet_path}",
             f"{result.correct}/{result.total} correct ({result.score}%), pass mark {result.pass_mark}: "
             f"{'passed' if result.passed else 'failed'}")]
    if result.attestation is None:
        return rows
    receipt = submit(certificate, result.attestation, relayer)
    minted = certificate.CertificateMinted.from_receipt(receipt)[0]
    rows.append(("soulbound firing certificate, relayed by the platform",
                 f"#{minted.tokenId} to {holder[:10]}… (locked: {certificate.locked(minted.tokenId)}), "
                 f"relayer paid {receipt.gas_used:,} gas"))
    return rows

"""The firing quiz over HTTP, graded on the server by gaoling.quiz's Grader.

1. `POST /quiz/attempts` with a signed `QuizStart(holder, issuedAt)` (certificate's EIP-712 domain):
   the attempt's questions and shuffled choices in the collector's language (Accept-Language or
   `lang`), never the answers; the choice order stays in the database. The cooldown per holder is
   kept in the database too (gaoling.quiz.store.DatabaseAttemptStore), shared by every worker.
2. `POST /quiz/attempts/{id}/answers`: graded once; on a pass the attester signs a QuizPass, which is
   returned (the collector mints with it) or relayed to `FiringCertificate.mint`, as configured.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, StrictInt, field_validator

from gaoling.quiz import (AnswerError, AttemptAlreadyGraded, AttemptTimedOut, Attester, CooldownActive, Grader,
                          UnknownAttempt, load_bank)
from gaoling.quiz.store import DatabaseAttemptStore
from gaoling.service import auth, messages
from gaoling.service.api.relay import _address
from gaoling.service.context import ServiceContext
from gaoling.service.problems import Problem, wants_chinese

router = APIRouter(tags=["quiz"])


class StartBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    holder: str
    issuedAt: StrictInt = Field(ge=0)
    signature: str = Field(pattern=r"^0x[0-9a-fA-F]+$", max_length=4000)
    lang: Literal["zh-CN", "en"] | None = None

    _addr = field_validator("holder")(_address)


class AnswersBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    answers: list[StrictInt | None] = Field(max_length=100, description="one shown position (or null) per question")


def grader(svc: ServiceContext) -> Grader:
    if svc.grader is None:
        attester = None
        if svc.attester is not None and "certificate" in svc.platform.domains:
            attester = Attester(svc.attester, svc.platform.domains["certificate"])
        bank = load_bank(svc.config.quiz_bank) if svc.config.quiz_bank else load_bank()
        # chain time, not the host's: the certificate checks the pass's expiry against block.timestamp
        svc.grader = Grader(bank, store=DatabaseAttemptStore(svc.engine), attester=attester,
                            clock=lambda: svc.platform.head(svc.provider)[1])
    return svc.grader


@router.post("/quiz/attempts", status_code=201, summary="Start a quiz attempt (questions without answers)")
def start(body: StartBody, request: Request) -> JSONResponse:
    svc: ServiceContext = request.app.state.svc
    auth.check_fresh(body.issuedAt)
    auth.require_signer(svc.provider, svc.platform.domains["certificate"], "QuizStart", auth.QUIZ_START_TYPES,
                        {"holder": body.holder, "issuedAt": body.issuedAt}, body.signature, body.holder)
    g = grader(svc)
    try:
        attempt = g.start(body.holder)
    except CooldownActive as exc:
        wait = max(0, exc.retry_at - int(g.clock()))
        raise Problem("cooldown", "holder", en=f"holder: the next attempt is allowed in {wait} s (unix time "
                      f"{exc.retry_at}).", zh=f"holder：请在 {wait} 秒后再次尝试（unix 时间 {exc.retry_at}）。",
                      retryAt=exc.retry_at, headers={"Retry-After": str(wait)}) from None
    lang = body.lang or ("zh-CN" if wants_chinese(request) else "en")
    questions = [{"id": q.id, "topic": q.topic, "question": q.question.get(lang),
                  "choices": [c.get(lang) for c in q.choices]} for q in attempt.questions]
    return JSONResponse({"attemptId": attempt.attempt_id, "holder": attempt.holder, "quizVersion": attempt.quiz_version,
                         "lang": lang, "startedAt": attempt.started_at, "expiresAt": attempt.deadline,
                         "passMark": g.rules.pass_mark, "questions": questions}, status_code=201)


@router.post("/quiz/attempts/{attempt_id}/answers", summary="Submit answers; graded once on the server")
def answer(attempt_id: str, body: AnswersBody, request: Request) -> dict:
    svc: ServiceContext = request.app.state.svc
    g = grader(svc)
    try:
        result = g.grade(attempt_id, body.answers)
    except UnknownAttempt:
        raise Problem("not-found", "attempt_id", en=f"attempt_id: no attempt {attempt_id}; start one first.",
                      zh=f"attempt_id：没有测验 {attempt_id}；请先开始测验。") from None
    except AttemptAlreadyGraded:
        raise Problem("already-graded", "attempt_id", en=f"attempt_id: {attempt_id} was already graded; start a "
                      f"new attempt after the cooldown.", zh="attempt_id：该测验已评分；冷却期后请重新开始。") from None
    except AttemptTimedOut as exc:
        raise Problem("attempt-expired", "answers", en=f"answers: {exc}", zh="answers：作答超时，本次测验计为未通过。") \
            from None
    except AnswerError as exc:
        field = str(exc).split(":", 1)[0] if str(exc).startswith("answers") else "answers"
        raise Problem("invalid-field", field, en=str(exc), zh=f"{field}：答案与题目不符。") from None
    lang = "zh-CN" if wants_chinese(request) else "en"
    out = {"attemptId": attempt_id, "holder": result.holder, "passed": result.passed, "score": result.score,
           "correct": result.correct, "total": result.total, "passMark": result.pass_mark, "retryAt": result.retry_at,
           "results": [{"id": r.id, "chosen": r.chosen, "correctPosition": r.correct_position, "correct": r.correct,
                        "explanation": r.explanation.get(lang)} for r in result.results]}
    att = result.attestation
    if att is not None:
        if svc.config.certificate_mode == "relay":
            payload = {"quizPass": att.quiz_pass.model_dump(), "signature": att.signature}
            accepted = messages.enqueue(svc.engine, "certificate", svc.platform.chain_id, att.verifying_contract,
                                        att.quiz_pass.holder, str(att.quiz_pass.nonce), payload)
            out["mint"] = {"id": accepted.id, "status": accepted.status,
                           "statusUrl": f"/api/v1/messages/{accepted.id}"}
        else:
            out["attestation"] = att.model_dump()
    elif result.passed:
        out["attestation"] = None
        out["note"] = "no attester is configured on this service; the studio signs passes with `ape run quiz`"
    return out

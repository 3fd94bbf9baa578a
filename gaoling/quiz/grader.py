"""The quiz grader, as a library for a web backend and for the terminal quiz.

    grader = Grader(load_bank(), store=SQLiteAttemptStore("quiz.sqlite"), attester=attester)
    attempt = grader.start(holder)               # CooldownActive if too soon
    send(attempt.public())                       # questions and shuffled choices, no answers
    result = grader.grade(attempt.attempt_id, answers)   # answers = shown positions
    result.attestation                           # SignedQuizPass on a pass, else None

Choice order is shuffled per attempt and kept server-side (inside the stored attempt), so the
position of the right answer says nothing. Questions are drawn round-robin across topics so an
attempt covers the whole process rather than one corner of it. Randomness comes from
`secrets.SystemRandom` unless a seeded `random.Random` is injected (tests, demos).
"""

from __future__ import annotations

import json
import random
import secrets
import time
from collections import defaultdict
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

import yaml
from pydantic import BaseModel, ConfigDict

from gaoling import display
from gaoling.quiz.attestation import Attester, SignedQuizPass, checksum
from gaoling.quiz.bank import QuestionBank, Text
from gaoling.quiz.store import AttemptStore, MemoryAttemptStore


class QuizError(Exception):
    """Base of every grader error."""


class CooldownActive(QuizError):
    def __init__(self, holder: str, retry_at: int, now: int):
        self.holder, self.retry_at = holder, retry_at
        super().__init__(f"{holder} started an attempt recently; the next attempt is allowed "
                         f"{display.relative(retry_at, now)}, at {display.when(retry_at)}")


class UnknownAttempt(QuizError):
    pass


class AttemptAlreadyGraded(QuizError):
    pass


class AttemptTimedOut(QuizError):
    pass


class AnswerError(QuizError):
    """An answer sheet or answer list does not fit the attempt."""


class PresentedQuestion(BaseModel):
    """A question as the taker sees it: choices in shuffled order, no answer."""

    model_config = ConfigDict(frozen=True)

    id: str
    topic: str
    question: Text
    choices: list[Text]


class Attempt(BaseModel):
    model_config = ConfigDict(frozen=True)

    attempt_id: str
    holder: str
    quiz_version: int
    started_at: int
    deadline: int | None
    questions: list[PresentedQuestion]
    order: list[list[int]]  # order[i][shown position] = index of that choice in the bank

    def public(self) -> dict[str, Any]:
        """What may be sent to the quiz taker (the choice order mapping stays server-side)."""
        return self.model_dump(by_alias=True, exclude={"order"})


class QuestionResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    chosen: int | None  # shown position, None if unanswered
    correct_position: int
    correct: bool
    explanation: Text


class GradeResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    attempt_id: str
    holder: str
    quiz_version: int
    correct: int
    total: int
    pass_mark: int
    score: int  # percent, rounded down; this goes into the attestation
    passed: bool
    results: list[QuestionResult]
    attestation: SignedQuizPass | None = None
    retry_at: int = 0  # when this holder may start the next attempt (the cooldown counts from the start)


class Grader:
    def __init__(self, bank: QuestionBank, *, store: AttemptStore | None = None,
                 attester: Attester | None = None, rng: random.Random | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self.bank = bank
        self.rules = bank.attempt
        self.store = store if store is not None else MemoryAttemptStore()
        self.attester = attester
        self.rng = rng if rng is not None else secrets.SystemRandom()
        self.clock = clock
        self._index = {q.id: q for q in bank.questions}

    def _now(self) -> int:
        return int(self.clock())

    def draw(self) -> list[str]:
        """Question ids for one attempt: N distinct questions, round-robin across shuffled topics."""
        by_topic: dict[str, list[str]] = defaultdict(list)
        for q in self.bank.questions:
            by_topic[q.topic].append(q.id)
        topics = sorted(by_topic)
        self.rng.shuffle(topics)
        for t in topics:
            self.rng.shuffle(by_topic[t])
        drawn: list[str] = []
        while len(drawn) < self.rules.questions:
            for t in topics:
                if by_topic[t] and len(drawn) < self.rules.questions:
                    drawn.append(by_topic[t].pop())
        self.rng.shuffle(drawn)
        return drawn

    def start(self, holder: str) -> Attempt:
        """Starts an attempt for `holder`. The cooldown counts from the start, so drawing
        attempts just to look at questions costs the same wait as submitting them."""
        holder = checksum(holder)
        now = self._now()
        presented, order = [], []
        for qid in self.draw():
            q = self._index[qid]
            positions = list(range(len(q.choices)))
            if q.shuffle:
                self.rng.shuffle(positions)
            order.append(positions)
            presented.append(PresentedQuestion(id=q.id, topic=q.topic, question=q.question,
                                               choices=[q.choices[i] for i in positions]))
        limit = self.rules.time_limit_seconds
        attempt = Attempt(attempt_id=f"{self.rng.getrandbits(128):032x}", holder=holder,
                          quiz_version=self.bank.version, started_at=now,
                          deadline=now + limit if limit else None, questions=presented, order=order)
        retry_at = self.store.try_begin(holder, attempt.attempt_id, now, self.rules.cooldown_seconds,
                                        attempt.model_dump_json())
        if retry_at is not None:
            raise CooldownActive(holder, retry_at, now)
        return attempt

    def attempt(self, attempt_id: str) -> Attempt:
        payload = self.store.load(attempt_id)
        if payload is None:
            raise UnknownAttempt(f"no attempt with id {attempt_id!r}; start one with Grader.start(holder)")
        return Attempt.model_validate_json(payload)

    def grade(self, attempt_id: str, answers: Sequence[int | None]) -> GradeResult:
        """Scores `answers` (one shown position or None per question, in shown order). Each
        attempt is graded once. On a pass, and if an attester is configured, the result carries
        a signed QuizPass."""
        attempt = self.attempt(attempt_id)
        if attempt.quiz_version != self.bank.version:
            raise AnswerError(f"attempt {attempt_id} was drawn from bank version {attempt.quiz_version}, "
                              f"this grader has version {self.bank.version}; start a new attempt")
        if len(answers) != len(attempt.questions):
            raise AnswerError(f"answers: expected {len(attempt.questions)} answers (one per question, None "
                              f"for unanswered), got {len(answers)}")
        for i, (pq, a) in enumerate(zip(attempt.questions, answers)):
            if a is not None and (isinstance(a, bool) or not isinstance(a, int) or not 0 <= a < len(pq.choices)):
                raise AnswerError(f"answers[{i}] (question {pq.id!r}): {a!r} is not a choice position "
                                  f"0..{len(pq.choices) - 1}")
        now = self._now()
        results = []
        for pq, positions, a in zip(attempt.questions, attempt.order, answers):
            q = self._index[pq.id]
            correct_pos = positions.index(q.answer)
            results.append(QuestionResult(id=q.id, chosen=a, correct_position=correct_pos,
                                          correct=a == correct_pos, explanation=q.explanation))
        correct = sum(r.correct for r in results)
        total = len(results)
        timed_out = attempt.deadline is not None and now > attempt.deadline
        passed = correct >= self.rules.pass_mark and not timed_out
        outcome = {"correct": correct, "total": total, "passed": passed, "timed_out": timed_out}
        if not self.store.finish(attempt_id, now, json.dumps(outcome)):
            raise AttemptAlreadyGraded(f"attempt {attempt_id} was already graded; start a new attempt")
        if timed_out:
            raise AttemptTimedOut(f"attempt {attempt_id} ended at {display.when(attempt.deadline)}, answers came "
                                  f"{display.duration(now - attempt.deadline)} late; it counts as failed")
        score = correct * 100 // total
        attestation = None
        if passed and self.attester is not None:
            attestation = self.attester.sign(attempt.holder, attempt.quiz_version, score, now)
        return GradeResult(attempt_id=attempt_id, holder=attempt.holder, quiz_version=attempt.quiz_version,
                           correct=correct, total=total, pass_mark=self.rules.pass_mark, score=score,
                           passed=passed, results=results, attestation=attestation,
                           retry_at=attempt.started_at + self.rules.cooldown_seconds)


class AnswerSheet(BaseModel):
    """A scripted answer sheet: question id -> the intended choice, given either as its index in
    the bank (as written in the YAML) or as its exact text in zh-CN or en. Used by `--answers`
    and the demo; questions missing from the sheet count as unanswered."""

    answers: dict[str, int | str]
    source: str = "<memory>"

    @classmethod
    def load(cls, path: Path | str) -> "AnswerSheet":
        path = Path(path)
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise AnswerError(f"{path}: answer sheet not found") from None
        except yaml.YAMLError as exc:
            raise AnswerError(f"{path}: not valid YAML/JSON: {exc}") from None
        if isinstance(raw, dict) and "answers" in raw:
            raw = raw["answers"]
        if not isinstance(raw, dict) or not all(isinstance(k, str) for k in raw):
            raise AnswerError(f"{path}: expected a mapping of question id -> choice index or choice text")
        for qid, value in raw.items():
            if isinstance(value, bool) or not isinstance(value, (int, str)):
                raise AnswerError(f"{path}: question {qid!r}: answer {value!r} must be a choice index or text")
        return cls(answers=raw, source=str(path))

    def check(self, bank: QuestionBank) -> None:
        """Resolves every entry against `bank` up front, so a bad sheet fails before an attempt
        (and its cooldown) is spent."""
        for qid, value in self.answers.items():
            try:
                q = bank.by_id(qid)
            except KeyError:
                raise AnswerError(f"{self.source}: question {qid!r} is not in bank version {bank.version}") from None
            self._bank_index(q, value)

    def _bank_index(self, q: Any, value: int | str) -> int:
        if isinstance(value, int):
            if not 0 <= value < len(q.choices):
                raise AnswerError(f"{self.source}: question {q.id!r}: choice index {value} is out of "
                                  f"range 0..{len(q.choices) - 1}")
            return value
        matches = [i for i, c in enumerate(q.choices) if value.strip() in (c.en, c.zh_CN)]
        if not matches:
            raise AnswerError(f"{self.source}: question {q.id!r}: {value!r} matches none of its choices")
        return matches[0]

    def positions(self, attempt: Attempt, bank: QuestionBank) -> list[int | None]:
        """The sheet's answers as shown positions for `attempt`."""
        out: list[int | None] = []
        for pq, order in zip(attempt.questions, attempt.order):
            if pq.id not in self.answers:
                out.append(None)
                continue
            bank_index = self._bank_index(bank.by_id(pq.id), self.answers[pq.id])
            out.append(order.index(bank_index))
        return out

    @classmethod
    def correct_for(cls, bank: QuestionBank, wrong: Mapping[str, int] | None = None) -> "AnswerSheet":
        """A sheet answering every question correctly except those in `wrong` (id -> bank index)."""
        answers: dict[str, int | str] = {q.id: q.answer for q in bank.questions}
        answers.update(wrong or {})
        return cls(answers=answers, source="<generated>")

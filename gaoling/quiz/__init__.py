"""The firing-process quiz: question bank, grader, attestation signing and certificate client."""

from gaoling.quiz.attestation import QUIZ_PASS_TYPES, Attester, QuizPass, SignedQuizPass
from gaoling.quiz.bank import DEFAULT_BANK, QuestionBank, QuizBankError, load_bank, parse_bank
from gaoling.quiz.grader import (
    AnswerError, AnswerSheet, Attempt, AttemptAlreadyGraded, AttemptTimedOut, CooldownActive, GradeResult,
    Grader, QuizError, UnknownAttempt,
)
from gaoling.quiz.store import AttemptStore, DatabaseAttemptStore, MemoryAttemptStore, SQLiteAttemptStore

__all__ = [
    "QUIZ_PASS_TYPES", "Attester", "QuizPass", "SignedQuizPass", "DEFAULT_BANK", "QuestionBank",
    "QuizBankError", "load_bank", "parse_bank", "AnswerError", "AnswerSheet", "Attempt",
    "AttemptAlreadyGraded", "AttemptTimedOut", "CooldownActive", "GradeResult", "Grader", "QuizError",
    "UnknownAttempt", "AttemptStore", "DatabaseAttemptStore", "MemoryAttemptStore", "SQLiteAttemptStore",
]

"""The firing-process question bank: its schema and a loader whose errors name the file, the
question (position and id) and the field, so an editor can fix a bank without reading code.

A bank is YAML (see metadata/quiz/firing-process.yaml). Loading validates everything up front;
a malformed bank never loads half-way.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

DEFAULT_BANK = Path(__file__).resolve().parents[2] / "metadata" / "quiz" / "firing-process.yaml"

LANGUAGES = ("zh-CN", "en")
MIN_CHOICES, MAX_CHOICES = 3, 4
MAX_QUIZ_VERSION = 2**64 - 1  # FiringCertificate packs the version into a uint64

# Choices such as "all of the above" depend on their position, so shuffling would break them.
_POSITIONAL = re.compile(r"\b(all|none|both) of (the )?(above|these|them)\b|以上都|以上皆|上述", re.IGNORECASE)
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


class QuizBankError(ValueError):
    """A bank file failed to load. `problems` lists every problem found, each naming the question."""

    def __init__(self, path: Path | str, problems: list[str]):
        self.path = str(path)
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{self.path}: the question bank is invalid ({len(problems)} problem(s)); "
                         f"fix these and load it again:\n{lines}")


class Text(BaseModel):
    """A text in every platform language (zh-CN and en), neither empty."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)

    zh_CN: str = Field(alias="zh-CN", min_length=1)
    en: str = Field(min_length=1)

    @field_validator("zh_CN", "en")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("translation is blank")
        return value.strip()

    def get(self, lang: str) -> str:
        if lang not in LANGUAGES:
            raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGUAGES)}")
        return self.zh_CN if lang == "zh-CN" else self.en


class Question(BaseModel):
    """One multiple-choice question. `answer` indexes `choices` as written in the bank."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    topic: str
    question: Text
    choices: list[Text] = Field(min_length=MIN_CHOICES, max_length=MAX_CHOICES)
    answer: int
    explanation: Text
    shuffle: bool = True

    @field_validator("id")
    @classmethod
    def _id_format(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError("id must be 1-64 lowercase letters, digits or '-', starting with a letter or digit")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> "Question":
        if not 0 <= self.answer < len(self.choices):
            raise ValueError(f"field 'answer': index {self.answer} is out of range for "
                             f"{len(self.choices)} choices (use 0..{len(self.choices) - 1})")
        for lang in LANGUAGES:
            texts = [c.get(lang) for c in self.choices]
            if len(set(texts)) != len(texts):
                raise ValueError(f"field 'choices': two {lang} choices are identical")
        if self.shuffle and any(_POSITIONAL.search(c.get(lang)) for c in self.choices for lang in LANGUAGES):
            raise ValueError("field 'shuffle': a choice refers to other choices by position "
                             "(e.g. 'all of the above'); set 'shuffle: false' or reword it")
        return self


class AttemptRules(BaseModel):
    """How an attempt is drawn and scored."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    questions: int = Field(ge=1, description="questions drawn per attempt")
    pass_mark: int = Field(ge=1, description="correct answers needed to pass")
    cooldown_seconds: int = Field(ge=0, description="minimum gap between two attempts by one holder")
    time_limit_seconds: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _mark_fits(self) -> "AttemptRules":
        if self.pass_mark > self.questions:
            raise ValueError(f"field 'pass_mark': {self.pass_mark} exceeds the {self.questions} questions drawn")
        return self


class QuestionBank(BaseModel):
    """A versioned question bank. `version` is the `quizVersion` that attestations carry."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int = Field(ge=1, le=MAX_QUIZ_VERSION)
    title: Text
    topics: dict[str, Text] = Field(min_length=1)
    attempt: AttemptRules
    questions: list[Question] = Field(min_length=1)

    @model_validator(mode="after")
    def _cross_checks(self) -> "QuestionBank":
        problems = _cross_problems([(q.id, q.topic) for q in self.questions], self.topics)
        if self.attempt.questions > len(self.questions):
            problems.append(f"attempt: field 'questions': draws {self.attempt.questions} but the bank "
                            f"has only {len(self.questions)}")
        if problems:
            raise ValueError("\n".join(problems))
        return self

    def by_id(self, question_id: str) -> Question:
        for q in self.questions:
            if q.id == question_id:
                return q
        raise KeyError(f"no question with id {question_id!r} in bank version {self.version}")


def _cross_problems(items: list[tuple[Any, Any]], topics: Any) -> list[str]:
    """Checks that span questions: unique ids, declared topics. Runs on raw data too, so a bank
    with per-question errors still gets these reported in the same pass."""
    problems: list[str] = []
    seen: dict[Any, int] = {}
    declared = sorted(topics) if isinstance(topics, dict) else []
    for i, (qid, topic) in enumerate(items):
        if qid is None:
            continue
        if qid in seen:
            problems.append(f"question #{i} (id {qid!r}): field 'id': duplicate of question #{seen[qid]}")
        else:
            seen[qid] = i
        if declared and topic is not None and topic not in declared:
            problems.append(f"question #{i} (id {qid!r}): field 'topic': {topic!r} is not declared "
                            f"under 'topics' (declared: {', '.join(declared)})")
    return problems


def _describe(error: dict[str, Any], raw: Any) -> list[str]:
    """Turns one pydantic error into messages naming the question and the field."""
    loc = list(error["loc"])
    msg = error["msg"].removeprefix("Value error, ")
    if error["type"] == "missing" and loc and loc[-1] in LANGUAGES:
        msg = f"missing translation {loc[-1]!r}"
    where = "bank"
    if len(loc) >= 2 and loc[0] == "questions" and isinstance(loc[1], int):
        index = loc[1]
        qid = None
        if isinstance(raw, dict) and isinstance(raw.get("questions"), list) and index < len(raw["questions"]):
            item = raw["questions"][index]
            qid = item.get("id") if isinstance(item, dict) else None
        where = f"question #{index}" + (f" (id {qid!r})" if qid is not None else " (no id)")
        loc = loc[2:]
    elif loc:
        where = str(loc[0])
        loc = loc[1:]
    elif "\n" in msg or msg.startswith("question #"):
        return msg.split("\n")  # cross-question checks already name their question
    field = ".".join(str(p) for p in loc)
    if field and "field '" not in msg:
        return [f"{where}: field '{field}': {msg}"]
    return [f"{where}: {msg}"]


def parse_bank(raw: Any, path: Path | str = "<memory>") -> QuestionBank:
    """Validates an already-parsed bank document; raises QuizBankError naming `path`."""
    if not isinstance(raw, dict):
        raise QuizBankError(path, ["the document must be a mapping with version, title, topics, "
                                   "attempt and questions"])
    try:
        return QuestionBank.model_validate(raw)
    except ValidationError as exc:
        problems: list[str] = []
        for err in exc.errors():
            problems.extend(_describe(err, raw))
        questions = raw.get("questions")
        if isinstance(questions, list):
            items = [(q.get("id"), q.get("topic")) if isinstance(q, dict) else (None, None) for q in questions]
            problems.extend(p for p in _cross_problems(items, raw.get("topics")) if p not in problems)
        raise QuizBankError(path, problems) from None


def load_bank(path: Path | str = DEFAULT_BANK) -> QuestionBank:
    """Loads and validates a bank file. Raises QuizBankError naming the file and each bad question."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise QuizBankError(path, ["file not found; pass the path of a question bank YAML"]) from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise QuizBankError(path, [f"{where}not valid YAML ({getattr(exc, 'problem', exc)})"]) from None
    return parse_bank(raw, path)

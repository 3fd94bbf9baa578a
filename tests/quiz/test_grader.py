"""The grader as a library: draws, shuffling, scoring, cooldown (both stores), attestations."""

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gaoling.quiz import (
    AnswerError, AnswerSheet, AttemptAlreadyGraded, AttemptTimedOut, CooldownActive, Grader,
    MemoryAttemptStore, SQLiteAttemptStore, UnknownAttempt,
)
from gaoling.quiz.grader import Attempt

HOLDER = "0x1111111111111111111111111111111111111111"
OTHER = "0x2222222222222222222222222222222222222222"


def correct_positions(bank, attempt):
    return [order.index(bank.by_id(q.id).answer) for q, order in zip(attempt.questions, attempt.order)]


def test_draw_is_distinct_covers_topics_and_is_seeded(bank, clock):
    a = Grader(bank, rng=random.Random(1), clock=clock).start(HOLDER)
    b = Grader(bank, rng=random.Random(1), clock=clock).start(HOLDER)
    c = Grader(bank, rng=random.Random(2), clock=clock).start(HOLDER)
    ids = [q.id for q in a.questions]
    assert len(ids) == bank.attempt.questions == len(set(ids))
    assert ids == [q.id for q in b.questions] and a.order == b.order
    assert ids != [q.id for q in c.questions]
    # Round-robin across topics: with at least as many topics as questions, no topic repeats.
    topics = [q.topic for q in a.questions]
    assert len(set(topics)) == min(len(bank.topics), len(topics))


def test_public_view_hides_the_answer_mapping(grader):
    attempt = grader.start(HOLDER)
    public = attempt.public()
    assert "order" not in public
    assert "answer" not in str(public).lower().replace("answers", "")
    assert len(public["questions"]) == len(attempt.questions)


def test_choices_are_shuffled_but_stay_consistent(bank, grader):
    attempt = grader.start(HOLDER)
    assert any(order != sorted(order) for order in attempt.order)
    for pq, order in zip(attempt.questions, attempt.order):
        q = bank.by_id(pq.id)
        assert sorted(order) == list(range(len(q.choices)))
        assert pq.choices == [q.choices[i] for i in order]


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32), wrong=st.sets(st.integers(0, 9), max_size=10))
def test_score_counts_exactly_the_right_answers(bank, seed, wrong):
    grader = Grader(bank, rng=random.Random(seed), clock=lambda: 1_800_000_000)
    attempt = grader.start(HOLDER)
    answers = correct_positions(bank, attempt)
    for i in wrong:
        answers[i] = (answers[i] + 1) % len(attempt.questions[i].choices)
    result = grader.grade(attempt.attempt_id, answers)
    total = bank.attempt.questions
    assert result.correct == total - len(wrong)
    assert result.score == (total - len(wrong)) * 100 // total
    assert result.passed == (total - len(wrong) >= bank.attempt.pass_mark)
    assert [r.correct for r in result.results] == [i not in wrong for i in range(total)]
    assert result.attestation is None  # no attester configured


def test_unanswered_counts_as_wrong_and_fails(bank, grader):
    attempt = grader.start(HOLDER)
    result = grader.grade(attempt.attempt_id, [None] * len(attempt.questions))
    assert (result.correct, result.score, result.passed) == (0, 0, False)


def test_pass_signs_an_attestation_for_the_holder(bank, clock, signer, attester):
    grader = Grader(bank, rng=random.Random(3), clock=clock, attester=signer)
    attempt = grader.start(HOLDER.lower())
    result = grader.grade(attempt.attempt_id, correct_positions(bank, attempt))
    assert result.passed and result.score == 100
    qp = result.attestation.quiz_pass
    assert qp.holder == "0x1111111111111111111111111111111111111111"
    assert (qp.quiz_version, qp.score, qp.expiry) == (bank.version, 100, clock.now + 3600)
    assert result.attestation.signer() == attester.address


def test_fail_signs_nothing(bank, clock, signer):
    grader = Grader(bank, rng=random.Random(3), clock=clock, attester=signer)
    attempt = grader.start(HOLDER)
    answers = correct_positions(bank, attempt)
    for i in range(bank.attempt.questions - bank.attempt.pass_mark + 1):
        answers[i] = None
    result = grader.grade(attempt.attempt_id, answers)
    assert not result.passed and result.attestation is None


def make_store(kind, tmp_path):
    return MemoryAttemptStore() if kind == "memory" else SQLiteAttemptStore(tmp_path / "attempts.sqlite")


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_cooldown_per_holder(bank, clock, tmp_path, kind):
    grader = Grader(bank, store=make_store(kind, tmp_path), rng=random.Random(5), clock=clock)
    grader.start(HOLDER)
    cooldown = bank.attempt.cooldown_seconds
    clock.now += cooldown - 1
    with pytest.raises(CooldownActive, match="allowed in 1 s") as info:
        grader.start(HOLDER.upper().replace("0X", "0x"))  # same holder, other spelling
    assert info.value.retry_at == clock.now + 1
    grader.start(OTHER)  # other holders are unaffected
    clock.now += 1
    grader.start(HOLDER)


def test_sqlite_cooldown_is_shared_between_workers(bank, clock, tmp_path):
    path = tmp_path / "shared.sqlite"
    first = Grader(bank, store=SQLiteAttemptStore(path), rng=random.Random(1), clock=clock)
    second = Grader(bank, store=SQLiteAttemptStore(path), rng=random.Random(2), clock=clock)
    attempt = first.start(HOLDER)
    with pytest.raises(CooldownActive):
        second.start(HOLDER)
    # The second worker can grade the attempt the first one started, exactly once.
    second.grade(attempt.attempt_id, correct_positions(bank, second.attempt(attempt.attempt_id)))
    with pytest.raises(AttemptAlreadyGraded):
        first.grade(attempt.attempt_id, [None] * len(attempt.questions))
    history = SQLiteAttemptStore(path).history("0x1111111111111111111111111111111111111111")
    assert len(history) == 1 and history[0]["outcome"]["passed"] is True


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_attempt_is_graded_once(bank, tmp_path, kind, clock):
    grader = Grader(bank, store=make_store(kind, tmp_path), rng=random.Random(9), clock=clock)
    attempt = grader.start(HOLDER)
    grader.grade(attempt.attempt_id, [None] * len(attempt.questions))
    with pytest.raises(AttemptAlreadyGraded):
        grader.grade(attempt.attempt_id, correct_positions(bank, attempt))


def test_time_limit(bank, grader, clock):
    attempt = grader.start(HOLDER)
    clock.now += bank.attempt.time_limit_seconds + 1
    with pytest.raises(AttemptTimedOut, match="counts as failed"):
        grader.grade(attempt.attempt_id, correct_positions(bank, attempt))
    with pytest.raises(AttemptAlreadyGraded):
        grader.grade(attempt.attempt_id, correct_positions(bank, attempt))


def test_bad_answers_are_rejected_without_using_the_attempt(bank, grader):
    attempt = grader.start(HOLDER)
    good = correct_positions(bank, attempt)
    with pytest.raises(AnswerError, match=r"expected 10 answers"):
        grader.grade(attempt.attempt_id, good[:-1])
    bad = list(good)
    bad[2] = 7
    with pytest.raises(AnswerError, match=rf"answers\[2\] \(question '{attempt.questions[2].id}'\)"):
        grader.grade(attempt.attempt_id, bad)
    bad[2] = True
    with pytest.raises(AnswerError):
        grader.grade(attempt.attempt_id, bad)
    assert grader.grade(attempt.attempt_id, good).passed  # the attempt was not consumed


def test_unknown_attempt_and_bad_holder(grader):
    with pytest.raises(UnknownAttempt):
        grader.grade("nope", [])
    with pytest.raises(ValueError, match="holder: 'alice' is not an Ethereum address"):
        grader.start("alice")


def test_attempt_round_trips_through_the_store(grader):
    attempt = grader.start(HOLDER)
    assert grader.attempt(attempt.attempt_id) == attempt
    assert Attempt.model_validate_json(attempt.model_dump_json()) == attempt


def test_answer_sheet_by_index_and_by_text(bank, grader, tmp_path):
    attempt = grader.start(HOLDER)
    sheet = {}
    for n, pq in enumerate(attempt.questions):
        q = bank.by_id(pq.id)
        choice = q.choices[q.answer]
        sheet[pq.id] = [q.answer, choice.en, choice.zh_CN][n % 3]
    path = tmp_path / "sheet.yaml"
    import yaml
    path.write_text(yaml.safe_dump({"answers": sheet}, allow_unicode=True), encoding="utf-8")
    positions = AnswerSheet.load(path).positions(attempt, bank)
    assert positions == correct_positions(bank, attempt)

    first = attempt.questions[0].id
    path.write_text(yaml.safe_dump({first: "no such choice"}), encoding="utf-8")
    with pytest.raises(AnswerError, match=rf"sheet\.yaml: question '{first}': 'no such choice' matches none"):
        AnswerSheet.load(path).positions(attempt, bank)
    path.write_text(yaml.safe_dump({first: 9}), encoding="utf-8")
    with pytest.raises(AnswerError, match="out of range"):
        AnswerSheet.load(path).positions(attempt, bank)
    path.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(AnswerError, match="expected a mapping"):
        AnswerSheet.load(path)

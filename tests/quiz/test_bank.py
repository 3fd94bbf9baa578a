"""The question bank: the real one loads, and every kind of malformation is reported with the
file, the question (position and id) and the field."""

import copy
from pathlib import Path

import pytest
import yaml

from gaoling.quiz import DEFAULT_BANK, QuizBankError, load_bank

LANGS = ("zh-CN", "en")


def test_real_bank_loads_and_covers_every_topic(bank):
    assert bank.version >= 1
    assert len(bank.questions) >= 36
    topics = {q.topic for q in bank.questions}
    assert topics == set(bank.topics)
    assert bank.attempt.pass_mark <= bank.attempt.questions <= len(bank.questions)
    for q in bank.questions:
        assert 3 <= len(q.choices) <= 4
        assert 0 <= q.answer < len(q.choices)
        for lang in LANGS:
            assert q.question.get(lang) and q.explanation.get(lang)
            assert all(c.get(lang) for c in q.choices)


def test_real_bank_covers_the_required_subjects(bank):
    text = " ".join(q.question.en + " " + q.explanation.en for q in bank.questions).lower()
    for subject in ("kaolin", "porcelain stone", "binary formula", "throwing", "trimming", "mould",
                    "dipping", "blowing", "swirling", "brush", "cobalt", "famille rose", "egg",
                    "dragon kiln", "gas", "1,280–1,320", "reduction", "oxidation", "crackle", "shrink",
                    "bisque", "qingbai", "linglong", "72"):
        assert subject in text, subject


@pytest.fixture
def raw():
    return yaml.safe_load(DEFAULT_BANK.read_text(encoding="utf-8"))


def write(tmp_path: Path, doc) -> Path:
    path = tmp_path / "bank.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


def load_error(tmp_path, doc) -> str:
    path = write(tmp_path, doc)
    with pytest.raises(QuizBankError) as info:
        load_bank(path)
    message = str(info.value)
    assert str(path) in message
    return message


def test_answer_out_of_range_names_file_question_and_field(tmp_path, raw):
    raw["questions"][3]["answer"] = len(raw["questions"][3]["choices"])
    qid = raw["questions"][3]["id"]
    msg = load_error(tmp_path, raw)
    assert f"question #3 (id '{qid}')" in msg and "'answer'" in msg and "out of range" in msg


def test_negative_answer(tmp_path, raw):
    raw["questions"][0]["answer"] = -1
    assert "question #0 (id 'kaolin-name')" in load_error(tmp_path, raw)


def test_duplicate_ids(tmp_path, raw):
    raw["questions"][5]["id"] = raw["questions"][1]["id"]
    msg = load_error(tmp_path, raw)
    assert f"question #5 (id '{raw['questions'][1]['id']}'): field 'id': duplicate of question #1" in msg


@pytest.mark.parametrize("where", ["question", "explanation", "choices"])
@pytest.mark.parametrize("lang", LANGS)
def test_missing_translation(tmp_path, raw, where, lang):
    q = raw["questions"][2]
    if where == "choices":
        del q["choices"][1][lang]
        field = f"choices.1.{lang}"
    else:
        del q[where][lang]
        field = f"{where}.{lang}"
    msg = load_error(tmp_path, raw)
    assert f"question #2 (id '{q['id']}'): field '{field}': missing translation '{lang}'" in msg


def test_blank_translation(tmp_path, raw):
    raw["questions"][4]["question"]["en"] = "   "
    msg = load_error(tmp_path, raw)
    assert "question #4" in msg and "question.en" in msg


@pytest.mark.parametrize("count", [2, 5])
def test_wrong_number_of_choices(tmp_path, raw, count):
    q = raw["questions"][6]
    base = q["choices"][0]
    q["choices"] = [{"zh-CN": f"{base['zh-CN']}{i}", "en": f"{base['en']} {i}"} for i in range(count)]
    q["answer"] = 0
    msg = load_error(tmp_path, raw)
    assert f"question #6 (id '{q['id']}'): field 'choices'" in msg


def test_identical_choices(tmp_path, raw):
    q = raw["questions"][7]
    q["choices"][1] = copy.deepcopy(q["choices"][0])
    assert f"question #7 (id '{q['id']}'): field 'choices': two zh-CN choices are identical" in load_error(tmp_path, raw)


def test_positional_choice_must_not_be_shuffled(tmp_path, raw):
    q = raw["questions"][8]
    q["choices"][-1] = {"zh-CN": "以上都对", "en": "All of the above"}
    msg = load_error(tmp_path, raw)
    assert f"question #8 (id '{q['id']}'): field 'shuffle'" in msg
    q["shuffle"] = False
    load_bank(write(tmp_path, raw))  # allowed once it keeps its order


def test_unknown_topic_and_unknown_field(tmp_path, raw):
    raw["questions"][9]["topic"] = "alchemy"
    raw["questions"][10]["difficulty"] = "hard"
    msg = load_error(tmp_path, raw)
    assert f"question #9 (id '{raw['questions'][9]['id']}'): field 'topic': 'alchemy' is not declared" in msg
    # Both problems are reported in one pass.
    assert f"question #10 (id '{raw['questions'][10]['id']}'): field 'difficulty'" in msg


def test_missing_id_is_reported_by_position(tmp_path, raw):
    del raw["questions"][11]["id"]
    assert "question #11 (no id): field 'id'" in load_error(tmp_path, raw)


def test_bad_id_format(tmp_path, raw):
    raw["questions"][0]["id"] = "Kaolin Name"
    assert "question #0 (id 'Kaolin Name'): field 'id'" in load_error(tmp_path, raw)


def test_pass_mark_and_draw_size(tmp_path, raw):
    raw["attempt"]["pass_mark"] = raw["attempt"]["questions"] + 1
    assert "attempt: field 'pass_mark'" in load_error(tmp_path, raw)
    raw["attempt"]["pass_mark"] = 1
    raw["attempt"]["questions"] = len(raw["questions"]) + 1
    assert "attempt: field 'questions'" in load_error(tmp_path, raw)


def test_version_must_fit_the_contract(tmp_path, raw):
    raw["version"] = 2**64
    assert "version" in load_error(tmp_path, raw)
    del raw["version"]
    assert "version" in load_error(tmp_path, raw)


def test_not_yaml_and_not_a_mapping(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("version: 1\nquestions: [\n", encoding="utf-8")
    with pytest.raises(QuizBankError, match=r"(?s)broken\.yaml.*line \d+"):
        load_bank(path)
    path.write_text("- just a list\n", encoding="utf-8")
    with pytest.raises(QuizBankError, match="must be a mapping"):
        load_bank(path)
    with pytest.raises(QuizBankError, match="file not found"):
        load_bank(tmp_path / "missing.yaml")

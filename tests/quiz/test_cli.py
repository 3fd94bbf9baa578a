"""`ape run quiz` commands, invoked in-process on the test chain."""

import importlib.util
import io
import json
import re
from pathlib import Path

import click
import pytest
import yaml
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def quiz_cli():
    spec = importlib.util.spec_from_file_location("quiz_script", ROOT / "scripts" / "quiz.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.cli


def invoke(cli, *args, input=None):
    result = CliRunner().invoke(cli, [str(a) for a in args], input=input, catch_exceptions=False,
                                env={"COLUMNS": "200"})
    return result


def call(cli, command, **kwargs):
    """Runs a chain-touching command's body on the test session's provider. (Through click, an
    Ape ConnectedProviderCommand would launch a second anvil; option parsing is covered below.)"""
    return cli.commands[command].callback(**kwargs)


def test_help_on_every_command(quiz_cli):
    for command in ("take", "submit", "mint", "status", "deploy", "validate"):
        result = invoke(quiz_cli, command, "--help")
        assert result.exit_code == 0, result.output
        assert "Usage:" in result.output


def test_validate_reports_a_bad_bank(quiz_cli, tmp_path, bank):
    raw = yaml.safe_load((ROOT / "metadata/quiz/firing-process.yaml").read_text(encoding="utf-8"))
    raw["questions"][0]["answer"] = 9
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    result = invoke(quiz_cli, "validate", "--bank", bad)
    assert result.exit_code == 2  # a mistake to fix (docs/commands.md)
    assert "bad.yaml" in result.output and "question #0 (id 'kaolin-name')" in result.output
    assert invoke(quiz_cli, "validate").exit_code == 0


def test_take_with_answer_sheet_then_third_party_submit(quiz_cli, certificate, attester, alice, stranger, bank,
                                                         tmp_path, capsys):
    sheet = tmp_path / "sheet.yaml"
    sheet.write_text(yaml.safe_dump({q.id: q.choices[q.answer].zh_CN for q in bank.questions}, allow_unicode=True),
                     encoding="utf-8")
    out = tmp_path / "pass.json"
    take = dict(account=attester, certificate_address=certificate.address, holder=alice.address,
                bank_path=ROOT / "metadata/quiz/firing-process.yaml", answers_path=sheet, lang="zh-CN",
                store_path=tmp_path / "attempts.sqlite", ttl=3600, out=out)
    call(quiz_cli, "take", **take)
    printed = capsys.readouterr().out
    assert "通过" in printed and "测验证明已写入" in printed and "passed" not in printed  # --lang zh-CN throughout
    assert json.loads(out.read_text())["quiz_pass"]["holder"] == alice.address

    with pytest.raises(click.ClickException, match="next attempt is allowed in"):
        call(quiz_cli, "take", **take)

    call(quiz_cli, "submit", account=stranger, attestation=out, certificate_address=None)
    assert f"certificate #1 minted to {alice.address}" in capsys.readouterr().out
    assert certificate.hasCertificate(alice)

    with pytest.raises(click.ClickException, match="already used"):
        call(quiz_cli, "mint", account=stranger, attestation=out, certificate_address=None)
    call(quiz_cli, "status", holder=alice.address, certificate_address=certificate.address)
    assert "certificate #1, quiz v1" in capsys.readouterr().out


def test_interactive_take_all_skipped_fails(quiz_cli, certificate, attester, bob, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("-\n" * 10))
    out = tmp_path / "pass.json"
    with pytest.raises(SystemExit) as info:
        call(quiz_cli, "take", account=attester, certificate_address=certificate.address, holder=bob.address,
             bank_path=ROOT / "metadata/quiz/firing-process.yaml", answers_path=None, lang="en",
             store_path=tmp_path / "a.sqlite", ttl=3600, out=out)
    assert info.value.code == 1
    assert "not passed" in capsys.readouterr().out and not out.exists()


def test_take_refuses_an_account_without_the_role(quiz_cli, certificate, stranger, bob, tmp_path):
    with pytest.raises(click.ClickException, match="does not hold ATTESTER_ROLE"):
        call(quiz_cli, "take", account=stranger, certificate_address=certificate.address, holder=bob.address,
             bank_path=ROOT / "metadata/quiz/firing-process.yaml", answers_path=None, lang="en",
             store_path=tmp_path / "a.sqlite", ttl=3600, out=None)


def test_wrong_certificate_address(quiz_cli, stranger, tmp_path):
    with pytest.raises(click.ClickException, match="no contract at"):
        call(quiz_cli, "status", holder=stranger.address, certificate_address=stranger.address)


def test_bad_address_names_the_option(quiz_cli):
    result = invoke(quiz_cli, "take", "--certificate", "0x12", "--holder", "bob")
    assert result.exit_code == 2 and "--certificate: '0x12' is not an Ethereum address" in result.output


def test_bad_answer_sheet_fails_before_spending_an_attempt(quiz_cli, certificate, attester, alice, bank, tmp_path):
    sheet = tmp_path / "sheet.yaml"
    sheet.write_text(yaml.safe_dump({"no-such-question": 0}), encoding="utf-8")
    take = dict(account=attester, certificate_address=certificate.address, holder=alice.address,
                bank_path=ROOT / "metadata/quiz/firing-process.yaml", answers_path=sheet, lang="en",
                store_path=tmp_path / "attempts.sqlite", ttl=3600, out=tmp_path / "pass.json")
    with pytest.raises(click.ClickException, match="'no-such-question' is not in bank version 1"):
        call(quiz_cli, "take", **take)
    sheet.write_text(yaml.safe_dump({q.id: q.answer for q in bank.questions}), encoding="utf-8")
    call(quiz_cli, "take", **take)  # no cooldown was started by the bad sheet
    assert (tmp_path / "pass.json").exists()


def test_interactive_take_in_chinese_prompts_in_chinese(quiz_cli, certificate, attester, bob, tmp_path, monkeypatch,
                                                        capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("x\n" + "-\n" * 10))  # one invalid answer, then skips
    with pytest.raises(SystemExit):
        call(quiz_cli, "take", account=attester, certificate_address=certificate.address, holder=bob.address,
             bank_path=ROOT / "metadata/quiz/firing-process.yaml", answers_path=None, lang="zh-CN",
             store_path=tmp_path / "a.sqlite", ttl=3600, out=tmp_path / "pass.json")
    printed = capsys.readouterr().out
    # The draw is random and some questions have three choices, so the letters offered vary.
    assert re.search(r"你的答案（A/B/C(/D)?，或输入 - 跳过）", printed)
    assert re.search(r"请输入 A/B/C(/D)? 之一，或 -", printed)
    assert "未通过" in printed and "your answer" not in printed and "not passed" not in printed

"""What the commands print, as an operator copies it: `--help` that does not depend on an earlier
chain read, errors that name the command's own argument, full addresses and URIs in tables (also
in an 80-column terminal and in a pipe), no call-trace dump before a decoded revert, and every
command that reads the manifest taking `--deployment`."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import click
from ape.cli import ConnectedProviderCommand

from tests.cli.conftest import ALICE, ATTESTER, ApeRun, assert_clean_error
from tests.cli.test_commands import _shipping_env

ROOT = Path(__file__).resolve().parents[2]
# Commands that connect but read no deployment manifest: they deploy, or start their own chain.
NO_MANIFEST = {("deploy", ""), ("quiz", "deploy"), ("bench", ""), ("demo", "")}


def _commands():
    for path in sorted((ROOT / "scripts").glob("*.py")):
        spec = importlib.util.spec_from_file_location(f"gaoling_script_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        cli = getattr(module, "cli", None)
        if cli is None:
            continue
        items = cli.commands.items() if isinstance(cli, click.Group) else [("", cli)]
        for name, command in items:
            yield path.stem, name, command


def test_every_command_that_reads_the_manifest_takes_deployment():
    lacking = [f"{script} {name}".strip() for script, name, command in _commands()
               if isinstance(command, ConnectedProviderCommand) and (script, name) not in NO_MANIFEST
               and "--deployment" not in {opt for p in command.params for opt in getattr(p, "opts", [])}]
    assert lacking == []
    # and every option that names a manifest is called --deployment (analytics had --manifest)
    misnamed = [f"{script} {name} {param.opts}" for script, name, command in _commands() for param in command.params
                if isinstance(param, click.Option) and "--manifest" in param.opts and "--deployment" not in param.opts]
    assert misnamed == []


def test_glaze_help_is_the_same_before_and_after_a_chain_read(ape_run):
    before = ape_run.all([("coupons", "exchange", "--help"), ("voucher", "redeem", "--help")], at_once=2)
    assert ape_run("coupons", "list").code == 0
    after = ape_run.all([("coupons", "exchange", "--help"), ("voucher", "redeem", "--help")], at_once=2)
    for was, now in zip(before, after):
        assert was.code == now.code == 0 and was.out == now.out
        text = " ".join(now.out.split())
        assert "ape run coupons list" in text and "Read from the chain" not in text


def test_errors_name_the_argument_as_the_command_spells_it(ape_run, tmp_path):
    empty = tmp_path / "checkins.jsonl"
    empty.write_text("")
    missing, nothing = ape_run.all([("voucher", "status", "99"), ("checkin", "relay", "--account", ALICE, str(empty))],
                                   at_once=2)
    assert_clean_error(missing, 2, "TOKEN_ID: voucher 99 does not exist")
    assert "token_id:" not in missing.text
    assert_clean_error(nothing, 2, "FILES: nothing to relay; collect signed check-ins first")


def test_tables_keep_addresses_and_uris_whole(world, ape_run):
    """In a pipe (no COLUMNS) nothing is cut; in an 80-column terminal addresses stay on one line."""
    payees = list(world.edition.payees()[0])
    piped, narrow = ape_run.all([
        {"args": ("sale", "status"), "env": {"COLUMNS": ""}},
        {"args": ("sale", "status"), "env": {"COLUMNS": "80"}},
    ], at_once=2)
    for result in (piped, narrow):
        assert result.code == 0, result.text
        assert "…" not in result.out
        for payee in payees:
            assert payee in result.out
    listed = ape_run("coupons", "list", env={"COLUMNS": ""})
    assert listed.code == 0 and "…" not in listed.out
    assert world.coupons.uri(4) in listed.out


def test_a_refused_transaction_shows_the_decoded_revert_without_a_trace_dump(world, accounts, ape_run, tmp_path):
    alice = accounts[1]
    token = world.collector(alice)
    vid = world.buy(alice, token)
    details, env = _shipping_env(tmp_path)
    world.vouchers.pause(sender=world.admin)  # not checked before sending: the chain refuses
    refused = ape_run("voucher", "redeem", "--account", ALICE, str(vid), "--glaze", "4", "--details", str(details),
                      "--store", str(tmp_path / "shipping.sqlite3"), env=env)
    assert_clean_error(refused, 1, "EnforcedPause", "GaolingVouchers is paused")
    assert "tx.origin=" not in refused.text and "reverted without message" not in refused.text


def test_quiz_cooldown_is_a_mistake_with_a_date(accounts, ape_run, tmp_path):
    import yaml

    from gaoling.quiz import load_bank
    from gaoling.quiz.bank import DEFAULT_BANK

    sheet = tmp_path / "sheet.yaml"
    sheet.write_text(yaml.safe_dump({q.id: q.answer for q in load_bank(DEFAULT_BANK).questions}))
    holder = accounts[2].address
    take = ("quiz", "take", "--account", ATTESTER, "--holder", holder, "--answers", str(sheet),
            "--store", str(tmp_path / "attempts.sqlite3"), "--out", str(tmp_path / "pass.json"))
    first = ape_run(*take)
    assert first.code == 0, first.text
    again = ape_run(*take)
    assert_clean_error(again, 2, "--holder", f"{holder} started an attempt recently", "CST", "UTC")
    assert re.search(r"allowed in (59 minutes|1 hour), at 20\d\d-", again.text), again.text
    assert "unix time" not in again.text and " s (" not in again.text


def test_a_signed_request_on_stdout_is_only_the_request(world, accounts, ape_run, tmp_path):
    """`coupons exchange --sign-only > req.json`, as documented: stdout is the JSON and nothing else
    (Ape's "Connecting ..." and "Confirmed ..." lines go to stderr), so the file relays as it is."""
    alice = accounts[1]
    world.ledger.recordPurchase(alice.address, 0, 1, sender=world.admin)  # points for a coupon
    signed = ape_run("coupons", "exchange", "--account", ALICE, "--glaze", "1", "--sign-only")
    assert signed.code == 0, signed.text
    json.loads(signed.out)  # the whole of stdout
    request = tmp_path / "req.json"
    request.write_text(signed.out)
    relayed = ape_run("coupons", "exchange", "--account", ATTESTER, "--relay", str(request))
    assert relayed.code == 0, relayed.text
    assert world.coupons.balanceOf(alice.address, 1) == 1
    assert "Confirmed" not in relayed.out and "Connecting" not in relayed.out


def test_a_network_that_does_not_answer_is_a_mistake_named_by_network(ape_run):
    from tests.fork.chains import free_port

    result = ApeRun(f"http://127.0.0.1:{free_port()}", ape_run.manifest)("sale", "status", deployment=None)
    assert_clean_error(result, 2, "--network", "No (supported) node found", "next:")


def test_every_command_has_help_that_says_what_it_does():
    from click.testing import CliRunner

    for script, name, command in _commands():
        result = CliRunner().invoke(command, ["--help"], prog_name=f"ape run {script} {name}".strip())
        assert result.exit_code == 0 and "Traceback" not in result.output, (script, name, result.output)
        summary = (command.help or command.short_help or "").strip()
        assert summary, f"ape run {script} {name} has no help text"

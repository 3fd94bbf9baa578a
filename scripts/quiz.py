"""The firing-process quiz and its certificate.

    ape run quiz validate [--bank FILE]
    ape run quiz take --holder 0xWALLET --account attester [--answers sheet.yaml] [--lang zh-CN]
    ape run quiz submit pass.json --account relayer          (alias: mint)
    ape run quiz status 0xWALLET
    ape run quiz deploy --account admin --attester 0xGRADER_KEY

The certificate comes from deployments/<chainId>.json (or --deployment PATH); --certificate
overrides. `--lang zh-CN` asks every question and prints every line in Chinese.

`take` signs the attestation with --account, which must hold ATTESTER_ROLE on the certificate.
`submit` may be run by anyone: the certificate always goes to the holder named in the pass. It
relays to the certificate the pass was signed for, unless --certificate or --deployment names one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from ape import chain, project
from ape.cli import account_option, network_option

from gaoling import display
from gaoling.cli import ChainCommand, Deployment, UserError, deployment_option, group
from gaoling.quiz import AnswerError, Attester, Grader, QuizBankError, QuizError, SignedQuizPass, load_bank
from gaoling.quiz.attestation import DEFAULT_TTL_SECONDS, checksum
from gaoling.quiz.bank import DEFAULT_BANK, LANGUAGES
from gaoling.quiz.certificate import CertificateError, deploy, domain_of, require_attester, submit
from gaoling.quiz.grader import AnswerSheet, CooldownActive
from gaoling.quiz.store import SQLiteAttemptStore
from gaoling.quiz.terminal import take as run_take

console = display.console()
DEFAULT_STORE = Path(".cache/gaoling-quiz/attempts.sqlite")


def _address(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return checksum(value, param.opts[0] if param.opts else param.name)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def _bank(path: Path):
    try:
        return load_bank(path)
    except QuizBankError as exc:
        raise UserError(str(exc), "--bank", "fix the bank file (ape run check FILE checks it)") from None


def _certificate(address: str | None, deployment: Path | None = None) -> Any:
    return Deployment(deployment).open("certificate", address)


bank_option = click.option("--bank", "bank_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                           default=DEFAULT_BANK, show_default=True, help="Question bank YAML.")
certificate_option = click.option("--certificate", "certificate_address", callback=_address,
                                  envvar="GAOLING_CERTIFICATE",
                                  help="FiringCertificate address [default: from the deployment manifest].")


@group(help="Firing-process quiz: validate the bank, take the quiz, relay the certificate mint.")
def cli() -> None:
    pass


@cli.command(help="Load and check a question bank; list its topics.")
@bank_option
def validate(bank_path: Path) -> None:
    bank = _bank(bank_path)
    table = display.table("topic", "主题", "questions", title=f"{bank_path} · version {bank.version} · "
                          f"{len(bank.questions)} questions")
    for key, name in bank.topics.items():
        table.add_row(name.en, name.zh_CN, str(sum(q.topic == key for q in bank.questions)))
    console.print(table)
    rules = bank.attempt
    console.print(f"[green]valid[/]: {rules.questions} drawn per attempt, pass mark {rules.pass_mark}, "
                  f"cooldown {rules.cooldown_seconds} s")


@cli.command(cls=ChainCommand, help="Take the quiz; on a pass, sign a QuizPass attestation with --account.")
@network_option()
@account_option()
@certificate_option
@click.option("--holder", required=True, callback=_address, help="Wallet that will receive the certificate.")
@bank_option
@click.option("--answers", "answers_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Scripted answer sheet (YAML/JSON: question id -> choice index or text); no prompts.")
@click.option("--lang", type=click.Choice(LANGUAGES), default="en", show_default=True,
              help="Language of the questions and every prompt (zh-CN: Simplified Chinese).")
@deployment_option
@click.option("--store", "store_path", type=click.Path(dir_okay=False, path_type=Path), default=DEFAULT_STORE,
              show_default=True, help="SQLite file holding attempts (for the cooldown).")
@click.option("--ttl", type=click.IntRange(min=60), default=DEFAULT_TTL_SECONDS, show_default=True,
              help="Seconds the attestation stays valid.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the attestation (default .cache/gaoling-quiz/pass-<holder>.json).")
def take(account: Any, certificate_address: str | None, holder: str, bank_path: Path, answers_path: Path | None,
         lang: str, store_path: Path, ttl: int, out: Path | None, deployment: Path | None = None) -> None:
    bank = _bank(bank_path)
    certificate = _certificate(certificate_address, deployment)
    held = int(certificate.certificateOf(holder)[0])
    if held:
        raise UserError(f"{holder} already holds certificate #{held}; there is nothing to take", "--holder",
                        f"ape run quiz status {holder} shows it")
    try:
        require_attester(certificate, account.address)
    except CertificateError as exc:
        raise UserError(str(exc), "--account", "sign with the quiz attester's account (platform.yaml "
                        "certificate.attester)") from None
    try:
        sheet = AnswerSheet.load(answers_path) if answers_path else None
        attester = Attester(account, domain_of(certificate), ttl_seconds=ttl)
        # Chain time, so the expiry means what the contract will check (matters on a local chain).
        grader = Grader(bank, store=SQLiteAttemptStore(store_path), attester=attester,
                        clock=lambda: chain.pending_timestamp)
        result = run_take(grader, holder, lang=lang, sheet=sheet, console=console)
    except CooldownActive as exc:
        raise UserError(str(exc), "--holder", "take it again after that") from None
    except (AnswerError, QuizError, ValueError) as exc:
        raise UserError(str(exc), "--answers" if answers_path and isinstance(exc, AnswerError) else None) from None
    if result.attestation is None:
        raise SystemExit(1)
    path = result.attestation.save(out or Path(f".cache/gaoling-quiz/pass-{holder}.json"))
    if lang == "zh-CN":
        console.print(f"测验证明已写入 [bold]{path}[/]；用 `ape run quiz submit {path}` 提交上链")
    else:
        console.print(f"attestation written to [bold]{path}[/]; relay it with `ape run quiz submit {path}`")


def _submit(account: Any, attestation: Path, certificate_address: str | None, deployment: Path | None) -> None:
    try:
        signed = SignedQuizPass.load(attestation)
    except ValueError as exc:
        raise UserError(str(exc), "ATTESTATION", "give the file `ape run quiz take` wrote") from None
    if certificate_address is None and deployment is None:
        certificate_address = signed.verifying_contract  # the certificate the pass was signed for
    certificate = Deployment(deployment).open("certificate", certificate_address)
    try:
        # Chain time: the contract checks the expiry against the block, not this machine's clock.
        receipt = submit(certificate, signed, account, now=chain.pending_timestamp)
    except CertificateError as exc:
        raise UserError(str(exc), "ATTESTATION") from None
    minted = certificate.CertificateMinted.from_receipt(receipt)[0]
    console.print(f"[green]certificate #{minted.tokenId}[/] minted to {minted.holder} "
                  f"(quiz v{minted.quizVersion}, score {minted.score}%) · gas {receipt.gas_used}")


@cli.command(cls=ChainCommand, help="Relay an attestation to FiringCertificate.mint (anyone may).")
@network_option()
@account_option()
@click.argument("attestation", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@certificate_option
@deployment_option
def submit_cmd(account: Any, attestation: Path, certificate_address: str | None,
               deployment: Path | None = None) -> None:
    _submit(account, attestation, certificate_address, deployment)


@cli.command(cls=ChainCommand, help="Alias of submit.")
@network_option()
@account_option()
@click.argument("attestation", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@certificate_option
@deployment_option
def mint(account: Any, attestation: Path, certificate_address: str | None, deployment: Path | None = None) -> None:
    _submit(account, attestation, certificate_address, deployment)


cli.commands["submit"] = cli.commands.pop("submit-cmd")
cli.commands["submit"].name = "submit"


@cli.command(cls=ChainCommand, help="Show a wallet's certificate.")
@network_option()
@click.argument("holder", callback=_address)
@certificate_option
@deployment_option
def status(holder: str, certificate_address: str | None, deployment: Path | None = None) -> None:
    token_id, version, score, minted_at, barred = _certificate(certificate_address, deployment).certificateOf(holder)
    if token_id:
        console.print(f"{holder}: certificate #{token_id}, quiz v{version}, score {score}%, "
                      f"minted {display.when(minted_at)}")
    else:
        console.print(f"{holder}: no certificate" + (" (revoked; needs reinstatement)" if barred else ""))


@cli.command(cls=ChainCommand, help="Deploy FiringCertificate with --account as admin.")
@network_option()
@account_option()
@click.option("--attester", callback=_address, help="Address to receive ATTESTER_ROLE (the grader key).")
@click.option("--base-uri", default="", help="Token URI prefix.")
@click.option("--contract-uri", default="", help="ERC-7572 collection metadata URI.")
def deploy_cmd(account: Any, attester: str | None, base_uri: str, contract_uri: str) -> None:
    certificate = deploy(project, account, attester, base_uri=base_uri, contract_uri=contract_uri)
    console.print(f"FiringCertificate at [bold]{certificate.address}[/] (admin {account.address}, "
                  f"attester {attester or 'none yet'})")


cli.commands["deploy"] = cli.commands.pop("deploy-cmd")
cli.commands["deploy"].name = "deploy"

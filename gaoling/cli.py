"""What every `ape run` command shares: error handling, interruption, and contract addresses.

Errors. A command never shows a Python traceback for something its user can fix:
- `UserError` (exit code 2): a bad argument or a state the command checked before sending
  anything. The message names the argument and says what to do next.
- `Refused` (exit code 1): the chain reverted; the revert is decoded by `gaoling.reverts`
  against every platform ABI (so an error raised by a contract the called one calls is named
  too), in English and Chinese.
- Ctrl-C (exit code 130): the command says which of its steps were confirmed (those recorded
  with `journal.did(...)`) and that running it again resumes, since every command checks the chain
  before each step and skips what is already done.
Domain input errors (the `ValueError`s of `gaoling.*`, quiz and certificate errors) and
Ape's account, conversion and network errors become `UserError`s. Anything else is a bug and
keeps its traceback.

Messages name the argument as the command spells it: a library's "token_id: ..." is shown as
"TOKEN_ID: ..." (`spelled`).

Output. stdout is a command's result alone (a JSON a later command reads back, a table); Ape's own
log lines go to stderr (`logs_to_stderr`), and the call trace Ape prints before raising a revert is
left out, since the decoded revert says it (`quiet_revert_traces`; GAOLING_TRACE=1 keeps it).

Use `cls=ChainCommand` for commands that connect (it is Ape's `ConnectedProviderCommand`) and
`cls=Command` for the others; `group()` makes a click group whose commands default to `Command`.

Addresses. `Deployment` finds each contract in `deployments/<chainId>.json` (written by
`ape run deploy`), or in the manifest given with `--deployment PATH`; an explicit option
(`--vouchers 0x…`, `--contract 0x…`) always wins. Editions are found by slug too
(`--contract jingdezhen-blue-and-white`); with one edition in the manifest none needs naming.
Every address is checked to hold code of the expected contract before it is used.
"""

from __future__ import annotations

import difflib
import json
import os
import signal
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import click
from ape.cli import ConnectedProviderCommand

from gaoling import reverts
from gaoling.inputs import parse_address

EXIT_REFUSED = 1
EXIT_USER = 2
EXIT_INTERRUPTED = 130


class UserError(click.ClickException):
    """A mistake its user can fix. `param` is the option or argument at fault; `hint` what to do next."""

    exit_code = EXIT_USER

    def __init__(self, message: str, param: str | None = None, hint: str | None = None) -> None:
        text = message if param is None or message.startswith(param) else f"{param}: {message}"
        if hint:
            text += f"\n  next: {hint}"
        super().__init__(text)
        self.param = param
        self.hint = hint


class Refused(click.ClickException):
    """The chain refused a call; carries the decoded revert."""

    exit_code = EXIT_REFUSED

    def __init__(self, decoded: reverts.DecodedRevert, action: str | None = None) -> None:
        head = f"{action} was refused by the chain" if action else "the chain refused the call"
        super().__init__(f"{head}: {decoded.call()}\n  {decoded.sentence_en}\n  {decoded.sentence_zh}")
        self.decoded = decoded


class Journal:
    """What a command has confirmed so far, for the message after Ctrl-C."""

    def __init__(self) -> None:
        self.done: list[str] = []
        self.resume: str = "run the same command again: it checks the chain and continues where it stopped"

    def did(self, line: str) -> None:
        self.done.append(line)

    def reset(self) -> None:
        self.done = []


journal = Journal()


def _user_error_types() -> tuple[type[BaseException], ...]:
    from gaoling.quiz.certificate import CertificateError
    from gaoling.quiz.grader import QuizError

    return (ValueError, QuizError, CertificateError)


def translate(exc: BaseException, contract: str | None = None) -> click.ClickException | None:
    """The click exception to show for `exc`, or None when it is not the user's to fix (a bug)."""
    if isinstance(exc, click.ClickException):
        return exc
    decoded = reverts.decode_exception(exc, contract)
    if decoded is not None:
        return Refused(decoded)
    from pydantic import ValidationError

    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ())) or "input"
        return UserError(f"{where}: {first.get('msg')}")
    from ape import exceptions as ape_exc

    if isinstance(exc, ape_exc.AccountsError):
        return UserError(f"{exc}", "--account",
                         "check the account alias (`ape accounts list`) and its passphrase "
                         "(APE_ACCOUNTS_<alias>_PASSPHRASE for unattended runs)")
    if isinstance(exc, (ape_exc.NetworkError, ape_exc.ProviderNotConnectedError)) or (
            isinstance(exc, ape_exc.ProviderError) and not _connected()):  # e.g. no node at the RPC URL
        return UserError(f"{exc}", "--network", "check the network choice (`ape networks list`) or the RPC URL, and "
                         "that the node is running and answers")
    if isinstance(exc, ape_exc.OutOfGasError):
        return Refused(reverts.decode_revert(b"", contract), None)
    if isinstance(exc, ape_exc.ConversionError):
        return UserError(f"{exc}")
    if isinstance(exc, _user_error_types()) and type(exc).__module__.startswith("gaoling"):
        return UserError(str(exc))
    return None


def spelled(exc: click.ClickException, ctx: click.Context) -> click.ClickException:
    """`exc` with a leading Python parameter name ("token_id: ...", "glaze: ...") written as the
    command spells it ("TOKEN_ID: ...", "--glaze: ..."), so that every message names what to fix."""
    head, sep, rest = exc.message.partition(": ")
    if not sep or " " in head:
        return exc
    for param in ctx.command.params:
        name = param.name or ""
        if head == name or head.startswith(name + "."):
            shown = param.opts[0] if isinstance(param, click.Option) else param.human_readable_name
            exc.message = f"{shown}{head[len(name):]}: {rest}"
            break
    return exc


def logs_to_stderr() -> None:
    """Ape logs ("Connecting to ...", "Confirmed 0x...", warnings) with click.echo to stdout, into the
    middle of a command's own output: `coupons exchange --sign-only > req.json` wrote them into the
    JSON. A command's result goes to stdout and everything else to stderr, so Ape's lines go there."""
    from ape.logging import ClickHandler, logger

    for handler in logger._logger.handlers:
        if isinstance(handler, ClickHandler):
            handler.echo_kwargs = {level: {"err": True} for level in ("error", "warning", "success", "info", "debug")}


logs_to_stderr()

_trace_quiet = threading.local()


def quiet_revert_traces() -> None:
    """Ape's providers print a revert's whole call trace to stdout before raising it (for a failed
    creation estimate, the contract's bytecode: hundreds of lines). Commands decode every revert
    themselves (gaoling.reverts), so that dump is left out while a revert is handled; other trace
    output is untouched, and GAOLING_TRACE=1 keeps the dump for debugging."""
    if os.environ.get("GAOLING_TRACE") == "1":
        return
    from ape_ethereum.provider import Web3Provider
    from ape_ethereum.trace import Trace

    if getattr(Trace.show, "_gaoling_quiet", False):
        return
    shown = Trace.show

    def show(self: Any, *args: Any, **kwargs: Any) -> Any:
        if getattr(_trace_quiet, "depth", 0):
            return None
        return shown(self, *args, **kwargs)

    show._gaoling_quiet = True  # type: ignore[attr-defined]
    Trace.show = show  # type: ignore[method-assign]
    providers: list[type] = [Web3Provider]
    try:
        from ape_foundry.provider import FoundryProvider

        providers.append(FoundryProvider)
    except ImportError:  # the plugin is optional for commands on a remote node
        pass
    for cls in providers:
        handler = cls.__dict__.get("_handle_execution_reverted")
        if handler is None:
            continue

        def quiet(self: Any, *args: Any, _handler: Any = handler, **kwargs: Any) -> Any:
            _trace_quiet.depth = getattr(_trace_quiet, "depth", 0) + 1
            try:
                return _handler(self, *args, **kwargs)
            finally:
                _trace_quiet.depth -= 1

        setattr(cls, "_handle_execution_reverted", quiet)


def _connected() -> bool:
    from ape import networks

    provider = networks.active_provider
    return provider is not None and bool(getattr(provider, "is_connected", False))


class _Guarded:
    """Mixin: turns the user's mistakes, reverts and Ctrl-C into messages and exit codes."""

    def invoke(self, ctx: click.Context) -> Any:
        journal.reset()
        try:
            account = ctx.params.get("account")
            if account is not None:
                from gaoling.signing import unattended

                unattended(account)
            return super().invoke(ctx)  # type: ignore[misc]
        except (KeyboardInterrupt, click.exceptions.Abort):  # click turns Ctrl-C at a prompt into Abort
            _interrupted()
        except click.exceptions.Exit:
            raise
        except click.exceptions.UsageError:
            raise
        except click.ClickException as exc:
            raise spelled(exc, ctx) from None
        except Exception as exc:  # noqa: BLE001 - translated, or re-raised as the bug it is
            shown = translate(exc)
            if shown is None:
                raise
            raise spelled(shown, ctx) from None


def _interrupted() -> None:
    out = click.get_text_stream("stderr")
    if journal.done:
        out.write(f"\ninterrupted. Confirmed before the interruption ({len(journal.done)}):\n")
        for line in journal.done:
            out.write(f"  - {line}\n")
    else:
        out.write("\ninterrupted before any step was confirmed.\n")
    out.write("A transaction sent at the moment of the interruption may still be mined; "
              f"nothing is left half-written. To finish, {journal.resume}.\n")
    out.flush()
    sys.exit(EXIT_INTERRUPTED)


class Command(_Guarded, click.Command):
    """A command that needs no chain."""


class ChainCommand(_Guarded, ConnectedProviderCommand):
    """A command that connects to `--network` (Ape's ConnectedProviderCommand)."""

    def _invoke(self, ctx: click.Context, provider: Any = None) -> Any:
        # Connecting installs Ape's SIGINT handler, which exits at once (code 130) from wherever the
        # command is. Ctrl-C should instead unwind as KeyboardInterrupt, so that the command can say
        # what it has confirmed; Ape's provider still disconnects on the way out.
        signal.signal(signal.SIGINT, signal.default_int_handler)
        quiet_revert_traces()
        return super()._invoke(ctx, provider=provider)


class Group(click.Group):
    command_class = Command


def group(**kwargs: Any) -> Callable[[Callable[..., Any]], click.Group]:
    return click.group(cls=Group, **kwargs)


# ------------------------------------------------------------------ contract addresses

@dataclass(frozen=True)
class Kind:
    """A platform contract as the commands know it: its manifest key, type and option."""

    key: str  # the manifest's "contracts" key (editions: "edition:<slug>")
    contract_type: str
    option: str
    envvar: str | None = None


KINDS: dict[str, Kind] = {
    "points": Kind("points", "PointsLedger", "--ledger", "GAOLING_POINTS_LEDGER"),
    "coupons": Kind("coupons", "GlazeCoupons", "--coupons", "GAOLING_GLAZE_COUPONS"),
    "certificate": Kind("certificate", "FiringCertificate", "--certificate", "GAOLING_CERTIFICATE"),
    "artworks": Kind("artworks", "GaolingArtworks", "--collection", "GAOLING_ARTWORKS"),
    "auction": Kind("auction", "GaolingAuctionHouse", "--house", "GAOLING_AUCTION_HOUSE"),
    "vouchers": Kind("vouchers", "GaolingVouchers", "--vouchers", "GAOLING_VOUCHERS"),
    "edition": Kind("edition", "GaolingEdition", "--contract", "GAOLING_EDITION"),
    "crowdfund": Kind("crowdfund", "GaolingCrowdfund", "--crowdfund", "GAOLING_CROWDFUND"),
}

DEFAULT_DEPLOYMENTS = Path("deployments")


def deployment_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--deployment", "deployment", type=click.Path(dir_okay=False, path_type=Path), envvar="GAOLING_DEPLOYMENT",
        default=None, help="Deployment manifest to read contract addresses from "
                           "[default: deployments/<chainId>.json; env GAOLING_DEPLOYMENT].")(f)


def contract_option(kind: str, name: str | None = None, help: str | None = None) -> Callable[..., Any]:
    """`--vouchers`-style option (address, or for editions also a slug) defaulting to the manifest."""
    k = KINDS[kind]
    what = "address or slug" if kind == "edition" else "address"
    return click.option(k.option, name or f"{kind}_address", envvar=k.envvar, default=None, metavar="ADDRESS",
                        help=(help or f"{k.contract_type} {what}") + f" [default: from the deployment manifest"
                             + (f"; env {k.envvar}" if k.envvar else "") + "].")


class Deployment:
    """Resolves contract addresses for one connected chain (see the module docstring)."""

    def __init__(self, path: Path | None = None, *, provider: Any = None, project: Any = None) -> None:
        from ape import chain
        from ape import project as ape_project

        self.provider = provider or chain.provider
        self.project = project or ape_project
        self.chain_id = int(self.provider.chain_id)
        self.explicit_path = path
        self.path = Path(path) if path is not None else DEFAULT_DEPLOYMENTS / f"{self.chain_id}.json"
        self._data: dict[str, Any] | None = None

    # manifest ---------------------------------------------------------------
    def contracts(self) -> dict[str, str]:
        if self._data is None:
            self._data = self._read()
        return dict(self._data.get("contracts", {}))

    def _read(self) -> dict[str, Any]:
        if not self.path.exists():
            if self.explicit_path is not None:
                raise UserError(f"{self.path} does not exist", "--deployment",
                                "give the manifest `ape run deploy` wrote (deployments/<chainId>.json)")
            return {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise UserError(f"{self.path} is not a readable manifest ({exc})", "--deployment",
                            "restore it from version control or rerun `ape run deploy`") from None
        if data.get("chain_id") not in (None, self.chain_id):
            raise UserError(f"{self.path} records chain {data.get('chain_id')}, but --network is chain {self.chain_id}",
                            "--deployment", "pick the manifest of this network, or the network of this manifest")
        return data

    def editions(self) -> dict[str, str]:
        return {k.split(":", 1)[1]: v for k, v in self.contracts().items()
                if k.startswith("edition:") and k.count(":") == 1}

    # resolution -------------------------------------------------------------
    def address(self, kind: str, explicit: str | None = None) -> str:
        k = KINDS[kind]
        if explicit:
            if kind == "edition" and not explicit.startswith("0x"):
                return self._edition_by_slug(explicit)
            try:
                return parse_address(explicit)
            except ValueError as exc:
                raise UserError(str(exc), k.option, f"copy the {k.contract_type} address again, or leave "
                                f"{k.option} out to use {self.path}") from None
        if kind == "edition":
            editions = self.editions()
            if len(editions) == 1:
                return next(iter(editions.values()))
            if editions:
                raise UserError(f"{self.path} has {len(editions)} editions ({', '.join(sorted(editions))})",
                                k.option, "name one: --contract SLUG or --contract ADDRESS")
        elif k.key in self.contracts():
            return self.contracts()[k.key]
        where = f"{self.path} does not exist" if not self.path.exists() else f"{self.path} has no {k.contract_type}"
        raise UserError(f"no {k.contract_type} address: {where}", k.option,
                        f"pass {k.option} ADDRESS, or --deployment PATH to the manifest `ape run deploy` wrote")

    def _edition_by_slug(self, slug: str) -> str:
        editions = self.editions()
        if slug in editions:
            return editions[slug]
        close = difflib.get_close_matches(slug, list(editions), n=1)
        known = ", ".join(sorted(editions)) or "none"
        raise UserError(f"{slug!r} is neither an address nor an edition in {self.path} (editions: {known})",
                        "--contract", f"did you mean {close[0]!r}?" if close else "pass the edition's address")

    def open(self, kind: str, explicit: str | None = None) -> Any:
        """The contract instance, of its exact compiled type, after checking the address holds it."""
        k = KINDS[kind]
        address = self.address(kind, explicit)
        source = f"{k.option} {address}" if explicit else f"{address} (from {self.path})"
        code = self.provider.get_code(address)
        if not code or bytes(code) in (b"", b"\x00"):
            raise UserError(f"no contract at {source} on chain {self.chain_id}", k.option,
                            "check the address and --network; a typo in an address usually points at no contract")
        if not _looks_like(self.provider, address, k.contract_type):
            raise UserError(f"the contract at {source} is not a {k.contract_type}", k.option,
                            f"give the {k.contract_type} address (see {self.path})")
        reverts.remember(address, k.contract_type)
        return getattr(self.project, k.contract_type).at(address)


def _probe_selectors(contract_type: str) -> list[bytes]:
    """Selectors of argument-less view functions that `contract_type` has and no other platform contract has."""
    path = reverts.DEFAULT_BUILD
    types = json.loads(path.read_text(encoding="utf-8"))["contractTypes"] if path.exists() else {}
    mine = types.get(contract_type, {}).get("methodIdentifiers", {})
    others = set()
    for name, ct in types.items():
        if name != contract_type and not str(ct.get("sourceId", "")).startswith(reverts.EXCLUDED_SOURCES):
            others |= set(ct.get("methodIdentifiers", {}))
    abi = {e["name"]: e for e in types.get(contract_type, {}).get("abi", []) if e.get("type") == "function"}
    picks = [sig for sig in sorted(mine) if sig not in others and sig.endswith("()")
             and abi.get(sig.split("(")[0], {}).get("stateMutability") in ("view", "pure")]
    return [bytes.fromhex(mine[sig].removeprefix("0x")) for sig in picks[:2]]


def _looks_like(provider: Any, address: str, contract_type: str) -> bool:
    """True if an argument-less view unique to `contract_type` answers at `address` (or nothing to probe)."""
    selectors = _probe_selectors(contract_type)
    if not selectors:
        return True
    web3 = getattr(provider, "web3", None)
    if web3 is None:
        return True
    try:
        result = web3.eth.call({"to": address, "data": "0x" + selectors[0].hex()})
    except Exception:  # noqa: BLE001 - a revert or a missing function: not this contract
        return False
    return len(bytes(result)) >= 32


def open_contract(kind: str, explicit: str | None, deployment: Path | None) -> Any:
    """Shorthand for commands: `Deployment(deployment).open(kind, explicit)`."""
    return Deployment(deployment).open(kind, explicit)


def out(message: str) -> None:
    """A line of the command's report, on stdout."""
    click.echo(message)

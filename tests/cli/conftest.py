"""The CLI suite: real `ape run ...` subprocesses against the test session's own anvil.

One platform (edition, points ledger, glaze coupons, certificate, vouchers) is deployed per module
with the same builders as the voucher tests, and its addresses are written to a deployment
manifest exactly as `ape run deploy` writes them (`contracts` by step id), so the commands find
them through `--deployment` without any address flag. Ape reverts the chain to its snapshot
between tests, which also undoes what the subprocesses sent."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.voucher.helpers import build_world

ROOT = Path(__file__).resolve().parents[2]
APE = shutil.which("ape") or str(Path(sys.executable).with_name("ape"))
# Ape's test accounts (the public test mnemonic) as `ape run` sees them: TEST::<index>.
ADMIN, ALICE, BOB, CAROL = "TEST::0", "TEST::1", "TEST::2", "TEST::3"
FULFIL, SIGNER, ATTESTER, STRANGER = "TEST::6", "TEST::7", "TEST::8", "TEST::9"


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


@pytest.fixture(scope="module")
def world(project, chain, accounts):
    return build_world(project, chain, accounts)


@pytest.fixture(scope="module")
def manifest(world, chain, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("deployments") / f"{chain.chain_id}.json"
    path.write_text(json.dumps({
        "chain_id": chain.chain_id, "complete": True,
        "contracts": {"edition:plates": world.edition.address, "points": world.ledger.address,
                      "coupons": world.coupons.address, "certificate": world.certificate.address,
                      "vouchers": world.vouchers.address},
    }, indent=2))
    return path


class ApeRun:
    """`ape_run("coupons", "exchange", ...)` runs the real command, connected to this anvil, with the
    module's manifest, and returns exit code, stdout and stderr. `ape_run.all([...])` starts several
    independent commands at once (each spends most of its few seconds starting Python and Ape)."""

    def __init__(self, uri: str, manifest: Path) -> None:
        self.uri = uri
        self.manifest = manifest

    def _command(self, args: tuple[str, ...], deployment: Path | None | str = "default",
                 env: dict | None = None) -> tuple[list[str], dict]:
        command = [APE, "run", *args, "--network", self.uri]
        deployment = self.manifest if deployment == "default" else deployment
        if deployment is not None:
            command += ["--deployment", str(deployment)]
        return command, {**os.environ, "NO_COLOR": "1", "COLUMNS": "200", **(env or {})}

    def __call__(self, *args: str, deployment: Path | None | str = "default", env: dict | None = None,
                 timeout: int = 600, stdin: str | None = None) -> Result:
        command, full_env = self._command(args, deployment, env)
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=timeout, input=stdin,
                              env=full_env)
        return Result(done.returncode, done.stdout, done.stderr)

    def all(self, calls: list[tuple[str, ...] | dict], env: dict | None = None, timeout: int = 600,
            at_once: int = 3) -> list[Result]:
        """Each call is the argument tuple, or {"args": (...), "env": {...}, "stdin": "..."}; stdin is
        closed unless given (as for a command run unattended). At most `at_once` run together: the
        machine has two cores, and more only makes each one slower."""
        specs = [call if isinstance(call, dict) else {"args": call} for call in calls]
        results: list[Result | None] = [None] * len(specs)
        running: list[tuple[int, subprocess.Popen, str | None]] = []
        pending = list(enumerate(specs))

        def finish(entry: tuple[int, subprocess.Popen, str | None]) -> None:
            index, proc, stdin = entry
            out, err = proc.communicate(input=stdin, timeout=timeout)
            results[index] = Result(proc.returncode, out, err)

        while pending or running:
            while pending and len(running) < at_once:
                index, spec = pending.pop(0)
                command, full_env = self._command(tuple(spec["args"]), env={**(env or {}), **spec.get("env", {})})
                proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                        env=full_env, stdin=subprocess.PIPE if "stdin" in spec else subprocess.DEVNULL)
                running.append((index, proc, spec.get("stdin")))
            finish(running.pop(0))
        return [r for r in results if r is not None]

    def popen(self, *args: str, env: dict | None = None) -> subprocess.Popen:
        command, full_env = self._command(args, env=env)
        return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=full_env, stdin=subprocess.PIPE, bufsize=0)


@pytest.fixture(scope="module")
def ape_run(chain, manifest) -> ApeRun:
    return ApeRun(chain.provider.uri, manifest)


@pytest.fixture
def keyfile_account(accounts):
    """A real Ape keyfile account (passphrase-encrypted JSON in Ape's accounts folder), funded;
    removed afterwards. Returns (alias, address, passphrase)."""
    import secrets

    from ape import config
    from eth_account import Account

    alias = f"gaoling_ci_{secrets.token_hex(4)}"
    passphrase = secrets.token_urlsafe(12)
    key = Account.create()
    folder = Path(config.DATA_FOLDER) / "accounts"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{alias}.json"
    path.write_text(json.dumps(Account.encrypt(key.key, passphrase)))
    accounts[0].transfer(key.address, 10**18)
    try:
        yield alias, key.address, passphrase
    finally:
        path.unlink(missing_ok=True)


def assert_clean_error(result: Result, code: int, *needles: str) -> None:
    """The command failed with `code`, printed every needle, and no Python traceback."""
    assert result.code == code, result.text
    assert "Traceback" not in result.text, result.text
    for needle in needles:
        assert needle in result.text, f"{needle!r} not in:\n{result.text}"

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


@pytest.fixture(scope="module")
def ape_run(chain, manifest):
    """`ape_run("coupons", "exchange", ...)`: runs the real command, connected to this anvil, with
    the module's manifest; returns exit code, stdout and stderr."""
    uri = chain.provider.uri

    def run(*args: str, deployment: Path | None = manifest, env: dict | None = None, timeout: int = 120,
            stdin: str | None = None) -> Result:
        command = [APE, "run", *args, "--network", uri]
        if deployment is not None:
            command += ["--deployment", str(deployment)]
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=timeout, input=stdin,
                              env={**os.environ, "NO_COLOR": "1", "COLUMNS": "200", **(env or {})})
        return Result(done.returncode, done.stdout, done.stderr)

    return run


def assert_clean_error(result: Result, code: int, *needles: str) -> None:
    """The command failed with `code`, printed every needle, and no Python traceback."""
    assert result.code == code, result.text
    assert "Traceback" not in result.text, result.text
    for needle in needles:
        assert needle in result.text, f"{needle!r} not in:\n{result.text}"

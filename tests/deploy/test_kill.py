"""`ape run deploy` killed for real (SIGKILL) in the middle of a deploy, then run again.

The node mines only when the test says so (`anvil --no-mining`), which makes the moment of the
kill exact without any timing: the test waits until the script has recorded a step as pending and
the node holds its transaction, mines it (so the chain has it and the manifest does not), and kills
the script before it can record it. The rerun must adopt that transaction, finish, and deploy
nothing twice."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.deploy.helpers import PLATFORM, ROOT
from tests.fork.chains import start_anvil, stop

DEPLOYER = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"  # TEST::0
ADMIN = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"     # TEST::1, stands in for a Safe
KILL_AT_STEP = 6  # the 6th step sent: past the first deploys, before the wiring


def _rpc(url: str, method: str, params: list) -> object:
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).encode()
    request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        reply = json.loads(response.read())
    assert "error" not in reply, reply
    return reply["result"]


def _wait_for(condition, what: str, proc: subprocess.Popen, deadline_s: float = 120.0):
    """Polls `condition` until it holds; fails (with the script's output) if the script exits first."""
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        value = condition()
        if value:
            return value
        if proc.poll() is not None:
            pytest.fail(f"the deploy script exited ({proc.returncode}) while waiting for {what}:\n"
                        f"{proc.stdout.read() if proc.stdout else ''}")
        time.sleep(0.05)
    pytest.fail(f"gave up waiting for {what}")


def _pending_in_mempool(manifest: Path, url: str, seen: set[str]) -> tuple[str, dict] | None:
    try:
        steps = json.loads(manifest.read_text())["steps"]
    except (OSError, ValueError, KeyError):
        return None  # not written yet (each write is atomic, so never a torn file)
    for step_id, entry in steps.items():
        if entry["status"] == "pending" and step_id not in seen:
            if _rpc(url, "eth_getTransactionByHash", [entry["tx_hash"]]) is not None:
                return step_id, entry
    return None


def _creations(url: str, sender: str) -> list[str]:
    head = int(_rpc(url, "eth_blockNumber", []), 16)
    found = []
    for number in range(head + 1):
        block = _rpc(url, "eth_getBlockByNumber", [hex(number), True])
        found += [tx["hash"] for tx in block["transactions"]
                  if tx["from"].lower() == sender.lower() and tx["to"] is None]
    return found


def test_sigkill_mid_deploy_then_rerun_finishes_without_deploying_twice(tmp_path):
    proc_anvil, url = start_anvil("--no-mining")
    out_dir = tmp_path / "deployments"
    manifest_path = out_dir / "31337.json"
    env = dict(os.environ, GAOLING_IPFS_STORE=str(tmp_path / "ipfs"))
    ape = shutil.which("ape") or str(Path(sys.executable).with_name("ape"))
    command = [ape, "run", "deploy", "--network", url, "--account", "TEST::0",
               "--config", str(PLATFORM), "--out-dir", str(out_dir), "--admin", ADMIN]
    try:
        script = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  text=True)
        try:
            seen: set[str] = set()
            for _ in range(KILL_AT_STEP):
                step_id, entry = _wait_for(lambda: _pending_in_mempool(manifest_path, url, seen),
                                           "a pending step whose transaction the node holds", script)
                seen.add(step_id)
                if len(seen) < KILL_AT_STEP:
                    _rpc(url, "evm_mine", [])
            killed_step, killed_entry = step_id, entry
            script.kill()  # SIGKILL: no cleanup, no last manifest write
            script.wait(timeout=30)
        finally:
            if script.poll() is None:
                script.kill()
        assert script.returncode == -9
        _rpc(url, "evm_mine", [])  # the killed step's transaction lands; the manifest never hears of it
        receipt = _rpc(url, "eth_getTransactionReceipt", [killed_entry["tx_hash"]])
        assert receipt is not None and int(receipt["status"], 16) == 1
        halfway = json.loads(manifest_path.read_text())
        assert halfway["complete"] is False
        assert halfway["steps"][killed_step]["status"] == "pending"

        _rpc(url, "evm_setAutomine", [True])
        rerun = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
        assert rerun.returncode == 0, rerun.stdout + rerun.stderr
        assert "deployer holds no role" in rerun.stdout

        manifest = json.loads(manifest_path.read_text())
        assert manifest["complete"] is True and manifest["admin"] == ADMIN
        recovered = manifest["steps"][killed_step]
        assert recovered["status"] == "confirmed" and recovered["tx_hash"] == killed_entry["tx_hash"]
        deploys = {sid: e for sid, e in manifest["steps"].items() if e["kind"] == "deploy"}
        creations = _creations(url, DEPLOYER)
        assert len(creations) == len(deploys)  # every contract exactly once, across both runs
        assert sorted(e["tx_hash"] for e in deploys.values()) == sorted(creations)

        # And a third run is a no-op: nothing sent.
        nonce = int(_rpc(url, "eth_getTransactionCount", [DEPLOYER, "latest"]), 16)
        again = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
        assert again.returncode == 0, again.stdout + again.stderr
        assert int(_rpc(url, "eth_getTransactionCount", [DEPLOYER, "latest"]), 16) == nonce
    finally:
        stop(proc_anvil)

"""No command depends on `contracts/.cache` being absent (issue 12 §1).

The stale state, made for real: the dependency folders in `contracts/.cache` are full copies, as
ape-solidity leaves them after compiling when the tracked links are gone (a `rm -rf
contracts/.cache` followed by `ape compile`). Ape lists at most 500 files of the contracts folder
before it drops `.cache`, so a process started in that state used to see none of our contracts.
New processes then run the real CLI: `ape compile`, `ape run deploy --dry-run` and a real deploy.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gaoling.dependency_links import link_dependency_sources
from tests.deploy.helpers import PLATFORM, ROOT
from tests.fork.chains import start_anvil, stop

CACHE = ROOT / "contracts" / ".cache"
LINKS = {CACHE / "openzeppelin" / "5.7.0": ROOT / "node_modules" / "@openzeppelin" / "contracts",
         CACHE / "erc721a" / "4.3.0": ROOT / "node_modules" / "erc721a" / "contracts"}
APE = shutil.which("ape") or str(Path(sys.executable).with_name("ape"))


@pytest.fixture
def stale_cache():
    """Replaces each link with a full copy (what Ape's unpack writes), restores the links after."""
    for link, source in LINKS.items():
        if link.is_symlink():
            link.unlink()
        elif link.exists():
            shutil.rmtree(link)
        shutil.copytree(source, link)
    copied = sum(1 for _ in CACHE.rglob("*.*"))
    assert copied > 500, "the copies must exceed Ape's 500-file listing cap to make the stale state"
    try:
        yield
    finally:
        link_dependency_sources()


def _run(*args: str, env: dict | None = None, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run([APE, *args], cwd=ROOT, env=env or dict(os.environ), capture_output=True, text=True,
                          timeout=timeout)


def test_tracked_links_point_into_node_modules():
    for link, source in LINKS.items():
        assert link.is_symlink(), f"{link} must be a link (git checkout -- contracts/.cache restores it)"
        assert link.resolve() == source.resolve()


def test_deploy_cli_in_a_new_process_after_a_stale_cache(stale_cache, tmp_path):
    anvil, url = start_anvil()
    env = dict(os.environ, GAOLING_IPFS_STORE=str(tmp_path / "ipfs"))
    out_dir = tmp_path / "deployments"
    common = ["--network", url, "--account", "TEST::0", "--config", str(PLATFORM), "--out-dir", str(out_dir)]
    try:
        dry = _run("run", "deploy", *common, "--dry-run", env=env)
        assert dry.returncode == 0, dry.stdout + dry.stderr
        assert "estimate failed" not in dry.stdout and "Estimated gas total" in dry.stdout
        assert not out_dir.exists()  # a dry run writes nothing
        # The links are back: every later process sees the project too.
        assert all(link.is_symlink() for link in LINKS)

        real = _run("run", "deploy", *common, env=env)
        assert real.returncode == 0, real.stdout + real.stderr
        manifest = json.loads((out_dir / "31337.json").read_text())
        assert manifest["complete"] is True and "points" in manifest["contracts"]
    finally:
        stop(anvil)


def test_any_command_of_ours_repairs_the_folder_for_ape_compile(stale_cache):
    """`ape compile` is Ape's own process (it imports nothing of ours), so it cannot repair the folder
    itself; the tracked links keep it from ever being copied, and any `ape run` of ours, `make
    setup` or `git checkout -- contracts/.cache` puts them back after a hand-made `rm -rf`."""
    checked = _run("run", "check", str(PLATFORM))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert all(link.is_symlink() for link in LINKS)
    compiled = _run("compile")
    assert compiled.returncode == 0, compiled.stdout + compiled.stderr
    probe = subprocess.run([sys.executable, "-c", "from ape import project; print(len(list(project.sources.paths)),"
                            " project.PointsLedger.contract_type.name)"],
                           cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert probe.returncode == 0, probe.stderr
    count, name = probe.stdout.split()[-2:]
    assert name == "PointsLedger" and int(count) > 10

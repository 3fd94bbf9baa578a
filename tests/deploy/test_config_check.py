"""`ape run check`: every config file checked offline, with errors a person can act on (issue 12 §6)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from gaoling.config_check import check_file
from gaoling.deploy.config import MAX_FEE_BPS
from tests.deploy.helpers import PLATFORM, ROOT

APE = shutil.which("ape") or str(Path(sys.executable).with_name("ape"))
SAMPLE = ROOT / "metadata" / "collections" / "jingdezhen-blue-and-white.yaml"


def platform_copy(tmp_path: Path, edit=lambda text: text) -> Path:
    """The sample platform.yaml in tmp_path with absolute paths, after `edit` on its text."""
    text = PLATFORM.read_text()
    text = text.replace("config: collections/", f"config: {PLATFORM.parent}/collections/")
    text = text.replace("catalogue: catalogue/", f"catalogue: {PLATFORM.parent}/catalogue/")
    path = tmp_path / "platform.yaml"
    path.write_text(edit(text))
    return path


def problems(path: Path) -> str:
    result = check_file(path)
    assert not result.ok
    return "\n".join(result.problems)


def test_every_sample_file_passes():
    for path in (PLATFORM, SAMPLE, ROOT / "metadata" / "catalogue" / "catalogue.yaml",
                 ROOT / "metadata" / "quiz" / "firing-process.yaml",
                 ROOT / "metadata" / "allowlists" / "jingdezhen-blue-and-white.csv"):
        result = check_file(path)
        assert result.ok, result.problems
    assert [check_file(p).kind for p in (PLATFORM, SAMPLE)] == ["platform", "collection"]


def test_misspelt_section_suggests_the_field(tmp_path):
    text = problems(platform_copy(tmp_path, lambda t: t.replace("\nauction:", "\nauctoin:")))
    assert "auctoin: unknown field; did you mean `auction`?" in text
    assert "Extra inputs are not permitted" not in text


def test_price_without_unit_says_how_to_write_it(tmp_path):
    text = problems(platform_copy(tmp_path, lambda t: t.replace("price: 0.1 ether", "price: 0.05")))
    assert "vouchers.price: 0.05 has no unit; write it as text with a unit, e.g. '0.05 ether'" in text
    assert "Input should be a valid string" not in text


def test_fee_limit_is_the_contracts(project, admin, tmp_path):
    house = project.GaolingAuctionHouse.deploy(admin, admin, 0, sender=admin)
    assert MAX_FEE_BPS == house.MAX_FEE_BPS() == 2000
    text = problems(platform_copy(tmp_path, lambda t: t.replace("fee_bps: 500", f"fee_bps: {MAX_FEE_BPS + 1}")))
    assert f"auction.fee_bps: {MAX_FEE_BPS + 1} is out of range: the auction house accepts a platform fee of " \
           f"0..{MAX_FEE_BPS} bps (0%..20%" in text
    assert check_file(platform_copy(tmp_path, lambda t: t.replace("fee_bps: 500", f"fee_bps: {MAX_FEE_BPS}"))).ok


def test_phase_that_already_ended_is_an_error(tmp_path):
    data = yaml.safe_load(SAMPLE.read_text())
    data["phases"]["allowlist"]["allowlist"] = str(SAMPLE.parent.parent / "allowlists" /
                                                   "jingdezhen-blue-and-white.csv")
    data["phases"]["public"]["start"] = int(time.time()) - 7 * 86400
    data["phases"]["public"]["end"] = int(time.time()) - 86400
    data["phases"]["allowlist"]["start"] = int(time.time()) - 9 * 86400
    data["phases"]["allowlist"]["end"] = int(time.time()) - 8 * 86400
    path = tmp_path / "ended.yaml"
    path.write_text(yaml.safe_dump(data))
    text = problems(path)
    assert "phases.public.end: this phase already ended (" in text and "CST" in text and "UTC" in text
    assert "phases.allowlist.end: this phase already ended" in text


def test_platform_yaml_given_to_the_collection_check_is_recognised():
    # `python -m gaoling.collection platform.yaml` used to print 14 unrelated errors; `ape run check`
    # reads the content and validates it as what it is.
    assert check_file(PLATFORM).kind == "platform" and check_file(PLATFORM).ok


def test_cli_reports_every_problem_and_exits_1(tmp_path):
    bad = platform_copy(tmp_path, lambda t: t.replace("\nauction:", "\nauctoin:").replace("price: 0.1 ether",
                                                                                          "price: 0.05"))
    result = subprocess.run([APE, "run", "check", str(PLATFORM), str(bad), str(SAMPLE)], cwd=ROOT,
                            env=dict(os.environ), capture_output=True, text=True, timeout=300)
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"ok {PLATFORM} (platform)" in result.stdout and f"ok {SAMPLE} (collection)" in result.stdout
    assert "did you mean `auction`?" in result.stdout and "e.g. '0.05 ether'" in result.stdout
    assert "1 of 3 file(s) have problems" in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize("missing", ["nope.yaml"])
def test_missing_file_is_named(tmp_path, missing):
    assert check_file(tmp_path / missing).problems == [f"{tmp_path / missing}: no such file; check the path"]

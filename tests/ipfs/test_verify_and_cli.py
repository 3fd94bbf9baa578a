"""`verify` against a stand-in gateway, and the `ape run ipfs` commands (driven through click)."""

from __future__ import annotations

import importlib.util
import json

import pytest
from click.testing import CliRunner
from tests.ipfs.paths import ROOT
from tests.ipfs.paths import SMALL as SAMPLE

from gaoling.ipfs import cid as cids
from gaoling.ipfs.backends import make_backend
from gaoling.ipfs.publish import publish_collection
from gaoling.ipfs.verify import gateway_fetcher, verify_dag


@pytest.fixture
def published(cfg, kubo, sleeps):
    be = make_backend(cfg.model_copy(update={"kubo_api": kubo.url}), "kubo", sleep=sleeps)
    return publish_collection(SAMPLE, cfg, be)


def test_verify_rehashes_every_block(published, kubo, fast_retry):
    report = verify_dag(cids.parse(published.root_cid), gateway_fetcher(kubo.url, fast_retry, lambda s: None), kubo.url)
    assert report.ok and report.blocks == len({*kubo.blocks}) and report.blocks > 40


def test_verify_reports_a_corrupted_and_a_missing_block(published, kubo, fast_retry):
    meta = cids.parse(published.metadata_cid)
    coll = cids.parse(published.collection_cid)
    kubo.corrupt.add(meta)
    del kubo.blocks[coll]
    report = verify_dag(cids.parse(published.root_cid), gateway_fetcher(kubo.url, fast_retry, lambda s: None), kubo.url)
    assert not report.ok
    assert report.mismatched == [published.metadata_cid]
    assert len(report.missing) == 1 and report.missing[0].startswith(published.collection_cid)


@pytest.fixture(scope="module")
def cli():
    spec = importlib.util.spec_from_file_location("ipfs_script", ROOT / "scripts" / "ipfs.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.cli


def test_every_command_has_help(cli):
    runner = CliRunner()
    for cmd in ([], ["add"], ["publish"], ["pin"], ["verify"], ["status"]):
        res = runner.invoke(cli, [*cmd, "--help"])
        assert res.exit_code == 0 and "Usage:" in res.output


def test_add_prints_the_root_cid_like_ipfs_add_q(cli, tmp_path, oracle):
    d = tmp_path / "d"
    (d / "s").mkdir(parents=True)
    (d / "s" / "f").write_bytes(b"x" * 300_000)
    (d / "g").write_text("釉", encoding="utf-8")
    env = {"GAOLING_IPFS_STORE": str(tmp_path / "store")}
    runner = CliRunner()
    for version in (0, 1):
        res = runner.invoke(cli, ["add", str(d), "--cid-version", str(version), "--only-hash"], env=env)
        assert res.exit_code == 0, res.output
        assert res.stdout.strip() == oracle(version, [d])[0]
    assert not (tmp_path / "store").exists()  # --only-hash writes nothing
    res = runner.invoke(cli, ["add", str(d), "--car", str(tmp_path / "d.car")], env=env)
    assert res.exit_code == 0 and (tmp_path / "d.car").exists() and (tmp_path / "store" / "blocks").is_dir()


def test_publish_pin_verify_status_through_the_cli(cli, tmp_path, kubo):
    env = {"GAOLING_IPFS_STORE": str(tmp_path / "store"), "GAOLING_KUBO_API": kubo.url,
           "GAOLING_IPFS_RETRIES": "1"}
    runner = CliRunner()
    res = runner.invoke(cli, ["publish", str(SAMPLE)], env=env)
    assert res.exit_code == 0, res.output
    assert "ipfs://" in res.stdout and "stored locally" in res.stdout
    pins = json.loads((tmp_path / "store" / "pins.json").read_text())
    (root,) = pins["items"]
    res = runner.invoke(cli, ["pin", root, "--backend", "kubo"], env=env)
    assert res.exit_code == 0 and f"{root} pinned on kubo:{kubo.url}" in res.stdout
    res = runner.invoke(cli, ["verify", root, "--backend", "kubo"], env=env)
    assert res.exit_code == 0 and "all match" in res.stdout
    res = runner.invoke(cli, ["status"], env=env)
    assert res.exit_code == 0 and "pinned" in res.stdout


def test_cli_errors_are_clear_and_never_show_tokens(cli, tmp_path, pinning):
    env = {"GAOLING_IPFS_STORE": str(tmp_path / "store"), "GAOLING_PINNING_ENDPOINT": pinning.url,
           "GAOLING_PINNING_TOKEN": "tok-DO-NOT-PRINT-42", "GAOLING_IPFS_RETRIES": "1"}
    runner = CliRunner()
    res = runner.invoke(cli, ["publish", str(SAMPLE), "--backend", "pinning"], env={**env, "GAOLING_PINNING_TOKEN": "bad-tok-DO-NOT-PRINT"})
    assert res.exit_code == 1 and "HTTP 401 (check the token)" in res.output
    assert "DO-NOT-PRINT" not in res.output
    res = runner.invoke(cli, ["publish", str(SAMPLE), "--backend", "cluster"], env=env)
    assert res.exit_code == 1 and "GAOLING_CLUSTER_API" in res.output
    res = runner.invoke(cli, ["verify", "not-a-cid", "--gateway", "http://127.0.0.1:9"], env=env)
    assert res.exit_code == 1 and "not a valid CID" in res.output

"""Backend clients against STAND-IN servers (tests/ipfs/standins.py) for Kubo RPC, the Pinning
Services API and IPFS Cluster: happy paths, injected failures, retries, resumption."""

from __future__ import annotations

import json

import pytest
from tests.ipfs.paths import SMALL as SAMPLE

from gaoling.ipfs import cid as cids
from gaoling.ipfs.backends import BackendError, PinFailed, make_backend
from gaoling.ipfs.car import CarWriter
from gaoling.ipfs.manifest import PinManifest, atomic_write
from gaoling.ipfs.publish import publish_collection
from gaoling.ipfs.unixfs import Importer, ImportOptions


def kubo_backend(cfg, kubo, sleeps):
    return make_backend(cfg.model_copy(update={"kubo_api": kubo.url}), "kubo", sleep=sleeps)


def manifest(cfg):
    return json.loads((cfg.store / "pins.json").read_text())["items"]


def dag_imports(kubo):
    return [r for r in kubo.requests if r[1] == "/api/v0/dag/import"]


def test_kubo_pins_and_a_rerun_skips(cfg, kubo, sleeps):
    be = kubo_backend(cfg, kubo, sleeps)
    r = publish_collection(SAMPLE, cfg, be)
    root = cids.parse(r.root_cid)
    assert r.pin_status == "pinned" and root in kubo.pins
    assert cids.parse(r.metadata_cid) in kubo.blocks and cids.parse(r.collection_cid) in kubo.blocks
    assert manifest(cfg)[r.root_cid]["pins"][be.id]["status"] == "pinned"
    again = publish_collection(SAMPLE, cfg, be)
    assert again.pin_status == "already pinned" and len(dag_imports(kubo)) == 1
    assert sleeps == []


@pytest.mark.parametrize("fault", ["500", "timeout", "drop"])
def test_kubo_retries_a_transient_failure(cfg, kubo, sleeps, fault):
    kubo.inject("dag/import", fault)
    r = publish_collection(SAMPLE, cfg, kubo_backend(cfg, kubo, sleeps))
    assert r.pin_status == "pinned" and cids.parse(r.root_cid) in kubo.pins
    assert sleeps == [0.5]  # one backoff before the second attempt


def test_backoff_doubles_and_the_error_names_item_and_backend(cfg, kubo, sleeps):
    kubo.inject("dag/import", "500", "500", "500")
    be = kubo_backend(cfg, kubo, sleeps)
    with pytest.raises(BackendError) as exc:
        publish_collection(SAMPLE, cfg, be)
    msg = str(exc.value)
    assert f"Kubo RPC at {kubo.url}" in msg and "collection catalogue.yaml" in msg
    assert "gave up after 3 attempts" in msg and "HTTP 500" in msg
    assert sleeps == [0.5, 1.0]
    (root, item), = manifest(cfg).items()
    assert root in msg and item["pins"][be.id]["status"] == "error"
    # the next run finishes the job
    r = publish_collection(SAMPLE, cfg, be)
    assert r.pin_status == "pinned" and manifest(cfg)[root]["pins"][be.id]["status"] == "pinned"


def test_kubo_refuses_to_pin_an_incomplete_dag(cfg, kubo, sleeps, tmp_path):
    car_path = tmp_path / "partial.car"
    car = CarWriter(car_path, 1)
    skipped = []

    def put(c, b):  # drop the first leaf, keep the rest
        if not skipped and cids.codec_of(c) == cids.RAW:
            skipped.append(c)
            return
        car.put(c, b)

    root = Importer(ImportOptions(cid_version=1), put).add_tree({"a": b"1", "b": b"2"}).cid
    car.close(root)
    with pytest.raises(PinFailed, match="pin failed: block was not found"):
        kubo_backend(cfg, kubo, sleeps).pin_car(car_path, root, "test tree")
    assert root not in kubo.pins


def test_crash_during_pin_leaves_a_consistent_manifest(cfg, kubo, sleeps, monkeypatch):
    be = kubo_backend(cfg, kubo, sleeps)

    def crash(*a, **k):
        raise KeyboardInterrupt  # the process dies half-way through the upload

    monkeypatch.setattr(be, "pin_car", crash)
    with pytest.raises(KeyboardInterrupt):
        publish_collection(SAMPLE, cfg, be)
    (root, item), = manifest(cfg).items()  # still valid JSON
    assert item["pins"][be.id]["status"] == "pinning"
    monkeypatch.undo()
    assert publish_collection(SAMPLE, cfg, be).pin_status == "pinned"


def test_atomic_write_keeps_the_old_manifest_when_interrupted(tmp_path, monkeypatch):
    path = tmp_path / "pins.json"
    m = PinManifest(path)
    m.record_pin("bafyroot", "kubo:http://x", "pinned")
    before = path.read_bytes()

    def boom(*a):
        raise OSError("disk full")

    monkeypatch.setattr("gaoling.ipfs.manifest.os.replace", boom)
    with pytest.raises(OSError):
        atomic_write(path, b"{ half")
    assert path.read_bytes() == before
    monkeypatch.undo()
    assert PinManifest(path).is_pinned("bafyroot", "kubo:http://x")


def pinning_backend(cfg, pinning, kubo, sleeps, token="psa-secret-token-123", clock=None):
    c = cfg.model_copy(update={"pinning_endpoint": pinning.url, "pinning_origins": [kubo.origin()],
                               "pin_timeout": 60})
    from pydantic import SecretStr

    c = c.model_copy(update={"pinning_token": SecretStr(token)})
    be = make_backend(c, "pinning", sleep=sleeps)
    if clock is not None:
        be.clock = clock
    return be


def test_pinning_service_fetches_from_origins_and_reports_pinned(cfg, kubo, pinning, sleeps):
    publish_collection(SAMPLE, cfg, kubo_backend(cfg, kubo, sleeps))  # Kubo now holds the data
    be = pinning_backend(cfg, pinning, kubo, sleeps)
    r = publish_collection(SAMPLE, cfg, be)
    assert r.pin_status == "pinned"
    (req,) = pinning.pins.values()
    assert req["pin"]["cid"] == r.root_cid and req["pin"]["origins"] == [kubo.origin()]
    assert cids.parse(r.metadata_cid) in pinning.blocks  # it really fetched the DAG
    assert all(h.get("Authorization") == "Bearer psa-secret-token-123" for _, _, h in pinning.requests)
    assert manifest(cfg)[r.root_cid]["pins"][be.id]["requestid"] == req["requestid"]


def test_pinning_failed_status_then_rerun_pins(cfg, kubo, pinning, sleeps):
    publish_collection(SAMPLE, cfg, kubo_backend(cfg, kubo, sleeps))
    be = pinning_backend(cfg, pinning, kubo, sleeps)
    pinning.inject("POST /pins", "failed")
    with pytest.raises(PinFailed, match=r"pinning service at .*: collection catalogue.yaml \w+: the service reports the pin failed"):
        publish_collection(SAMPLE, cfg, be)
    r = publish_collection(SAMPLE, cfg, be)
    assert r.pin_status == "pinned"
    assert [p["status"] for p in pinning.pins.values()] == ["failed", "pinned"]


def test_pinning_resumes_a_queued_request_instead_of_duplicating(cfg, kubo, pinning, sleeps):
    publish_collection(SAMPLE, cfg, kubo_backend(cfg, kubo, sleeps))
    be = pinning_backend(cfg, pinning, kubo, sleeps)
    first = publish_collection(SAMPLE, cfg, be, wait=False)
    assert first.pin_status == "queued"
    assert publish_collection(SAMPLE, cfg, be).pin_status == "pinned"
    assert len(pinning.pins) == 1
    assert sum(1 for m, p, _ in pinning.requests if (m, p) == ("POST", "/pins")) == 1


def test_pinning_gives_up_after_the_pin_timeout(cfg, kubo, pinning, sleeps):
    now = [0.0]

    def clock():
        now[0] += 40  # every look at the clock is 40 s later
        return now[0]

    be = pinning_backend(cfg, pinning, kubo, sleeps, clock=clock)
    with pytest.raises(BackendError, match="still (queued|pinning) after 60s .*rerun to keep waiting"):
        publish_collection(SAMPLE, cfg, be)


def test_wrong_token_is_reported_without_the_token(cfg, kubo, pinning, sleeps):
    be = pinning_backend(cfg, pinning, kubo, sleeps, token="wrong-token-xyz")
    with pytest.raises(BackendError) as exc:
        publish_collection(SAMPLE, cfg, be)
    assert "HTTP 401 (check the token)" in str(exc.value)
    assert "wrong-token-xyz" not in str(exc.value)
    assert "wrong-token-xyz" not in (cfg.store / "pins.json").read_text()


def cluster_backend(cfg, cluster, sleeps):
    return make_backend(cfg.model_copy(update={"cluster_api": cluster.url}), "cluster", sleep=sleeps)


def test_cluster_adds_car_and_waits_for_every_peer(cfg, cluster, sleeps):
    r = publish_collection(SAMPLE, cfg, cluster_backend(cfg, cluster, sleeps))
    assert r.pin_status == "pinned"
    assert cids.parse(r.metadata_cid) in cluster.blocks
    assert cluster.pins[cids.parse(r.root_cid)]["polls"] == 2  # pinning, then pinned


@pytest.mark.parametrize("fault", ["drop", "500", "timeout"])
def test_cluster_retries_transient_failures(cfg, cluster, sleeps, fault):
    cluster.inject("add", fault)
    assert publish_collection(SAMPLE, cfg, cluster_backend(cfg, cluster, sleeps)).pin_status == "pinned"
    assert sleeps[0] == 0.5


def test_cluster_pin_error_is_reported(cfg, cluster, sleeps):
    cluster.inject("add", "failed")
    with pytest.raises(PinFailed, match="IPFS Cluster at .*: pin failed on .*injected failure"):
        publish_collection(SAMPLE, cfg, cluster_backend(cfg, cluster, sleeps))


def test_missing_configuration_names_the_variable(cfg):
    from gaoling.ipfs.config import ConfigError

    with pytest.raises(ConfigError, match="GAOLING_PINNING_ENDPOINT, GAOLING_PINNING_TOKEN"):
        make_backend(cfg, "pinning")

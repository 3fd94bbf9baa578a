"""What the deploy refuses before anything is sent: a catalogue whose sizes do not add up to the
collection's cap, and (on any chain but the local dev chain) a URI nobody can fetch."""

from __future__ import annotations

import shutil

import pytest
import yaml

from gaoling.deploy import PlatformConfigError, deploy_platform, load_platform_config
from gaoling.deploy.metadata import is_content_uri, publish_metadata
from tests.metadata.conftest import PLATFORM

CID = "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"


def _edit(path, fn):
    doc = yaml.safe_load(path.read_text("utf-8"))
    fn(doc)
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "utf-8")


@pytest.fixture
def own_platform(tmp_path):
    """A private copy of metadata/ (platform.yaml, collection, catalogue) that a test may edit,
    cut to a cap of 300 (15 pieces of 20), so that each publication here is 300 token files (the
    sample's crowdfund campaigns need up to 100 of its pieces)."""
    shutil.copytree(PLATFORM.parent, tmp_path / "metadata", ignore=shutil.ignore_patterns("schemas", "quiz"))
    root = tmp_path / "metadata"
    _edit(root / "catalogue" / "catalogue.yaml", lambda d: [p["edition"].update(size=20) for p in d["pieces"]])
    collection = root / "collections" / "jingdezhen-blue-and-white.yaml"
    collection.write_text(collection.read_text("utf-8").replace("cap: 10000", "cap: 300"), "utf-8")
    return root / "platform.yaml"


def test_sizes_that_do_not_add_up_to_the_cap_stop_the_deploy(own_platform, project, chain, accounts, tmp_path):
    _edit(own_platform.parent / "catalogue" / "catalogue.yaml", lambda d: d["pieces"][0]["edition"].update(size=19))
    admin = accounts[0]
    nonce = admin.nonce
    with pytest.raises(PlatformConfigError) as exc:
        deploy_platform(own_platform, project=project, provider=chain.provider, deployer=admin,
                        out_dir=tmp_path / "deployments", export_verify=False)
    message = str(exc.value)
    assert "add up to 299" in message and "cap is 300" in message and "catalogue.yaml" in message
    assert admin.nonce == nonce and not (tmp_path / "deployments" / f"{chain.chain_id}.json").exists()


def test_a_unique_piece_among_edition_pieces_is_an_error(own_platform, project, chain, accounts, tmp_path):
    _edit(own_platform.parent / "catalogue" / "catalogue.yaml",
          lambda d: d["pieces"][0].update(edition={"kind": "unique", "size": 1}))
    with pytest.raises(PlatformConfigError, match=r"piece 1: edition\.kind: .*works:"):
        deploy_platform(own_platform, project=project, provider=chain.provider, deployer=accounts[0],
                        out_dir=tmp_path / "deployments", export_verify=False)


@pytest.mark.parametrize("uri, ok", [
    (f"ipfs://{CID}/", True), (f"ipfs://{CID}/7.json", True), ("https://studio.example/meta/", True),
    ("ipfs://glazes/", False), ("ipfs://vouchers/1/requested", False), ("", False), ("http://x.example/", False),
    ("https://", False), ("ar://abc", False),
])
def test_what_counts_as_a_fetchable_uri(uri, ok):
    assert is_content_uri(uri) is ok


def test_placeholders_are_refused_off_the_local_chain(own_platform, tmp_path, monkeypatch):
    monkeypatch.setenv("GAOLING_IPFS_STORE", str(tmp_path / "ipfs"))
    _edit(own_platform, lambda d: (d["coupons"].update(base_uri="ipfs://glazes/"),
                                   d["certificate"].update(contract_uri="https://studio.example/cert.json")))
    platform = load_platform_config(own_platform)
    with pytest.raises(PlatformConfigError) as exc:
        publish_metadata(platform, "local", chain_id=11155111)
    message = str(exc.value)
    assert "coupons.base_uri: 'ipfs://glazes/' is not a URI anyone can fetch on chain 11155111" in message
    assert "certificate" not in message  # an https:// override is fine
    # the local dev chain accepts it
    assert publish_metadata(platform, "local", chain_id=31337).uris["coupons.base"] == "ipfs://glazes/"


def test_a_local_backend_off_the_local_chain_warns_how_to_pin(own_platform, tmp_path, monkeypatch):
    monkeypatch.setenv("GAOLING_IPFS_STORE", str(tmp_path / "ipfs"))
    platform = load_platform_config(own_platform)
    published = publish_metadata(platform, "local", chain_id=11155111)
    (warning,) = published.warnings
    assert "ipfs_backend is `local`" in warning and "nobody else can fetch" in warning
    assert "ape run ipfs pin" in warning and "docs/ipfs.md" in warning
    assert all(is_content_uri(u) for u in published.uris.values())
    assert publish_metadata(platform, "local", chain_id=31337).warnings == []


def test_a_collection_without_a_catalogue_needs_real_uris_off_the_local_chain(own_platform, tmp_path, monkeypatch):
    monkeypatch.setenv("GAOLING_IPFS_STORE", str(tmp_path / "ipfs"))
    _edit(own_platform, lambda d: d["collections"][0].pop("catalogue"))
    with pytest.raises(PlatformConfigError, match=r"collection jingdezhen-blue-and-white: uris\.base .*empty"):
        publish_metadata(load_platform_config(own_platform), "local", chain_id=8453)

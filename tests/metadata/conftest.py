"""One deploy of the sample platform (metadata/platform.yaml: the 10,000-token edition, coupons,
vouchers, certificate, artworks) on the local anvil, with its metadata published to a local IPFS
store of this session. Every URI a contract hands out is then resolved in that store, as a gateway
would resolve it (HAMT shards walked by hash), and parsed."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from gaoling.deploy import deploy_platform
from gaoling.ipfs import FsBlockstore, resolve_uri

ROOT = Path(__file__).resolve().parents[2]
PLATFORM = ROOT / "metadata" / "platform.yaml"


@pytest.fixture(scope="session")
def ipfs_store(tmp_path_factory):
    store = tmp_path_factory.mktemp("ipfs")
    before = os.environ.get("GAOLING_IPFS_STORE")
    os.environ["GAOLING_IPFS_STORE"] = str(store)
    yield store
    if before is None:
        os.environ.pop("GAOLING_IPFS_STORE", None)
    else:
        os.environ["GAOLING_IPFS_STORE"] = before


@pytest.fixture(scope="session")
def platform(project, chain, accounts, ipfs_store, tmp_path_factory):
    """The deploy outcome and its contracts by manifest component."""
    outcome = deploy_platform(PLATFORM, project=project, provider=chain.provider, deployer=accounts[0],
                              out_dir=tmp_path_factory.mktemp("deployments"), export_verify=False)
    c = outcome.manifest.contracts
    types = {"coupons": "GlazeCoupons", "certificate": "FiringCertificate", "artworks": "GaolingArtworks",
             "vouchers": "GaolingVouchers", "points": "PointsLedger", "edition:jingdezhen-blue-and-white": "GaolingEdition"}
    contracts = {k: getattr(project, t).at(c[k]) for k, t in types.items()}
    return outcome, contracts


@pytest.fixture(scope="session")
def resolve(ipfs_store):
    """resolve(uri) -> the bytes `uri` names in the published store (fails on a missing file)."""
    store = FsBlockstore(ipfs_store)
    return lambda uri: resolve_uri(store, uri)


@pytest.fixture(scope="session")
def resolve_json(resolve):
    return lambda uri: json.loads(resolve(uri))

"""`--catalogue`: a catalogue published for a single collection config (issue 2's path), and the
errors when it cannot apply."""

from __future__ import annotations

import pytest

from gaoling.catalogue import transfer_rule
from gaoling.collection.config import load_collection_config
from gaoling.deploy import PlatformConfigError, load_any_config
from gaoling.ipfs import publish_collection
from tests.deploy.helpers import PLATFORM, deploy

COLLECTION = PLATFORM.parent / "collections" / "jingdezhen-blue-and-white.yaml"
CATALOGUE = PLATFORM.parent / "catalogue" / "catalogue.yaml"


@pytest.fixture(autouse=True)
def _ipfs_store(shared_ipfs_store, monkeypatch):
    monkeypatch.setenv("GAOLING_IPFS_STORE", str(shared_ipfs_store))


def test_catalogue_option_sets_the_collection_uris(project, chain, admin, tmp_path):
    outcome = deploy(project, chain, admin, tmp_path, config=COLLECTION, catalogue=CATALOGUE)
    edition = project.GaolingEdition.at(outcome.manifest.contracts["edition:jingdezhen-blue-and-white"])
    transfer = load_collection_config(COLLECTION).transfer
    rule = transfer_rule(transfer.policy.value, transfer.holding_period)  # what the deploy writes
    published = publish_collection(CATALOGUE, backend="local", transfer=rule)  # content-addressed: same CIDs
    assert edition.baseURI() == published.base_uri
    assert edition.contractURI() == published.contract_uri
    assert set(outcome.manifest.contracts) == {"edition:jingdezhen-blue-and-white"}


def test_catalogue_option_errors_name_the_option(tmp_path):
    with pytest.raises(PlatformConfigError, match="--catalogue: .*missing.yaml does not exist"):
        load_any_config(COLLECTION, tmp_path / "missing.yaml")
    platform = tmp_path / "platform.yaml"
    platform.write_text("certificate: {}\n")
    with pytest.raises(PlatformConfigError, match="--catalogue: the config has 0 collections"):
        load_any_config(platform, CATALOGUE)

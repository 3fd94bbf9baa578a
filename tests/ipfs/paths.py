"""Paths shared by the IPFS tests."""

import atexit
import shutil
import tempfile
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SAMPLE = ROOT / "metadata" / "catalogue" / "catalogue.yaml"


def _small_sample() -> Path:
    """The sample catalogue with every edition piece cut to 2 tokens (30 token files instead of
    10,000), for tests about pinning and verification, where the number of files does not matter.
    Written once per test process, in a temporary folder."""
    folder = Path(tempfile.mkdtemp(prefix="gaoling-small-catalogue-"))
    atexit.register(shutil.rmtree, folder, True)
    shutil.copytree(SAMPLE.parent / "images", folder / "images")
    doc = yaml.safe_load(SAMPLE.read_text("utf-8"))
    for piece in doc["pieces"]:
        piece["edition"]["size"] = 2
    path = folder / "catalogue.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "utf-8")
    return path


SMALL = _small_sample()

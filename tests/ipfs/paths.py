"""Paths shared by the IPFS tests."""

from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SAMPLE = ROOT / "metadata" / "catalogue" / "catalogue.yaml"

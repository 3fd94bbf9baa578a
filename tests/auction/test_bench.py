"""The gas targets of issue 3, measured by the same code as `ape run bench`."""

from types import SimpleNamespace

from gaoling.bench.auction import measure

TARGETS = {"auction.first_bid": 60_000, "auction.outbid": 65_000, "auction.settle": 130_000}


def test_gas_targets(project, accounts, chain):
    gas = measure(SimpleNamespace(project=project, accounts=accounts, chain=chain))
    assert set(gas) == {"auction.create", "auction.first_bid", "auction.outbid", "auction.settle",
                        "auction.settle_with_points"}
    print(gas)
    for key, target in TARGETS.items():
        assert gas[key] <= target, f"{key}: {gas[key]} > {target}"

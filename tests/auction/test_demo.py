"""The demo story runs on the test chain and reports the payments it claims."""

from types import SimpleNamespace

from gaoling.demo.auction import run


def test_demo_story(project, accounts, chain):
    rows = dict(run(SimpleNamespace(project=project, accounts=accounts, chain=chain)))
    assert rows["outbid"].endswith("refunded 1 ETH at once")
    assert "end moves out by 840 s" in rows["late bid"]  # 900 s buffer, bid 60 s before the end
    assert rows["primary: artist royalty"] == f"{accounts[5].address}: 0.24 ETH"  # 8% of 3
    assert rows["primary: platform fee"] == f"{accounts[4].address}: 0.15 ETH"
    assert rows["primary: seller proceeds"] == f"{accounts[1].address}: 2.61 ETH"
    assert rows["resale: artist royalty"] == f"{accounts[5].address}: 0.4 ETH"  # 8% of 5
    assert rows["resale: seller proceeds"] == f"{accounts[2].address}: 4.35 ETH"
    assert rows["artist paid again"] == "0.4 ETH on the resale"

"""Whole collector journeys in a real browser, on the deployed platform."""

from __future__ import annotations

from tests.web.conftest import connect, goto, shoot


def test_connect_on_the_wrong_chain_then_switch(open_wallet, server, accounts, chain):
    page, wallet = open_wallet(accounts[1], wrong_chain=True)
    goto(page, server, "/")
    connect(page)
    assert page.locator("[data-state=wrong-chain]").is_visible()
    page.get_by_role("button", name="切换网络").click()
    page.wait_for_selector("#wallet .balance")
    # The wallet did not know the chain: the page added it with the EIP-3085 parameters.
    methods = [c["method"] for c in wallet.calls]
    assert "wallet_switchEthereumChain" in methods and "wallet_addEthereumChain" in methods
    added = next(c for c in wallet.calls if c["method"] == "wallet_addEthereumChain")["params"][0]
    assert int(added["chainId"], 16) == chain.chain_id and added["rpcUrls"] and added["nativeCurrency"]["decimals"] == 18
    balance = int(page.locator("#wallet .balance").get_attribute("data-balance"))
    assert balance == accounts[1].balance
    page.wait_for_selector(".collection .minted")
    assert page.locator(".collection .minted").get_attribute("data-cap") == "8"
    shoot(page, "gallery")

"""Fork test: a campaign opened and pledged to on an "upstream" chain is finalized and claimed on a
fork of it; the upstream keeps its own state. Runs in the fork session (`make test`), with the
upstream/fork anvils of tests/fork/chains.py."""

from __future__ import annotations

import pytest

from gaoling.crowdfund import chain as cf
from gaoling.deploy.config import load_platform_config
from tests.fork.chains import connected, start_anvil, stop
from tests.fork.conftest import PLATFORM


@pytest.fixture(scope="module")
def live_campaign(project, accounts):
    """Upstream: the voucher stack and a crowdfund, campaign `celadon-moon-vase` open with its goal met."""
    from gaoling.voucher.stack import build

    proc, url = start_anvil()
    try:
        with connected(url) as provider:
            from ape import chain

            stack = build(project, chain, accounts)
            crowdfund = cf.deploy(project, stack.admin, stack.vouchers)
            cf.wire(crowdfund, stack.admin, editions=(stack.edition,), vouchers=stack.vouchers, ledger=stack.ledger)
            now = int(chain.pending_timestamp)
            campaign = load_platform_config(PLATFORM).config.crowdfund.campaign("celadon-moon-vase")
            cid = cf.create(crowdfund, stack.edition, campaign.spec(stack.edition.address, now), stack.admin, now)
            cf.pledge(crowdfund, cid, 1, 2, accounts[3], now)   # 0.4 ether, two fired pieces
            cf.pledge(crowdfund, cid, 0, 2, accounts[7], now)   # 0.1 ether
            state = dict(url=url, block=provider.get_block("latest").number, crowdfund=crowdfund.address,
                         edition=stack.edition.address, vouchers=stack.vouchers.address, campaign=cid,
                         deadline=int(crowdfund.campaign(cid).deadline), balance=provider.get_balance(crowdfund.address))
        yield state
    finally:
        stop(proc)


def test_upstream_campaign_is_finalized_and_claimed_on_the_fork(project, accounts, live_campaign):
    up = live_campaign
    proc, url = start_anvil("--fork-url", up["url"], "--fork-block-number", str(up["block"]))
    try:
        with connected(url) as provider:
            from ape import chain

            crowdfund = project.GaolingCrowdfund.at(up["crowdfund"])
            edition = project.GaolingEdition.at(up["edition"])
            vouchers = project.GaolingVouchers.at(up["vouchers"])
            cid = up["campaign"]
            assert provider.get_balance(crowdfund.address) == up["balance"] == 5 * 10**17
            chain.pending_timestamp = up["deadline"] + 1
            assert cf.finalize(crowdfund, cid, accounts[9], up["deadline"] + 1) == cf.Status.SUCCEEDED
            first, quantity = cf.claim(crowdfund, cid, accounts[3], up["deadline"] + 1)
            assert quantity == 2 and [edition.ownerOf(t) for t in (first, first + 1)] == [accounts[3].address] * 2
            assert vouchers.balanceOf(accounts[3].address) == 2
            crowdfund.deliver(cid, [accounts[7].address], sender=accounts[0])
            assert edition.balanceOf(accounts[7].address) == 2
            payees, _, _ = crowdfund.payees(cid)
            for payee in payees:
                cf.release(crowdfund, cid, payee, accounts[9])
            assert provider.get_balance(crowdfund.address) == 0
        # The upstream chain never saw any of it.
        with connected(up["url"]) as provider:
            crowdfund = project.GaolingCrowdfund.at(up["crowdfund"])
            assert provider.get_block("latest").number == up["block"]
            assert crowdfund.campaign(up["campaign"]).status == 1
            assert provider.get_balance(crowdfund.address) == up["balance"]
    finally:
        stop(proc)

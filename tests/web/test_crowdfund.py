"""The crowdfund pages in a real browser: a collector opens a campaign, pledges (the progress bar
moves), withdraws, pledges again, and after the deadline claims; a failed campaign's pledger takes
a full refund. Campaigns are opened by the issuer through gaoling.crowdfund, as `ape run
crowdfund create` does; every collector action is the test wallet's own transaction."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from gaoling import crowdfund as cf
from tests.web import axe
from tests.web.conftest import DESKTOP, connect, goto, shoot, warp

ETHER = 10**18
DAY = 86_400
SLUG = "jingdezhen-blue-and-white"
DIGITAL = ETHER // 20        # 0.05 ether
FIRED = ETHER // 5           # 0.2 ether
GOAL = 3 * ETHER // 10       # 0.3 ether


def no_serious_axe(page):
    found = axe.serious_violations(page)
    assert found == [], found


@pytest.fixture
def crowdfund(project, contracts):
    return project.GaolingCrowdfund.at(contracts["crowdfund"])


@pytest.fixture
def open_campaign(project, contracts, crowdfund, chain, accounts):
    """A digital tier (5 pieces) and a physical one (1), goal 0.3 ether, 3 per wallet, 3 days."""
    edition = project.GaolingEdition.at(contracts[f"edition:{SLUG}"])

    def make() -> int:
        now = int(chain.pending_timestamp)
        spec = cf.CampaignSpec(str(edition.address), now + 3 * DAY, GOAL, 3,
                               (cf.TierSpec(DIGITAL, 5), cf.TierSpec(FIRED, 1, True)))
        return cf.create(crowdfund, edition, spec, accounts[0], now)

    return make


def fees_of(chain, address: str, blocks: int) -> int:
    """What `address` paid in gas over the last `blocks` blocks."""
    web3 = chain.provider.web3
    head = web3.eth.block_number
    total = 0
    for number in range(head - blocks + 1, head + 1):
        for tx in web3.eth.get_block(number, full_transactions=True)["transactions"]:
            if tx["from"] == address:
                receipt = web3.eth.get_transaction_receipt(tx["hash"])
                total += receipt["gasUsed"] * receipt["effectiveGasPrice"]
    return total


def cst(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, timezone(timedelta(hours=8))).strftime("%Y/%m/%d %H:%M") + " CST"


def test_pledge_moves_the_bar_withdraw_pledge_again_and_claim_after_the_deadline(
        open_wallet, server, accounts, chain, project, contracts, crowdfund, open_campaign):
    cid = open_campaign()
    alice, friend = accounts[1], accounts[4]
    # A shared link from a member who has bought: the first pledge records the referrer first.
    ledger = project.PointsLedger.at(contracts["points"])
    recorder = ledger.PURCHASE_RECORDER_ROLE()
    ledger.grantRole(recorder, accounts[0], sender=accounts[0])
    ledger.recordPurchase(friend, 0, 30, sender=accounts[0])
    ledger.revokeRole(recorder, accounts[0], sender=accounts[0])
    assert not ledger.memberOf(alice).purchased and ledger.memberOf(friend).purchased
    friend_points = int(ledger.pointsOf(friend))
    page, wallet = open_wallet(alice)
    goto(page, server, f"/crowdfund?ref={friend.address}")
    card = page.locator(f".campaign[data-campaign='{cid}']")
    card.wait_for()
    assert card.get_attribute("data-state") == "funding"
    assert card.locator("[role=progressbar]").get_attribute("aria-valuenow") == "0"
    no_serious_axe(page)
    shoot(page, "crowdfund-list")
    card.locator("a").click()
    page.wait_for_selector("body[data-ready='1'][data-campaign-state=funding]")
    deadline = int(crowdfund.campaign(cid).deadline)
    assert cst(deadline) in page.inner_text("#campaign-facts .deadline")
    assert page.locator("#campaign-facts .countdown").get_attribute("data-left") != "0"
    assert page.locator("#tiers .tier[data-tier='1']").inner_text().count("实物烧制件") == 1
    assert page.locator("#pledge-form").is_hidden()        # no wallet yet
    connect(page)
    page.wait_for_selector("#pledge-form:not([hidden])")
    assert page.locator("#pledge-limit [data-may-pledge]").get_attribute("data-may-pledge") == "3"

    # Over the per-wallet limit: the simulation explains it in both languages; nothing is sent.
    page.fill("#pledge-quantity", "4")
    page.click("#pledge-button")
    page.wait_for_selector("#campaign-status[data-error=GaolingCrowdfundWalletLimitExceeded]")
    reason = page.inner_text("#campaign-status")
    assert "此钱包在这个众筹中最多还能认筹 3 件" in reason and "This wallet may pledge only 3 more pieces" in reason
    assert not [c for c in wallet.calls if c["method"] == "eth_sendTransaction"]
    shoot(page, "crowdfund-revert")

    page.fill("#pledge-quantity", "2")                     # tier 1 (digital) is chosen first
    page.click("#pledge-button")
    page.wait_for_selector("#campaign-status[data-state=confirmed]", timeout=30_000)
    assert ledger.memberOf(alice).referrer == friend.address   # setReferrer went out before the pledge
    bar = page.locator("#campaign-facts [role=progressbar]")
    page.wait_for_selector("#campaign-facts [role=progressbar][data-bps='3333']")
    assert bar.get_attribute("aria-valuenow") == "33.33" and "0.1 ETH" in bar.get_attribute("aria-valuetext")
    assert page.locator("#pledge-facts .held").get_attribute("data-amount") == str(2 * DIGITAL)
    assert crowdfund.pledgeOf(cid, alice)[0] == 2 * DIGITAL
    no_serious_axe(page)
    shoot(page, "crowdfund-pledged")

    page.click("#withdraw")
    page.wait_for_selector("#pledge-facts .withdrawn", timeout=30_000)
    page.wait_for_selector("#campaign-facts [role=progressbar][data-bps='0']")
    assert crowdfund.pledgeOf(cid, alice)[0] == 0 and page.locator("#withdraw").is_hidden()

    page.check("#tier-1")                                  # the fired piece
    page.fill("#pledge-quantity", "1")
    page.click("#pledge-button")
    page.wait_for_selector("#campaign-status[data-state=confirmed]", timeout=30_000)
    page.wait_for_selector("#tiers .tier[data-tier='1'][data-remaining='0']")
    cf.pledge(crowdfund, cid, 0, 2, accounts[2], int(chain.pending_timestamp))   # another collector: goal met
    page.wait_for_selector("#campaign-facts [role=progressbar][data-bps='10000']", timeout=10_000)
    assert page.locator("#campaign-facts [role=progressbar]").get_attribute("aria-valuenow") == "100"

    warp(chain, deadline - int(chain.pending_timestamp) + 1)
    page.wait_for_selector("body[data-campaign-state=ended-succeeded]", timeout=10_000)
    page.wait_for_selector("#claim:not([hidden])")
    assert page.locator("#pledge-form").is_hidden() and page.locator("#withdraw").is_hidden()
    assert page.locator("#campaign-facts .countdown").get_attribute("data-left") == "0"
    page.click("#claim")                                   # finalize, then claim: two transactions
    page.wait_for_selector("#campaign-status[data-state=claimed]", timeout=60_000)
    (token,) = [int(i) for i in page.locator(".claimed-ids").get_attribute("data-token-ids").split(",")]
    edition = project.GaolingEdition.at(contracts[f"edition:{SLUG}"])
    assert edition.ownerOf(token) == alice.address
    vouchers = project.GaolingVouchers.at(contracts["vouchers"])
    assert vouchers.balanceOf(alice) == 1                  # the fired piece's voucher
    assert crowdfund.campaign(cid).status == cf.Status.SUCCEEDED
    sent = [c["params"][0]["data"][:10] for c in wallet.calls if c["method"] == "eth_sendTransaction"]
    assert len(sent) == 6                        # setReferrer, pledge, withdraw, pledge, finalize, claim
    assert sent[0] == "0xa18a7bfc"               # setReferrer(address), only once and before the first pledge
    assert int(ledger.pointsOf(friend)) == friend_points + 100   # the claim was alice's first purchase
    page.wait_for_selector("body[data-campaign-state=succeeded]")
    page.wait_for_selector(f"#pledge-facts .claimed[data-token-ids='{token}'] a[href='/piece/{SLUG}/{token}']")
    assert page.locator("#claim").is_hidden()
    no_serious_axe(page)
    shoot(page, "crowdfund-claimed")


def test_a_failed_campaign_refunds_every_wei_in_english(open_wallet, server, accounts, chain, crowdfund,
                                                        open_campaign):
    cid = open_campaign()
    bob = accounts[3]
    cf.pledge(crowdfund, cid, 0, 1, bob, int(chain.pending_timestamp))
    page, wallet = open_wallet(bob, viewport=DESKTOP, locale="en-GB")
    goto(page, server, f"/crowdfund/{cid}?lang=en")
    connect(page)
    page.wait_for_selector(f"#pledge-facts .held[data-amount='{DIGITAL}']")
    assert page.locator("#withdraw").is_visible() and page.locator("#refund").is_hidden()
    warp(chain, int(crowdfund.campaign(cid).deadline) - int(chain.pending_timestamp) + 1)
    page.wait_for_selector("body[data-campaign-state=ended-failed]", timeout=10_000)
    assert "goal missed" in page.inner_text("#campaign-facts .state")
    page.wait_for_selector("#refund:not([hidden])")
    assert page.locator("#claim").is_hidden() and page.locator("#withdraw").is_hidden()
    no_serious_axe(page)
    before = bob.balance
    page.click("#refund")                                  # finalize, then refund
    page.wait_for_selector("#campaign-status[data-state=refunded]", timeout=60_000)
    page.wait_for_selector(f"#pledge-facts .refunded[data-amount='{DIGITAL}']")
    assert "Refunded 0.05 ETH" in page.inner_text("#pledge-facts")
    # Every wei comes back: the balance moved by the pledge, less the two transactions' gas.
    assert bob.balance == before + DIGITAL - fees_of(chain, bob.address, 2)
    assert crowdfund.pledgeOf(cid, bob)[0] == 0 and crowdfund.campaign(cid).status == cf.Status.FAILED
    assert chain.provider.get_balance(crowdfund.address) == 0
    page.wait_for_selector("body[data-campaign-state=failed]")
    assert page.locator("#refund").is_hidden()
    assert page.locator("#campaign-facts .owed").get_attribute("data-owed") == "0"
    shoot(page, "crowdfund-refunded")

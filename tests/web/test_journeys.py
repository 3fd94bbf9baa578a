"""Whole collector journeys in a real browser, on the platform deployed by the deploy engine, with
the platform service (and its relayer) serving the page under uvicorn."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta, timezone

import pytest

from gaoling.artwork import ArtworkSpec, mint_to_auction
from gaoling.inputs import ZERO_ADDRESS
from tests.web import axe
from tests.web.conftest import DESKTOP, MARKUP_NAME, TEST_CAP, connect, goto, shoot, warp

ETHER = 10**18


def no_serious_axe(page):
    found = axe.serious_violations(page)
    assert found == [], found


def open_kiln_queue(open_wallet, server, staff_account, voucher_id):
    """The staff page, connected, with `voucher_id` waiting in the kiln queue: (page, wallet, its row)."""
    staff, staff_wallet = open_wallet(staff_account, viewport=DESKTOP)
    goto(staff, server, "/staff")
    connect(staff)
    item = f"#queue li[data-voucher='{voucher_id}']"
    staff.wait_for_selector(f"{item}[data-status='1']")
    return staff, staff_wallet, item


def test_connect_on_the_wrong_chain_then_switch(open_wallet, server, accounts, chain):
    page, wallet = open_wallet(accounts[1], wrong_chain=True)
    goto(page, server, "/")
    connect(page)
    assert page.locator("[data-state=wrong-chain]").is_visible()
    shoot(page, "wrong-network")
    page.get_by_role("button", name="切换网络").click()
    page.wait_for_selector("#wallet .balance")
    # The wallet did not know the chain: the page added it with the EIP-3085 parameters.
    methods = [c["method"] for c in wallet.calls]
    assert methods.index("wallet_switchEthereumChain") < methods.index("wallet_addEthereumChain")
    added = next(c for c in wallet.calls if c["method"] == "wallet_addEthereumChain")["params"][0]
    assert int(added["chainId"], 16) == chain.chain_id and added["rpcUrls"] and added["nativeCurrency"]["decimals"] == 18
    assert int(page.locator("#wallet .balance").get_attribute("data-balance")) == accounts[1].balance
    page.wait_for_selector(".collection .minted")
    assert page.locator(".collection .minted").get_attribute("data-cap") == str(TEST_CAP)
    page.wait_for_selector(".piece img")
    assert page.locator(".piece img").count() == TEST_CAP  # the catalogue's pieces, through the service's gateway
    # Metadata text is escaped: the markup in piece 1's name is shown, never parsed.
    assert MARKUP_NAME in page.inner_text(".piece[data-piece='1'] .name")
    assert page.locator("img[src=x]").count() == 0 and page.locator("body[data-xss]").count() == 0
    csp = page.request.get(server + "/").headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    no_serious_axe(page)
    shoot(page, "gallery")


def test_wrong_network_refuses_to_send(open_wallet, server, accounts, allowlist_open):
    page, wallet = open_wallet(accounts[1], wrong_chain=True)
    goto(page, server, "/mint/jingdezhen-blue-and-white")
    connect(page)
    page.wait_for_selector("#mint-info .muted")
    assert "请先连接钱包" in page.inner_text("#mint-info")  # no mint form while on the wrong chain
    assert page.locator("#mint-form").is_hidden()
    assert not [c for c in wallet.calls if c["method"] == "eth_sendTransaction"]


def test_allowlist_then_public_mint_until_sold_out(open_wallet, server, accounts, chain, contracts, project,
                                                    allowlist_open, sale_times):
    edition = project.GaolingEdition.at(contracts["edition:jingdezhen-blue-and-white"])
    page, _ = open_wallet(accounts[1])
    goto(page, server, "/mint/jingdezhen-blue-and-white")
    connect(page)
    page.wait_for_selector("#mint-form:not([hidden])")
    assert page.locator("#mint-info .phase").get_attribute("data-phase") == "allowlist"
    assert page.locator("#mint-quantity").get_attribute("max") == "3"  # allowance 3 (proof from the service)
    page.fill("#mint-quantity", "3")
    no_serious_axe(page)
    shoot(page, "mint-allowlist")
    page.click("#mint-button")
    page.wait_for_selector("#mint-status[data-state=minted]", timeout=30_000)
    assert page.locator(".minted-ids").get_attribute("data-token-ids") == "1,2,3"
    assert page.locator("#mint-status .hash").count() == 1
    assert edition.balanceOf(accounts[1]) == 3
    page.wait_for_selector("[data-state=limit-reached]")

    # Not on the allowlist: said so before any transaction.
    other, _ = open_wallet(accounts[4])
    goto(other, server, "/mint/jingdezhen-blue-and-white")
    connect(other)
    other.wait_for_selector("[data-state=not-listed]")

    warp(chain, sale_times["public"] - chain.pending_timestamp + 60)
    buyer, buyer_wallet = open_wallet(accounts[2], viewport=DESKTOP, locale="en-GB")
    # A link from someone who has not bought yet: the ledger would refuse that referrer, so the page
    # says so and the mint goes ahead without it (it used to fail on the refused setReferrer).
    goto(buyer, server, f"/mint/jingdezhen-blue-and-white?lang=en&ref={accounts[4].address}")
    connect(buyer)
    buyer.wait_for_selector(f"#referral[data-state=ineligible][data-referrer='{accounts[4].address}']")
    assert "cannot be recorded as your referrer" in buyer.inner_text("#referral")
    buyer.wait_for_selector("#mint-form:not([hidden])")
    assert buyer.locator("#mint-info .phase").get_attribute("data-phase") == "public"
    assert buyer.locator("#mint-quantity").get_attribute("max") == "5"
    buyer.fill("#mint-quantity", "5")
    buyer.click("#mint-button")
    buyer.wait_for_selector("#mint-status[data-state=minted]", timeout=30_000)
    assert buyer.locator(".minted-ids").get_attribute("data-token-ids") == "4,5,6,7,8"
    assert "Minted: #4, #5, #6, #7, #8" in buyer.inner_text("#mint-status")
    sent = [c["params"][0]["to"].lower() for c in buyer_wallet.calls if c["method"] == "eth_sendTransaction"]
    assert sent == [edition.address.lower()]   # the mint alone: no setReferrer
    assert project.PointsLedger.at(contracts["points"]).memberOf(accounts[2]).referrer == ZERO_ADDRESS
    buyer.wait_for_selector("[data-state=sold-out]")
    shoot(buyer, "mint-sold-out")
    goto(buyer, server, "/?lang=en")
    buyer.wait_for_selector(".collection [data-sold-out]")
    assert "Sold out" in buyer.inner_text(".collection .stats")


def record_states(page, selector: str) -> None:
    """Keeps every data-state the element takes (a short step such as "queued" included) in
    window.__states, for the test to read after the action."""
    page.evaluate("""(selector) => {
        const node = document.querySelector(selector);
        window.__states = [];
        new MutationObserver(() => { if (node.dataset.state) window.__states.push(node.dataset.state); })
            .observe(node, { attributes: true, attributeFilter: ["data-state"] });
    }""", selector)


def test_referral_check_in_then_gasless_and_direct_coupon_exchange(open_wallet, server, accounts, chain, contracts,
                                                                    project, allowlist_open):
    """A member mints; a friend opens the member's referral link (a malformed one first), mints and
    so records the member as referrer, which pays the member the referral points; the member checks
    in, then spends the points on two coupons: one exchange signed and relayed, one sent directly."""
    from gaoling.fan import member_status

    ledger = project.PointsLedger.at(contracts["points"])
    coupons = project.GlazeCoupons.at(contracts["coupons"])
    edition = project.GaolingEdition.at(contracts["edition:jingdezhen-blue-and-white"])
    member, friend = accounts[1], accounts[2]
    page, wallet = open_wallet(member)
    goto(page, server, "/mint/jingdezhen-blue-and-white")
    connect(page)
    page.wait_for_selector("#mint-form:not([hidden])")
    assert page.locator("#referral").count() == 0   # nobody referred the member
    page.fill("#mint-quantity", "3")
    page.click("#mint-button")
    page.wait_for_selector("#mint-status[data-state=minted]", timeout=30_000)
    assert ledger.pointsOf(member) == 80  # purchase: 50 + 3 x 10

    # A malformed ?ref= is refused in both languages and not kept.
    fpage, fwallet = open_wallet(friend)
    goto(fpage, server, "/?ref=0x70997970c51812dc3a010c7d01b50e0d17dc79")
    fpage.wait_for_selector("#ref-note[data-state=bad-ref]")
    note = fpage.inner_text("#ref-note")
    assert "推荐链接无效" in note and "This referral link is not valid" in note
    assert fpage.evaluate("localStorage.getItem('gaoling.ref')") is None
    no_serious_axe(fpage)
    shoot(fpage, "referral-malformed")
    # The member's own link (as /me shows it) is kept until the friend's first purchase.
    goto(fpage, server, f"/?ref={member.address}")
    assert fpage.locator("#ref-note").count() == 0
    goto(fpage, server, "/mint/jingdezhen-blue-and-white")
    connect(fpage)
    fpage.wait_for_selector(f"#referral[data-referrer='{member.address}'][data-state=pending]")
    assert "推荐人" in fpage.inner_text("#referral")
    no_serious_axe(fpage)
    fpage.fill("#mint-quantity", "2")
    fwallet.reject.add("eth_sendTransaction")   # the friend declines the setReferrer transaction
    fpage.click("#mint-button")
    fpage.wait_for_selector("#mint-status[data-error=UserRejected]", timeout=30_000)
    assert "You declined the request in your wallet" in fpage.inner_text("#mint-status")
    assert edition.balanceOf(friend) == 0 and member_status(ledger, friend).referrer is None  # nothing sent
    fpage.click("#mint-button")
    fpage.wait_for_selector("#mint-status[data-state=minted]", timeout=30_000)
    assert fpage.locator(".minted-ids").get_attribute("data-token-ids") == "4,5"
    fpage.wait_for_selector("#referral[data-state=recorded]")
    shoot(fpage, "referral-recorded")
    # On chain: the friend named the member, and the first purchase paid the member the referral.
    assert member_status(ledger, friend).referrer == member.address
    referral = int(ledger.rules().referral)
    assert referral > 0 and ledger.pointsOf(member) == 80 + referral
    rewarded = [log for log in ledger.ReferralRewarded.range(0, chain.blocks.head.number + 1)]
    assert [(log.referrer, log.referee, log.points) for log in rewarded] == [(member.address, friend.address, referral)]
    sent = [c["params"][0] for c in fwallet.calls if c["method"] == "eth_sendTransaction"]
    # setReferrer (declined), setReferrer, then the mint: the referrer goes first, once.
    assert [tx["to"].lower() for tx in sent] == [ledger.address.lower(), ledger.address.lower(), edition.address.lower()]
    goto(fpage, server, "/me")
    fpage.wait_for_selector("#my-referrer")
    assert fpage.locator("#my-referrer").get_attribute("data-referrer") == member.address

    goto(page, server, "/checkin")
    page.wait_for_selector("#checkin-facts .points")
    # A refused signature: nothing is sent and the page says so in both languages.
    wallet.reject.add("eth_signTypedData_v4")
    page.click("#checkin-sign")
    page.wait_for_selector("#checkin-status[data-error=UserRejected]")
    assert "您在钱包中拒绝了此请求" in page.inner_text("#checkin-status")
    assert "You declined the request in your wallet" in page.inner_text("#checkin-status")

    page.click("#checkin-sign")
    page.wait_for_selector("#checkin-status[data-state=credited]", timeout=30_000)
    assert "+10" in page.inner_text("#checkin-status")
    assert ledger.pointsOf(member) == 190
    page.wait_for_selector("[data-state=checked-in]")
    assert page.locator("#calendar [data-checked]").count() == 1
    no_serious_axe(page)
    shoot(page, "checkin")

    warp(chain, 86_400)  # the next CST day: a streak of two (10 + 2)
    goto(page, server, "/checkin")
    page.wait_for_selector("#checkin-facts .points")
    page.click("#checkin-direct")
    page.wait_for_selector("[data-state=checked-in]", timeout=30_000)
    assert ledger.pointsOf(member) == 202

    goto(page, server, "/coupons")
    page.wait_for_selector("#glazes .glaze")
    assert page.locator("#glazes .glaze").count() == 4
    no_serious_axe(page)
    shoot(page, "coupons")
    # Gasless: the member signs the EIP-712 Exchange, the service relays it: queued -> credited.
    record_states(page, "#coupon-status")
    page.locator(".glaze[data-glaze='1'] button.exchange").click()
    page.wait_for_selector("#coupon-status[data-state=credited]", timeout=60_000)
    states = page.evaluate("window.__states")
    assert states[0] == "signInWallet" and "queued" in states and states[-1] == "credited", states
    signed = [c for c in wallet.calls if c["method"] == "eth_signTypedData_v4"]
    assert '"Exchange"' in signed[-1]["params"][1]
    assert coupons.balanceOf(member, 1) == 1 and ledger.pointsOf(member) == 102
    page.wait_for_selector(".glaze[data-glaze='1'] [data-held='1']")
    no_serious_axe(page)
    # Direct: the member's own transaction.
    before = len([c for c in wallet.calls if c["method"] == "eth_sendTransaction"])
    page.locator(".glaze[data-glaze='1'] button.exchange-direct").click()
    page.wait_for_selector("#coupon-status[data-state=confirmed]", timeout=30_000)
    assert len([c for c in wallet.calls if c["method"] == "eth_sendTransaction"]) == before + 1
    assert coupons.balanceOf(member, 1) == 2
    assert ledger.pointsOf(member) == 2
    page.wait_for_selector(".glaze[data-glaze='1'] [data-held='2']")

    goto(page, server, "/me")
    page.wait_for_selector("#points-history li[data-event]")
    assert page.locator("#my-editions li").count() == 3
    assert page.locator("#my-coupons li[data-glaze='1']").inner_text().endswith("× 2")
    events = page.locator("#points-history li").evaluate_all("(items) => items.map((li) => li.dataset.event)")
    assert sorted(events) == ["CheckedIn", "CheckedIn", "PointsSpent", "PointsSpent", "PurchaseRewarded",
                              "ReferralRewarded"]
    assert page.input_value("#ref-link").endswith(f"/?ref={member.address}")
    no_serious_axe(page)
    shoot(page, "my-collection")


@pytest.fixture
def live_auction(project, contracts, accounts):
    artworks = project.GaolingArtworks.at(contracts["artworks"])
    house = project.GaolingAuctionHouse.at(contracts["auction"])
    artist = accounts[6]
    spec = ArtworkSpec.build(artist=artist.address, royalty_bps=800,
                             content_hash=hashlib.sha256(b"browser test: moon vase").digest(),
                             cid="bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku")
    minted = mint_to_auction(artworks, house, spec, accounts[4].address, ETHER, 3600, accounts[0])
    return house, minted.auction_id, artist


def test_bid_outbid_win_settle_with_royalty_paid(open_wallet, server, accounts, chain, live_auction):
    house, auction_id, artist = live_auction
    alice, _ = open_wallet(accounts[1])
    goto(alice, server, f"/auction/{auction_id}")
    connect(alice)
    alice.wait_for_selector("#bid-form:not([hidden])")
    assert alice.input_value("#bid-amount") == "1"  # the reserve, pre-filled

    # A bid below the minimum reverts: the decoded reason in both languages.
    alice.fill("#bid-amount", "0.5")
    alice.click("#bid-button")
    alice.wait_for_selector("#auction-status[data-error=GaolingAuctionHouseBidTooLow]")
    text = alice.inner_text("#auction-status")
    assert "出价太低：至少需要 1 ETH" in text and "Your bid is too low: at least 1 ETH is needed" in text
    shoot(alice, "auction-revert")

    alice.fill("#bid-amount", "1")
    alice.click("#bid-button")
    alice.wait_for_selector("#auction-status[data-state=confirmed]", timeout=30_000)
    alice.wait_for_selector("#auction-facts .countdown")

    bob, _ = open_wallet(accounts[2], viewport=DESKTOP)   # a second wallet in a second context
    goto(bob, server, f"/auction/{auction_id}")
    connect(bob)
    bob.wait_for_selector("#bid-form:not([hidden])")
    minimum = int(bob.locator("#auction-facts .minimum").get_attribute("data-minimum"))
    assert minimum == house.minimumBid(auction_id)
    bob.click("#bid-button")  # the pre-filled minimum
    bob.wait_for_selector("#auction-status[data-state=confirmed]", timeout=30_000)

    alice.wait_for_selector("#refund:not([hidden])", timeout=10_000)  # outbid: the refund is shown
    assert alice.locator("#refund").get_attribute("data-refund") == str(ETHER)
    alice.wait_for_selector(f"#auction-facts .minimum[data-minimum='{house.minimumBid(auction_id)}']", timeout=10_000)
    end_before = house.auction(auction_id).endTime
    warp(chain, end_before - chain.pending_timestamp - 60)  # a late bid extends the end
    alice.wait_for_selector(f"#auction-facts .minimum[data-minimum='{house.minimumBid(auction_id)}']", timeout=10_000)
    alice.click("#bid-button")
    alice.wait_for_selector("#auction-status[data-state=confirmed]", timeout=30_000)
    end_after = house.auction(auction_id).endTime
    assert end_after > end_before
    alice.wait_for_selector(f"#auction-facts .end[data-end='{end_after}']", timeout=10_000)
    assert alice.locator("#bids li").count() == 3
    no_serious_axe(alice)
    shoot(alice, "auction")

    warp(chain, end_after - chain.pending_timestamp + 1)
    before = artist.balance
    alice.wait_for_selector("#settle:not([hidden])", timeout=10_000)
    alice.click("#settle")
    alice.wait_for_selector("#settlement .royalty", timeout=30_000)
    paid = artist.balance - before
    assert paid > 0
    assert alice.locator("#settlement .royalty").get_attribute("data-royalty") == str(paid)
    assert re.search(r"已支付艺术家版税：[\d.]+ ETH", alice.inner_text("#settlement"))
    shoot(alice, "auction-settled")


def test_staff_page_only_for_the_fulfilment_role(open_wallet, server, accounts):
    collector, _ = open_wallet(accounts[1])
    goto(collector, server, "/staff")
    connect(collector)
    collector.wait_for_selector("#staff-gate[data-state=denied]")
    assert collector.locator("#kiln").is_hidden()
    staff, _ = open_wallet(accounts[0])   # the deployer keeps FULFILMENT_ROLE on the dev chain
    goto(staff, server, "/staff")
    connect(staff)
    staff.wait_for_selector("#staff-gate[data-state=allowed]")
    assert staff.locator("#kiln").is_visible()
    shoot(staff, "staff")


def test_voucher_eligibility_is_explained(open_wallet, server, accounts):
    page, _ = open_wallet(accounts[3])
    goto(page, server, "/custom")
    connect(page)
    page.wait_for_selector("#eligibility [data-missing=certificate]")
    assert page.locator("#eligibility [data-missing=piece]").count() == 1
    no_serious_axe(page)
    shoot(page, "custom")


@pytest.mark.parametrize("path", ["/piece/jingdezhen-blue-and-white/1"])
def test_other_pages_render_accessibly(open_wallet, server, accounts, path):
    page, _ = open_wallet(accounts[1])
    goto(page, server, path)
    connect(page)
    no_serious_axe(page)
    shoot(page, path.strip("/").replace("/", "-"))


def service_sees_head(server: str, chain) -> None:
    """Waits until the service's cached chain head (the quiz grader's clock, cached for a second and
    refreshed by the relayer too) includes the block just mined, so a retry after a warp is judged
    by the new time rather than racing the cache."""
    import time

    import httpx

    wanted = chain.blocks.head.timestamp
    deadline = time.monotonic() + 30
    while httpx.get(f"{server}/api/v1/chain", timeout=10).json()["head"]["timestamp"] < wanted:
        assert time.monotonic() < deadline, "the service never saw the new chain head"
        time.sleep(0.1)


def answer_quiz(page, bank, right: bool) -> None:
    """Picks, per shown question, the bank's answer (or any other choice) by its zh-CN text."""
    questions = {q.id: q for q in bank.questions}
    page.wait_for_selector("#quiz-form")
    for fieldset in page.locator("#quiz-form fieldset").all():
        q = questions[fieldset.get_attribute("data-question")]
        correct = q.choices[q.answer].get("zh-CN")
        for label in fieldset.locator("label").all():
            if (label.inner_text().strip() == correct) == right:
                label.locator("input").check()
                break
    page.click("#quiz-form button[type=submit]")


def test_quiz_fail_then_pass_after_cooldown_and_mint_certificate(open_wallet, server, accounts, chain, contracts,
                                                                 project):
    from gaoling.quiz import load_bank

    bank = load_bank()
    certificate = project.FiringCertificate.at(contracts["certificate"])
    page, wallet = open_wallet(accounts[1])
    goto(page, server, "/quiz")
    connect(page)
    page.click("#quiz-start")
    answer_quiz(page, bank, right=False)
    page.wait_for_selector("#quiz [data-passed=false]")
    assert page.locator("#quiz .explanation").count() == bank.attempt.questions  # one per wrong answer
    assert all(len(t) > 10 for t in page.locator("#quiz .explanation").all_inner_texts())
    # The start was a QuizStart signature the wallet showed in full, in the certificate's domain.
    signed = [c for c in wallet.calls if c["method"] == "eth_signTypedData_v4"]
    assert len(signed) == 1 and '"QuizStart"' in signed[0]["params"][1]
    # The cooldown shows at once with the result: until when (CST) and a countdown.
    page.wait_for_selector("#quiz-status[data-state=cooldown] .countdown")
    retry_at = int(page.locator("#quiz-status .cooldown").get_attribute("data-retry-at"))
    text = page.inner_text("#quiz-status")
    assert "您可以在" in text and "CST" in text
    when = datetime.fromtimestamp(retry_at, timezone(timedelta(hours=8))).strftime("%Y/%m/%d %H:%M")
    assert when in text
    h, m, s = map(int, re.search(r"(\d\d):(\d\d):(\d\d)", page.inner_text("#quiz-status .countdown")).groups())
    assert 0 < h * 3600 + m * 60 + s <= bank.attempt.cooldown_seconds
    no_serious_axe(page)
    page.evaluate("document.querySelector('#quiz-status .cooldown').dataset.seen = '1'")
    page.click("#quiz-start")   # within the cooldown: the service refuses, naming the same end
    page.wait_for_selector("#quiz-status .cooldown:not([data-seen])")
    assert int(page.locator("#quiz-status .cooldown").get_attribute("data-retry-at")) == retry_at
    shoot(page, "quiz-failed")

    warp(chain, bank.attempt.cooldown_seconds + 1)  # the grader's clock is the chain's
    service_sees_head(server, chain)
    page.click("#quiz-start")
    answer_quiz(page, bank, right=True)
    page.wait_for_selector("#quiz [data-passed=true]")
    assert page.locator("#quiz .explanation").count() == 0
    page.click("#mint-certificate")   # the collector mints with the returned attestation
    page.wait_for_selector("#quiz-status [data-certified]", timeout=30_000)
    assert certificate.hasCertificate(accounts[1])
    shoot(page, "quiz-passed")


def test_redeem_ship_deliver_then_the_studio_reads_it_on_the_dashboard(
        open_wallet, server, service, deployment, accounts, chain, contracts, project, bought_voucher):
    """Redeem with the shipping form; staff fire, print the label (details from the service's staff
    endpoint) and ship (tracking commitment from the service); the collector confirms delivery; the
    studio admin signs in to the dashboard and sees it all in the charts, in zh-CN."""
    collector, voucher_id, vouchers = bought_voucher
    page, wallet = open_wallet(collector)
    goto(page, server, "/custom")
    connect(page)
    mine = f"#vouchers li[data-voucher='{voucher_id}']"
    page.wait_for_selector(f"{mine}[data-status='0'] form.redeem")
    page.fill(f"#name-{voucher_id}", "王小明")
    page.fill(f"#phone-{voucher_id}", "123")   # too short: the browser names the field, nothing is sent
    page.fill(f"#address-{voucher_id}", "珠山区 1 号")
    page.fill(f"#city-{voucher_id}", "景德镇")
    page.click(f"{mine} form.redeem button[type=submit]")
    assert page.locator(f"#phone-{voucher_id}:invalid").count() == 1
    assert not [c for c in wallet.calls if c["method"] == "eth_signTypedData_v4"]
    page.fill(f"#phone-{voucher_id}", "+86 138 0013 8000")
    no_serious_axe(page)
    shoot(page, "custom-redeem")
    page.click(f"{mine} form.redeem button[type=submit]")
    page.wait_for_selector(f"{mine}[data-status='1']", timeout=30_000)   # redeemed with the commitment
    signed = [c for c in wallet.calls if c["method"] == "eth_signTypedData_v4"]
    assert len(signed) == 1 and '"ShippingIntake"' in signed[0]["params"][1]
    sent = [c for c in wallet.calls if c["method"] == "eth_sendTransaction"]
    assert "王小明".encode().hex() not in str(sent).lower()   # nothing personal on chain
    # Nothing personal left in the page or the browser's storage.
    assert not page.evaluate("[...document.querySelectorAll('input, textarea')].some((e) => e.value.includes('王小明'))")
    assert "王小明" not in page.content() and "13800138000" not in page.content().replace(" ", "")
    stored = page.evaluate("JSON.stringify([{...localStorage}, {...sessionStorage}])")
    assert "王小明" not in stored and "珠山" not in stored   # only the chosen wallet's id is kept
    history = page.request.get(f"{server}/api/v1/shipping/{voucher_id}").json()["submissions"]
    assert [s["state"] for s in history] == ["confirmed"]   # the service matched the on-chain commitment
    assert vouchers.statusOf(voucher_id) == 1

    staff, staff_wallet, item = open_kiln_queue(open_wallet, server, accounts[0], voucher_id)
    staff.locator(f"{item} button.to-kiln").click()
    staff.wait_for_selector(f"{item}[data-status='2']", timeout=30_000)
    staff.fill(f"#photo-{voucher_id}", "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku")
    staff.locator(f"{item} button.fired").click()
    staff.wait_for_selector(f"{item}[data-status='3']", timeout=30_000)
    shoot(staff, "staff-queue")
    # The label: the confirmed details come from the service, for a fresh SIWE of the staff wallet.
    staff.locator(f"{item} button.label").click()
    staff.wait_for_selector("#label:not([hidden]) .label-name", timeout=30_000)
    assert staff.inner_text("#label .label-name") == "王小明" and staff.inner_text("#label .label-city") == "景德镇"
    signed_in = [c for c in staff_wallet.calls if c["method"] == "personal_sign"]
    assert len(signed_in) == 1
    text = bytes.fromhex(signed_in[0]["params"][0][2:]).decode()
    assert text.startswith(f"{server.split('//')[1]} wants you to sign in") and f"Chain ID: {chain.chain_id}" in text
    shoot(staff, "staff-label")
    staff.click("#label-close")
    assert "王小明" not in staff.content()   # the details leave the page with the label
    staff.fill(f"#tracking-{voucher_id}", "SF1234567890")
    staff.locator(f"{item} button.shipped").click()
    salt_of = f"#shipped-list li[data-voucher='{voucher_id}'] .tracking-salt"
    staff.wait_for_selector(salt_of, timeout=30_000)
    assert vouchers.statusOf(voucher_id) == 4  # shipped
    # The tracking commitment is the service's (commit_tracking, salted), never a guessable hash.
    from eth_utils import keccak

    from gaoling.voucher.shipping import commit_tracking

    shipped = [log for log in vouchers.PieceShipped.range(0, chain.blocks.head.number + 1) if log.tokenId == voucher_id]
    onchain = bytes(shipped[-1].trackingCommitment)
    assert onchain != keccak(text=f"SF1234567890:{voucher_id}")
    assert onchain == commit_tracking("SF1234567890", staff.locator(salt_of).get_attribute("data-salt"))
    assert not staff.js_errors, staff.js_errors

    page, _ = open_wallet(collector)
    goto(page, server, "/custom")
    connect(page)
    page.wait_for_selector(f"{mine}[data-status='4']")
    assert page.locator(f"{mine} img").count() == 1  # the fired photo
    page.locator(f"{mine} button.confirm").click()
    page.wait_for_selector(f"{mine}[data-status='5']", timeout=30_000)
    assert vouchers.statusOf(voucher_id) == 5  # delivered
    no_serious_axe(page)
    shoot(page, "custom-delivered")

    # The dashboard: every event indexed into the service's database, as `ape run analytics sync` does.
    from gaoling.analytics.api import report_json
    from gaoling.analytics.service import build_indexer
    from gaoling.analytics.store import migrate

    migrate(service.engine)
    indexer, engine = build_indexer(rpc=chain.provider.uri, manifest=deployment, engine=service.engine)
    indexer.sync()
    goto(page, server, "/dashboard")   # a collector's wallet is refused, in both languages' problem
    page.click("#dash-signin")
    page.wait_for_selector("#dash-status[data-state=denied]", timeout=30_000)
    assert "DEFAULT_ADMIN_ROLE" in page.inner_text("#dash-status") and page.locator("section.report").count() == 0

    admin, _ = open_wallet(accounts[0])   # the deployer holds DEFAULT_ADMIN_ROLE on the dev chain
    goto(admin, server, "/dashboard")
    connect(admin)
    admin.click("#dash-signin")
    admin.wait_for_selector("#dash-status[data-state=ready]", timeout=60_000)
    assert admin.locator("html").get_attribute("lang") == "zh-CN"
    assert admin.locator("section.report h2").all_inner_texts() == [
        "销售与收入", "版税", "持有人", "经销与流通网络", "粉丝", "窑炉与履约"]
    canvases = admin.locator("canvas[data-rendered='1']").count()
    assert canvases == sum(len(report_json(engine, n)["charts"]) for n in
                           ("sales", "royalties", "holders", "network", "fans", "kiln")) >= 10
    drawn = admin.evaluate("""() => [...document.querySelectorAll('canvas')].map((c) => {
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        for (let i = 3; i < d.length; i += 4) if (d[i]) return true;
        return false; })""")
    assert all(drawn), drawn
    # Real numbers: what the chain says, and what `ape run analytics report` computes from the tables.
    edition = project.GaolingEdition.at(contracts["edition:jingdezhen-blue-and-white"])
    revenue = admin.locator("[data-report=sales] dd[data-total=revenue_wei]")
    assert int(revenue.get_attribute("data-value")) == edition.totalReceived() > 0
    assert "ETH" in revenue.inner_text()
    assert admin.locator("[data-report=kiln] dd[data-total=vouchers]").inner_text() == "1"
    kiln = report_json(engine, "kiln")["charts"][0]
    cells = admin.locator("[data-report=kiln] figure[data-chart=vouchers-per-state] tbody tr").all()
    shown = {row.locator("td").nth(0).text_content(): row.locator("td").nth(1).text_content() for row in cells}
    assert shown["已收货"] == "1" and shown["已发放"] == "0"
    assert list(shown.values()) == [str(v) for v in kiln["data"]["datasets"][0]["data"]]
    stored = admin.evaluate("JSON.stringify([{...localStorage}, {...sessionStorage}])")
    assert "token" not in stored.lower()   # the session token stays in the page's memory
    no_serious_axe(admin)
    assert not admin.js_errors, admin.js_errors   # Chart.js under the strict CSP: no violation
    shoot(admin, "dashboard")


def test_failed_firing_refunded_on_the_staff_page_then_claimed_by_the_collector(
        open_wallet, server, service, accounts, chain, contracts, project, bought_voucher):
    """Staff put a redemption in the kiln, mark the firing failed (the reason is public) and refund
    it on the staff page; the collector sees why and claims the price back from the page: the
    wallet's balance grows by exactly the price minus the claim's gas."""
    from gaoling.voucher.redeem import redeem_voucher
    from gaoling.voucher.shipping import ShippingStore, key_from_env

    collector, voucher_id, vouchers = bought_voucher
    coupons = project.GlazeCoupons.at(contracts["coupons"])
    price = int(vouchers.voucher(voucher_id).price)
    assert price > 0
    # Redeemed as `ape run voucher redeem` does it (the page's redeem is the journey above).
    details = {"name": "王小明", "phone": "+86 138 0013 8000", "address": "珠山区 1 号", "city": "景德镇", "country": "CN"}
    redeem_voucher(vouchers, coupons, ShippingStore(service.engine), collector, voucher_id, 1, details,
                   key=key_from_env(), chain_id=chain.chain_id)
    assert coupons.balanceOf(collector, 1) == 0

    staff, staff_wallet, item = open_kiln_queue(open_wallet, server, accounts[0], voucher_id)
    staff.locator(f"{item} button.to-kiln").click()
    staff.wait_for_selector(f"{item}[data-status='2'] button.failed", timeout=30_000)
    sent = len([c for c in staff_wallet.calls if c["method"] == "eth_sendTransaction"])
    staff.locator(f"{item} button.failed").click()   # no reason given: the field is named, nothing sent
    staff.wait_for_selector("#staff-status[data-state=error]")
    assert "原因" in staff.inner_text("#staff-status")
    assert len([c for c in staff_wallet.calls if c["method"] == "eth_sendTransaction"]) == sent
    staff.fill(f"#reason-{voucher_id}", "釉面缩釉 / glaze crawled")
    staff.locator(f"{item} button.failed").click()
    staff.wait_for_selector(f"{item}[data-status='6'] button.refund", timeout=30_000)
    assert staff.locator(f"{item} button.refire").count() == 1   # or put it back in the kiln
    no_serious_axe(staff)
    shoot(staff, "staff-failed")
    staff.locator(f"{item} button.refund").click()
    staff.wait_for_selector(f"{item}", state="detached", timeout=30_000)   # refunded: out of the queue
    assert vouchers.statusOf(voucher_id) == 7
    assert vouchers.refundOf(collector) == price
    assert coupons.balanceOf(collector, 1) == 1   # the coupon came back
    assert not staff.js_errors, staff.js_errors

    page, _ = open_wallet(collector)
    goto(page, server, "/custom")
    connect(page)
    mine = f"#vouchers li[data-voucher='{voucher_id}']"
    page.wait_for_selector(f"{mine}[data-status='7'] .failure-reason")
    assert "glaze crawled" in page.inner_text(f"{mine} .failure-reason")
    page.wait_for_selector("#claim-refund")
    assert int(page.locator("#vouchers [data-refund]").get_attribute("data-refund")) == price
    no_serious_axe(page)
    shoot(page, "custom-refund")
    before = collector.balance
    page.click("#claim-refund")
    page.wait_for_selector("#custom-status[data-state=confirmed]", timeout=30_000)
    page.wait_for_selector("#claim-refund", state="detached")
    tx_hash = page.locator("#custom-status .hash").get_attribute("data-hash")
    receipt = chain.provider.web3.eth.get_transaction_receipt(tx_hash)
    assert receipt["from"] == collector.address and receipt["to"] == vouchers.address
    gas = receipt["gasUsed"] * receipt["effectiveGasPrice"]
    assert collector.balance == before + price - gas
    assert vouchers.refundOf(collector) == 0
    assert not page.js_errors, page.js_errors

"""A scripted platform history on a local chain, for the analytics tests and the charts in the docs.

`play(project, accounts, chain, out_dir)` deploys `platform.yaml` here (the repository's collection
plus a freely transferable second drop) with the production deploy engine, plays the `make demo`
story on it (allowlist / public / fiat sales, split withdrawals, a gasless check-in, a referral, a
coupon exchange, the quiz, a primary auction and a resale, two vouchers with a kiln failure re-fired
and delivered, a crowdfunded drop that succeeds and one that refunds everybody), and then adds what analytics needs to see:

- a second drop bought by a dozen fans, one of whom is a dealer who passes most of his tokens on,
  some of which travel further (a distribution network);
- referral chains (a referrer whose referees refer others) and first purchases;
- check-ins over 15 simulated China Standard Time days (the clock moved with evm_setNextBlockTimestamp),
  with gaps, so streaks, daily actives and weekly cohorts are non-trivial;
- a second kiln failure that the studio refunds;
- one split payee withdrawing and one leaving the money releasable.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eth_account import Account
from eth_utils import keccak

from gaoling import signing
from gaoling.fan.checkin import CST_OFFSET, DAY

HERE = Path(__file__).parent
PLATFORM = HERE / "platform.yaml"
ETHER = 10**18


@dataclass
class SampleHistory:
    manifest_path: Path
    chain_id: int
    contracts: dict[str, Any]  # manifest label -> Ape contract instance
    members: list[str] = field(default_factory=list)  # every address that may hold points
    first_block: int = 0
    last_block: int = 0

    def of_type(self, name: str) -> list[Any]:
        return [c for c in self.contracts.values() if c.contract_type.name == name]


def _next_cst_day(chain: Any, hour: int = 10) -> None:
    now = int(chain.pending_timestamp)
    day = (now + CST_OFFSET) // DAY
    chain.pending_timestamp = (day + 1) * DAY - CST_OFFSET + hour * 3600
    chain.mine()


def play(project: Any, accounts: Any, chain: Any, out_dir: Path) -> SampleHistory:
    from rich.console import Console

    from gaoling.deploy import deploy_platform
    from gaoling.demo import DemoContext
    from gaoling.demo import auction as demo_auction
    from gaoling.demo import crowdfund as demo_crowdfund
    from gaoling.demo import edition as demo_edition
    from gaoling.demo import fan as demo_fan
    from gaoling.demo import quiz as demo_quiz
    from gaoling.demo import voucher as demo_voucher
    from gaoling.quiz import Attester

    first_block = chain.blocks.head.number + 1
    admin = accounts[0]
    outcome = deploy_platform(PLATFORM, project=project, provider=chain.provider, deployer=admin,
                              out_dir=out_dir, export_verify=False)
    manifest = outcome.manifest
    contracts = {label: getattr(project, manifest.steps[label]["contract"]).at(address)
                 for label, address in manifest.contracts.items()}
    ctx = DemoContext(project=project, accounts=accounts, chain=chain, console=Console(file=io.StringIO()))
    ctx.ledger, ctx.coupons, ctx.certificate = contracts["points"], contracts["coupons"], contracts["certificate"]
    ctx.artworks, ctx.auction_house, ctx.vouchers = contracts["artworks"], contracts["auction"], contracts["vouchers"]
    ctx.edition = contracts["edition:jingdezhen-blue-and-white"]
    ctx.crowdfund = contracts.get("crowdfund")
    for part in (demo_edition, demo_fan, demo_quiz, demo_auction, demo_voucher, demo_crowdfund):
        part.run(ctx)

    ledger, coupons, certificate, vouchers = ctx.ledger, ctx.coupons, ctx.certificate, ctx.vouchers
    celadon = contracts["edition:celadon"]
    price = int(celadon.phase(1).price)
    from ape import accounts as ape_accounts

    test_accounts = ape_accounts.test_accounts
    fans = []
    for i in range(12):
        fan = test_accounts.generate_test_account()
        admin.transfer(fan.address, 5 * ETHER)
        fans.append(fan)

    # Referral chains: fan 0 buys, refers 1-4; fan 1 buys, refers 5-6; every referee then buys.
    celadon.mintPublic(2, value=2 * price, sender=fans[0])
    for i in (1, 2, 3, 4):
        ledger.setReferrer(fans[0].address, sender=fans[i])
    celadon.mintPublic(1, value=price, sender=fans[1])
    for i in (5, 6):
        ledger.setReferrer(fans[1].address, sender=fans[i])
    # Fan 2 is a dealer: buys 12, passes most of them on.
    celadon.mintPublic(12, value=12 * price, sender=fans[2])
    for i in (3, 4, 5, 6):
        celadon.mintPublic(1 + i % 2, value=(1 + i % 2) * price, sender=fans[i])
    celadon.mintPublic(3, value=3 * price, sender=fans[7])
    dealt = [int(t) for t in range(int(celadon.totalMinted()) + 1 - 12 - 7 - 3, int(celadon.totalMinted()) + 1)]
    dealer_tokens = [t for t in dealt if celadon.ownerOf(t) == fans[2].address]
    receivers = [fans[8], fans[9], fans[10], fans[11], fans[8], fans[9], fans[10], accounts[1], accounts[2]]
    for token, to in zip(dealer_tokens, receivers):
        celadon.transferFrom(fans[2].address, to.address, token, sender=fans[2])
    # Some tokens travel further: 8 -> 9 -> 10 -> 11, and one comes back to the dealer's circle.
    travelling = dealer_tokens[0]
    for holder, nxt in ((fans[8], fans[9]), (fans[9], fans[10]), (fans[10], fans[11])):
        celadon.transferFrom(holder.address, nxt.address, travelling, sender=holder)
    fan7_token = next(t for t in dealt if celadon.ownerOf(t) == fans[7].address)
    celadon.transferFrom(fans[7].address, fans[2].address, fan7_token, sender=fans[7])

    # A second resale of the auctioned work: the artist is paid again.
    from gaoling import auction as auc

    house, artworks = ctx.auction_house, ctx.artworks
    token_id = 1  # the demo's work
    owner = next(a for a in list(accounts)[:10] if artworks.ownerOf(token_id) == a.address)
    third = auc.create(house, artworks, token_id, ETHER, 3600, owner, approve=True)
    auc.bid(house, third, 2 * ETHER, fans[2], int(chain.pending_timestamp))
    auc.bid(house, third, 3 * ETHER, fans[0], int(chain.pending_timestamp))
    chain.pending_timestamp = int(house.auction(third).endTime) + 1
    auc.settle(house, third, admin, int(chain.pending_timestamp))

    # Check-ins over 15 CST days, with gaps: daily actives, streaks, weekly cohorts.
    pattern = {0: range(0, 15), 1: range(0, 15, 2), 2: (0, 1, 2, 3), 3: (2, 3, 4, 5, 6, 7, 8), 4: (7, 8, 9, 14),
               5: (8, 9, 10, 11, 12, 13, 14), 6: (1,), 7: (10, 11), 8: (12, 13, 14)}
    for day in range(15):
        _next_cst_day(chain, hour=9 + day % 5)
        for i, days in pattern.items():
            if day in days:
                ledger.checkIn(sender=fans[i])

    # A certified fan redeems a celadon token; the kiln fails and the studio refunds.
    fan = fans[3]
    attester = Attester(accounts[8], signing.Domain.of(certificate), nonce_source=lambda: 77_000_001)
    signed = attester.sign(fan.address, int(certificate.minQuizVersion()) or 1, 90, int(chain.pending_timestamp))
    certificate.mint(signed.quiz_pass.as_tuple(), signed.signature_bytes(), sender=admin)
    coupons.exchange(1, 1, sender=fan)  # transparent glaze, paid with the fan's points
    token = next(t for t in range(1, int(celadon.totalMinted()) + 1) if celadon.ownerOf(t) == fan.address)
    vprice = ETHER // 10  # platform.yaml: vouchers.price
    receipt = vouchers.buy(celadon.address, token, value=vprice, sender=fan)
    vid = int(vouchers.VoucherBought.from_receipt(receipt)[0].tokenId)
    vouchers.redeem(vid, 1, keccak(text="sample shipping commitment"), sender=fan)
    vouchers.putInKiln(vid, 3, sender=admin)
    vouchers.markFailed(vid, "glaze crawled", sender=admin)
    vouchers.refund(vid, sender=admin)

    # Celadon's split: the studio withdraws, the artist leaves his share releasable.
    payees, _ = celadon.payees()
    celadon.release(payees[0], sender=admin)

    members = sorted({a.address for a in list(accounts)[:10]} | {f.address for f in fans}
                     | {Account.from_key(keccak(text="gaoling demo collector")).address})
    return SampleHistory(manifest_path=Path(manifest.path), chain_id=int(chain.chain_id), contracts=contracts,
                         members=members, first_block=first_block, last_block=chain.blocks.head.number)

"""Builders shared by the crowdfund tests: a world (edition, points ledger, coupons, certificate,
vouchers, crowdfund, all wired as the deploy plan wires them) and campaign shortcuts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gaoling.crowdfund import CampaignSpec, TierSpec
from gaoling.crowdfund import chain as cf
from gaoling.voucher.stack import build

ETHER = 10**18
DAY = 86_400
DIGITAL_PRICE = ETHER // 100      # tier 0: the digital piece
PHYSICAL_PRICE = ETHER // 20      # tier 1: the digital piece and the fired object
GOAL = ETHER // 5                  # 0.2 ether
NONE, FUNDING, SUCCEEDED, FAILED, CANCELLED = range(5)


@dataclass
class World:
    project: Any
    chain: Any
    admin: Any
    edition: Any
    ledger: Any
    coupons: Any
    certificate: Any
    vouchers: Any
    crowdfund: Any
    studio: Any
    artist: Any
    stack: Any

    def spec(self, **overrides: Any) -> CampaignSpec:
        fields = dict(edition=self.edition.address, deadline=int(self.chain.pending_timestamp) + 7 * DAY, goal=GOAL,
                      wallet_limit=10,
                      tiers=(TierSpec(DIGITAL_PRICE, 100, False), TierSpec(PHYSICAL_PRICE, 20, True)),
                      payees=((self.studio.address, 7000), (self.artist.address, 3000)))
        fields.update(overrides)
        return CampaignSpec(**fields)

    def create(self, **overrides: Any) -> int:
        receipt = self.crowdfund.createCampaign(self.spec(**overrides).as_tuple(), sender=self.admin)
        return int(self.crowdfund.CampaignCreated.from_receipt(receipt)[0].campaignId)

    def pledge(self, campaign_id: int, who: Any, tier: int = 0, quantity: int = 1) -> Any:
        price = int(self.crowdfund.tiers(campaign_id)[tier].price)
        return self.crowdfund.pledge(campaign_id, tier, quantity, value=price * quantity, sender=who)

    def deadline(self, campaign_id: int) -> int:
        return int(self.crowdfund.campaign(campaign_id).deadline)

    def end(self, campaign_id: int) -> None:
        """Moves the clock past the deadline (the next block is deadline + 1)."""
        self.chain.pending_timestamp = self.deadline(campaign_id) + 1

    def balance(self) -> int:
        return int(self.chain.provider.get_balance(self.crowdfund.address))

    def owed_total(self) -> int:
        total = 0
        for cid in range(1, int(self.crowdfund.campaignCount()) + 1):
            total += sum(int(x) for x in self.crowdfund.owed(cid))
        return total

    def assert_conserved(self) -> None:
        assert self.balance() == self.owed_total()


def build_world(project: Any, chain: Any, accounts: Any) -> World:
    stack = build(project, chain, accounts)
    admin = stack.admin
    crowdfund = cf.deploy(project, admin, stack.vouchers)
    cf.wire(crowdfund, admin, editions=(stack.edition,), vouchers=stack.vouchers, ledger=stack.ledger)
    return World(project, chain, admin, stack.edition, stack.ledger, stack.coupons, stack.certificate, stack.vouchers,
                 crowdfund, accounts[5], accounts[6], stack)


def fee(receipt: Any) -> int:
    """What a transaction cost its sender in ETH."""
    return int(receipt.gas_used) * int(receipt.gas_price)

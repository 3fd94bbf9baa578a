"""Stateful property test: whatever sequence of listings, bids (from people and from a bidder
that rejects refunds), waits, cancellations, settlements and withdrawals happens,

* the house holds exactly the live highest bids plus what it owes by pull withdrawal, and
* every settled auction pays each party (artist, platform, seller) exactly its share, once.
"""

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule, run_state_machine_as_test
from tests.auction.auction_helpers import ETHER, FEE_BPS, ROYALTY_BPS, work

DURATION = 15 * 60
TOKENS = 4


def test_money_is_conserved(project, house, artworks, admin, alice, bob, carol, stranger, artist, treasury, chain):
    reverting = project.TestRevertingReceiver.deploy(house, sender=admin)
    sellers = [alice, bob]
    for token_id in range(1, TOKENS + 1):
        artworks.mint(sellers[token_id % 2], work(artist), sender=admin)
    for holder in (alice, bob, carol, stranger):  # winners resell too
        artworks.setApprovalForAll(house, True, sender=holder)
    people = {p.address: p for p in (alice, bob, carol, stranger)}
    bidders = [carol, stranger, reverting]
    snapshot = chain.snapshot()
    # Deterministic time: every example starts at the same second and each block adds exactly
    # one second, so a replayed example sees the same timestamps (no wall-clock dependence).
    start = chain.blocks.head.timestamp + 1
    chain.provider.make_request("anvil_setBlockTimestampInterval", [1])

    class AuctionMachine(RuleBasedStateMachine):
        @initialize()
        def fresh_chain(self):
            nonlocal snapshot
            chain.restore(snapshot)
            snapshot = chain.snapshot()
            chain.pending_timestamp = start
            self.auctions: dict[int, dict] = {}  # id -> {seller, token, bidder, amount, live}
            self.pending = 0
            self.settled: set[int] = set()

        # -------------------------------------------------------------- helpers
        def _live(self, with_bid: bool | None = None) -> list[int]:
            return [
                i
                for i, a in self.auctions.items()
                if a["live"] and (with_bid is None or (a["bidder"] is not None) == with_bid)
            ]

        def _ended(self, auction_id: int) -> bool:
            end = house.auction(auction_id).endTime
            return end != 0 and chain.pending_timestamp >= end

        # -------------------------------------------------------------- rules
        @rule(token=st.integers(1, TOKENS), reserve=st.integers(1, 3 * ETHER))
        def list_token(self, token, reserve):
            seller = people.get(artworks.ownerOf(token))
            if seller is None:  # escrowed, or won by the contract bidder
                return
            house.createAuction(artworks, token, reserve, DURATION, sender=seller)
            auction_id = house.auctionCount()
            self.auctions[auction_id] = {"seller": seller, "token": token, "bidder": None, "amount": 0, "live": True}

        @precondition(lambda self: self._live())
        @rule(pick=st.integers(0, 99), who=st.integers(0, 2), extra=st.integers(0, ETHER))
        def bid(self, pick, who, extra):
            live = self._live()
            auction_id = live[pick % len(live)]
            if self._ended(auction_id):
                return
            a = self.auctions[auction_id]
            bidder = bidders[who]
            amount = house.minimumBid(auction_id) + extra
            previous, previous_amount = a["bidder"], a["amount"]
            before = previous.balance if previous is not None else 0
            if bidder is reverting:
                tx = reverting.bid(auction_id, value=amount, sender=admin)
            else:
                tx = house.createBid(auction_id, value=amount, sender=bidder)
            if previous is reverting:
                assert house.PaymentDeferred(payee=reverting, amount=previous_amount) in tx.events
                self.pending += previous_amount
            elif previous is not None and previous is not bidder:
                assert previous.balance - before == previous_amount  # refunded exactly once
            a["bidder"], a["amount"] = bidder, amount

        @rule(seconds=st.sampled_from([60, 600, 899, 900, DURATION + 1]))
        def wait(self, seconds):
            chain.pending_timestamp = chain.pending_timestamp + seconds
            chain.mine()

        @precondition(lambda self: self._live(with_bid=True))
        @rule(pick=st.integers(0, 99))
        def settle(self, pick):
            live = self._live(with_bid=True)
            auction_id = live[pick % len(live)]
            if not self._ended(auction_id):
                return
            a = self.auctions[auction_id]
            seller, price, winner = a["seller"], a["amount"], a["bidder"]
            parties = [seller, artist, treasury]
            before = {p.address: p.balance for p in parties}
            tx = house.settle(auction_id, sender=admin)
            settled = tx.events.filter(house.AuctionSettled)
            assert len(settled) == 1
            royalty, fee = price * ROYALTY_BPS // 10_000, price * FEE_BPS // 10_000
            expected = {seller.address: price - royalty - fee, artist.address: royalty, treasury.address: fee}
            for p in parties:
                assert p.balance - before[p.address] == expected[p.address], p
            assert settled[0].royalty + settled[0].fee + settled[0].sellerProceeds == price
            assert artworks.ownerOf(a["token"]) == winner.address
            a["live"] = False
            self.settled.add(auction_id)

        @precondition(lambda self: self._live(with_bid=False))
        @rule(pick=st.integers(0, 99))
        def cancel(self, pick):
            live = self._live(with_bid=False)
            auction_id = live[pick % len(live)]
            a = self.auctions[auction_id]
            house.cancel(auction_id, sender=a["seller"])
            assert artworks.ownerOf(a["token"]) == a["seller"].address
            a["live"] = False

        @precondition(lambda self: self.pending > 0)
        @rule()
        def withdraw(self):
            before = treasury.balance
            reverting.withdrawTo(treasury, sender=admin)
            assert treasury.balance - before == self.pending
            self.pending = 0

        # -------------------------------------------------------------- invariants
        @invariant()
        def house_holds_exactly_what_it_owes(self):
            if not hasattr(self, "auctions"):
                return
            live_bids = sum(a["amount"] for a in self.auctions.values() if a["live"] and a["bidder"] is not None)
            assert house.totalPending() == self.pending == house.pendingWithdrawals(reverting)
            assert house.balance == live_bids + self.pending

        @invariant()
        def settled_auctions_stay_settled(self):
            for auction_id in getattr(self, "settled", ()):
                assert house.auction(auction_id).status == 2

    try:
        run_state_machine_as_test(
            AuctionMachine,
            settings=settings(
                max_examples=20,
                stateful_step_count=12,
                deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
            ),
        )
    finally:
        chain.provider.make_request("anvil_removeBlockTimestampInterval", [])

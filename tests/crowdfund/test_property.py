"""Property: random pledges, withdrawals, time jumps, cancels, finalize, claims, refunds and releases
always conserve money (the crowdfund's balance equals what it owes, at every step), and in a failed
or cancelled campaign every pledger ends with exactly what it had, minus gas."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gaoling.crowdfund import TierSpec
from tests.crowdfund.helpers import CANCELLED, DAY, FAILED, FUNDING, SUCCEEDED, fee

PRICES = (3 * 10**15, 7 * 10**15)
CAP = 6

op = st.one_of(
    st.tuples(st.just("pledge"), st.integers(0, 2), st.integers(0, 1), st.integers(1, 3)),
    st.tuples(st.just("withdraw"), st.integers(0, 2), st.just(0), st.just(0)),
    st.tuples(st.just("warp"), st.just(0), st.just(0), st.integers(1, 4 * DAY)),
    st.tuples(st.just("cancel"), st.just(0), st.just(0), st.just(0)),
    st.tuples(st.just("finalize"), st.just(0), st.just(0), st.just(0)),
    st.tuples(st.just("settle"), st.integers(0, 2), st.just(0), st.just(0)),
)


@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
@given(ops=st.lists(op, min_size=3, max_size=12), goal_pieces=st.integers(1, 8))
def test_money_is_conserved_and_failed_pledgers_get_everything_back(world, chain, accounts, ops, goal_pieces):
    crowdfund = world.crowdfund
    pledgers = [accounts[1], accounts[2], accounts[3]]
    snapshot = chain.snapshot()
    try:
        start = {p.address: int(p.balance) for p in pledgers}
        spent_gas = {p.address: 0 for p in pledgers}
        cid = world.create(tiers=(TierSpec(PRICES[0], CAP), TierSpec(PRICES[1], CAP)), goal=goal_pieces * PRICES[0],
                           wallet_limit=5, payees=((world.studio.address, 6000), (world.artist.address, 4000)))
        deadline = world.deadline(cid)

        def sent(who, receipt):
            spent_gas[who.address] += fee(receipt)

        def act(kind, who, tier, n):
            c = crowdfund.campaign(cid)
            open_ = c.status == FUNDING and int(chain.pending_timestamp) <= deadline
            amount, pieces = crowdfund.pledgeOf(cid, who.address)
            if kind == "pledge" and open_:
                left = CAP - int(crowdfund.tiers(cid)[tier].pledged)
                if n <= left and sum(int(x) for x in pieces) + n <= 5:
                    sent(who, crowdfund.pledge(cid, tier, n, value=PRICES[tier] * n, sender=who))
            elif kind == "withdraw" and open_ and amount:
                sent(who, crowdfund.withdraw(cid, sender=who))
            elif kind == "warp":
                chain.pending_timestamp = int(chain.pending_timestamp) + n
            elif kind == "cancel" and open_:
                crowdfund.cancel(cid, sender=world.admin)
            elif kind == "finalize" and c.status == FUNDING and int(chain.pending_timestamp) > deadline:
                crowdfund.finalize(cid, sender=world.admin)
            elif kind == "settle" and amount:
                if c.status == SUCCEEDED:
                    sent(who, crowdfund.claim(cid, sender=who))
                elif c.status in (FAILED, CANCELLED):
                    sent(who, crowdfund.refund(cid, sender=who))

        for kind, who, tier, n in ops:
            act(kind, pledgers[who], tier, n)
            world.assert_conserved()

        # Play the campaign out: end it, then everybody settles and the payees release.
        if crowdfund.campaign(cid).status == FUNDING:
            chain.pending_timestamp = max(int(chain.pending_timestamp), deadline + 1)
            crowdfund.finalize(cid, sender=world.admin)
            world.assert_conserved()
        status = crowdfund.campaign(cid).status
        for who in pledgers:
            act("settle", who, 0, 0)
            world.assert_conserved()
        if status == SUCCEEDED:
            for payee in (world.studio, world.artist):
                crowdfund.release(cid, payee.address, sender=world.admin)
                world.assert_conserved()
            assert crowdfund.campaign(cid).raised >= crowdfund.campaign(cid).goal
        else:
            for who in pledgers:
                assert int(who.balance) == start[who.address] - spent_gas[who.address]
        assert world.balance() == 0
    finally:
        chain.restore(snapshot)

"""Property tests: the cap and per-wallet limits always hold, and money is conserved.

Each hypothesis example runs a random sequence of purchases and releases against a fresh
edition inside `chain.isolate()`, and checks the invariants after every step."""

import ape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.edition.conftest import DAY

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
CAP = 12
LIMIT = 4
PRICE = 1_003  # odd on purpose: exercises rounding in the split

steps = st.lists(
    st.one_of(
        st.tuples(st.just("mint"), st.integers(1, 4), st.integers(0, 6)),
        st.tuples(st.just("release"), st.integers(0, 2)),
    ),
    min_size=1,
    max_size=12,
)


@SETTINGS
@given(steps=steps)
def test_cap_limits_and_conservation(project, admin, make_init, chain, accounts, steps):
    payees = [accounts[4], accounts[5], accounts[6]]
    with chain.isolate():
        edition = admin.deploy(project.GaolingEdition, make_init(cap=CAP))
        now = chain.pending_timestamp
        edition.setPhase(1, (PRICE, now - 1, now + DAY, LIMIT), sender=admin)
        bought = {}
        for step in steps:
            if step[0] == "mint":
                _, buyer_index, quantity = step
                buyer = accounts[buyer_index]
                minted = edition.totalMinted()
                allowed = 0 < quantity <= CAP - minted and bought.get(buyer_index, 0) + quantity <= LIMIT
                if allowed:
                    edition.mintPublic(quantity, value=quantity * PRICE, sender=buyer)
                    bought[buyer_index] = bought.get(buyer_index, 0) + quantity
                else:
                    with ape.reverts():
                        edition.mintPublic(quantity, value=quantity * PRICE, sender=buyer)
            else:
                payee = payees[step[1]]
                if edition.releasable(payee) > 0:
                    edition.release(payee, sender=payee)

            # the cap is never exceeded, and per-wallet limits hold
            assert edition.totalMinted() <= CAP
            for index, count in bought.items():
                assert edition.purchasedBy(accounts[index])[1] == count <= LIMIT
            # money is conserved: received = released + releasable, and it is all held or paid out
            received = edition.totalReceived()
            assert received == sum(bought.values()) * PRICE
            assert received == edition.totalReleased() + sum(edition.releasable(p) for p in payees)
            assert edition.balance == sum(edition.releasable(p) for p in payees)

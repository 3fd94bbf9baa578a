"""F-05 (low): a payee contract that cannot receive ETH had its share frozen forever.

`RevenueSplit` (the edition and the vouchers inherit it) now has `releaseTo(payee, to)`, callable
only by the payee itself, as the house (`withdrawTo`) and the vouchers (`claimRefundTo`) already
allow for their own payments.
"""

from __future__ import annotations

import ape
import pytest

from tests.security.conftest import edition_init, open_public

PRICE = 10**16


@pytest.fixture
def payee(project, admin):
    return project.EthRejectingPayee.deploy(sender=admin)


@pytest.fixture
def split_edition(project, admin, chain, payee):
    edition = admin.deploy(project.GaolingEdition, edition_init(admin, [admin, payee], [5_000, 5_000]))
    open_public(edition, admin, chain, PRICE)
    return edition


def test_f05_payee_that_rejects_eth_releases_its_share_to_another_address(
        split_edition, payee, admin, alice, carol):
    split_edition.mintPublic(10, value=10 * PRICE, sender=alice)
    share = 5 * PRICE
    assert split_edition.releasable(payee) == share
    with ape.reverts():
        split_edition.release(payee, sender=alice)  # the push to the payee itself fails

    before = carol.balance
    receipt = payee.releaseTo(split_edition, carol, sender=admin)
    assert carol.balance == before + share
    event = split_edition.PaymentReleasedTo.from_receipt(receipt)[0]
    assert (event.payee, event.to, event.amount) == (payee.address, carol.address, share)
    assert split_edition.released(payee) == share
    assert split_edition.releasable(payee) == 0
    # Money is conserved: what was received is what was released plus what is still releasable.
    assert split_edition.totalReceived() == split_edition.totalReleased() + split_edition.releasable(admin)


def test_f05_only_the_payee_may_redirect_its_share(split_edition, payee, alice, stranger):
    split_edition.mintPublic(1, value=PRICE, sender=alice)
    with ape.reverts(split_edition.RevenueSplitUnauthorized, caller=stranger.address, payee=payee.address):
        split_edition.releaseTo(payee, stranger, sender=stranger)
    with ape.reverts(split_edition.RevenueSplitNotPayee, account=stranger.address):
        split_edition.releaseTo(stranger, stranger, sender=stranger)

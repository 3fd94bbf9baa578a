"""Revenue split by pull payment, including hostile payees."""

import ape

from tests.edition.conftest import PRICE


def test_release_pays_each_payee_its_share(edition, accounts, issuer, museum, artist, alice, stranger):
    edition.mintPublic(5, value=5 * PRICE, sender=alice)
    total = 5 * PRICE
    assert edition.totalReceived() == total
    expected = {issuer: total * 6000 // 10000, museum: total * 2500 // 10000, artist: total * 1500 // 10000}
    for payee, amount in expected.items():
        assert edition.releasable(payee) == amount
    before = museum.balance
    tx = edition.release(museum, sender=stranger)  # anyone may trigger; the money goes to the payee
    assert museum.balance - before == expected[museum]
    released = tx.decode_logs(edition.PaymentReleased)[0]
    assert released.payee == museum and released.amount == expected[museum]
    assert edition.releasable(museum) == 0 and edition.released(museum) == expected[museum]
    with ape.reverts(edition.RevenueSplitNothingDue, payee=museum):
        edition.release(museum, sender=museum)
    with ape.reverts(edition.RevenueSplitNotPayee, account=stranger):
        edition.release(stranger, sender=stranger)


def test_rounding_dust_goes_to_the_issuer(deploy_edition, admin, issuer, museum, artist, alice, chain):
    edition = deploy_edition(open_public=False)
    now = chain.pending_timestamp
    odd_price = 10_007  # not divisible by the shares
    edition.setPhase(1, (odd_price, now - 1, now + 100, 0), sender=admin)
    edition.mintPublic(1, value=odd_price, sender=alice)
    shares = [edition.releasable(p) for p in (issuer, museum, artist)]
    assert sum(shares) == odd_price
    assert shares[1] == odd_price * 2500 // 10000 and shares[2] == odd_price * 1500 // 10000
    for payee in (artist, issuer, museum):
        edition.release(payee, sender=payee)
    assert edition.balance == 0 and edition.totalReleased() == odd_price


def test_split_payees_view(edition, issuer, museum, artist):
    accounts_, shares = edition.payees()
    assert list(accounts_) == [issuer, museum, artist] and list(shares) == [6000, 2500, 1500]


def _split_edition(project, admin, make_init, chain, payee_contract, issuer):
    edition = admin.deploy(
        project.GaolingEdition, make_init(payees=[issuer.address, payee_contract.address], payeeBps=[5000, 5000])
    )
    now = chain.pending_timestamp
    edition.setPhase(1, (PRICE, now - 1, now + 1000, 0), sender=admin)
    return edition


def test_reverting_payee_blocks_only_itself(project, admin, make_init, chain, issuer, alice):
    hostile = admin.deploy(project.RevertingPayee)
    edition = _split_edition(project, admin, make_init, chain, hostile, issuer)
    edition.mintPublic(2, value=2 * PRICE, sender=alice)
    with ape.reverts():
        edition.release(hostile, sender=alice)
    before = issuer.balance
    edition.release(issuer, sender=alice)
    assert issuer.balance - before == PRICE
    assert edition.releasable(hostile) == PRICE  # still owed, nothing lost
    assert edition.balance == PRICE


def test_reentrant_payee_cannot_double_release(project, admin, make_init, chain, issuer, alice):
    hostile = admin.deploy(project.ReentrantPayee)
    edition = _split_edition(project, admin, make_init, chain, hostile, issuer)
    hostile.setTarget(edition, sender=admin)
    edition.mintPublic(4, value=4 * PRICE, sender=alice)
    edition.release(hostile, sender=alice)
    assert hostile.reentryAttempts() == 1 and not hostile.reentrySucceeded()
    assert hostile.balance == 2 * PRICE
    assert edition.releasable(issuer) == 2 * PRICE == edition.balance

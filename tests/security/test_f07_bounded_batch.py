"""F-07 (info): batch size was unbounded, so the first transfer of a token deep in an ERC-721A
batch cost gas linear in its position (938,868 gas for token 400 of one batch).

A mint call and a fiat order are now bounded by `maxMintQuantity` (default 20, settable by the
sale manager up to MAX_MINT_QUANTITY_LIMIT). `make bench` reports the worst first transfer as
`edition.worst_first_transfer`.
"""

from __future__ import annotations

import ape

from gaoling.collection.orders import MINT_ORDER_TYPES
from gaoling.signing import Domain, sign

PRICE = 10**16


def test_f07_a_public_mint_above_the_bound_is_refused(edition, alice):
    bound = edition.maxMintQuantity()
    assert bound == 20
    with ape.reverts(edition.EditionQuantityTooLarge, quantity=400, max=bound):
        edition.mintPublic(400, value=400 * PRICE, sender=alice)
    edition.mintPublic(bound, value=bound * PRICE, sender=alice)
    assert edition.totalMinted() == bound


def test_f07_worst_first_transfer_is_bounded(edition, alice, bob):
    bound = edition.maxMintQuantity()
    edition.mintPublic(bound, value=bound * PRICE, sender=alice)
    receipt = edition.transferFrom(alice, bob, bound, sender=alice)  # the deepest token of the batch
    assert receipt.gas_used < 150_000, receipt.gas_used


def test_f07_a_fiat_order_above_the_bound_is_refused(chain, edition, admin, carol):
    order = {"recipient": carol.address, "quantity": 21, "nonce": 77, "expiry": chain.pending_timestamp + 3600}
    signature = sign(admin, Domain.of(edition), "MintOrder", MINT_ORDER_TYPES, order)
    with ape.reverts(edition.EditionQuantityTooLarge, quantity=21, max=20):
        edition.mintWithOrder(tuple(order.values()), signature, sender=carol)


def test_f07_the_bound_is_configurable_within_limits(edition, admin, stranger, alice):
    limit = edition.MAX_MINT_QUANTITY_LIMIT()
    with ape.reverts(edition.EditionInvalidMaxMintQuantity, quantity=limit + 1):
        edition.setMaxMintQuantity(limit + 1, sender=admin)
    with ape.reverts(edition.EditionInvalidMaxMintQuantity, quantity=0):
        edition.setMaxMintQuantity(0, sender=admin)
    with ape.reverts(edition.AccessControlUnauthorizedAccount):
        edition.setMaxMintQuantity(5, sender=stranger)
    receipt = edition.setMaxMintQuantity(5, sender=admin)
    assert edition.MaxMintQuantityUpdated.from_receipt(receipt)[0].quantity == 5
    with ape.reverts(edition.EditionQuantityTooLarge, quantity=6, max=5):
        edition.mintPublic(6, value=6 * PRICE, sender=alice)
    assert not edition.paused(), "the bound shares the sale-control slot with the pause flag"

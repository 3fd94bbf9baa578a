"""F-08 (info): ETH sent with `approve`, `transferFrom` or `safeTransferFrom` on the edition was
kept (ERC-721A makes them payable) and became split revenue. These calls now reject any value."""

from __future__ import annotations

import ape

PRICE = 10**16


def test_f08_token_calls_reject_value(edition, alice, bob):
    edition.mintPublic(2, value=2 * PRICE, sender=alice)
    received = edition.totalReceived()
    with ape.reverts(edition.EditionValueNotAccepted, value=1):
        edition.approve(bob, 1, value=1, sender=alice)
    with ape.reverts(edition.EditionValueNotAccepted, value=1):
        edition.transferFrom(alice, bob, 1, value=1, sender=alice)
    with ape.reverts(edition.EditionValueNotAccepted, value=1):
        edition.safeTransferFrom(alice, bob, 1, value=1, sender=alice)
    with ape.reverts(edition.EditionValueNotAccepted, value=1):
        edition.safeTransferFrom(alice, bob, 2, b"", value=1, sender=alice)
    assert edition.totalReceived() == received
    # Without value they work as before.
    edition.approve(bob, 1, sender=alice)
    edition.transferFrom(alice, bob, 1, sender=bob)
    assert edition.ownerOf(1) == bob.address

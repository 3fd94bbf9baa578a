"""Glaze coupons: the four glazes, exchange for points (direct and signed), stock, redemption hooks."""

from __future__ import annotations

import ape
import pytest
from pydantic import ValidationError

from gaoling import signing
from gaoling.fan import (
    CELADON,
    DEFAULT_GLAZES,
    FanInputError,
    GlazeSpec,
    SignedExchange,
    add_glaze,
    glaze_metadata,
    list_glazes,
    relay_exchange,
    sign_exchange,
)
from gaoling.fan._common import sign_typed
from gaoling.fan.coupons import EXCHANGE_TYPES, write_metadata

TRANSPARENT, OPALESCENT, COLOUR, CRACKLE = 1, 2, 3, 4


def _fund(ledger, recorder, who, points):
    """Gives `who` exactly `points` (>= 50, multiple of 10 above 50) through one recorded purchase."""
    quantity = (points - 50) // 10
    assert 50 + 10 * quantity == points
    address = getattr(who, "address", who)
    ledger.recordPurchase(address, 0, quantity, sender=recorder)


@pytest.fixture
def redeemer(accounts, coupons, admin):
    account = accounts[6]
    coupons.grantRole(coupons.REDEEMER_ROLE(), account.address, sender=admin)
    return account


def test_four_glazes_at_deploy_with_bilingual_names(coupons):
    assert coupons.glazeCount() == 4
    expected = [("透明釉", "Transparent glaze"), ("乳浊釉", "Opalescent glaze"), ("颜色釉", "Colour glaze"),
                ("开片釉", "Crackle glaze")]
    for glaze_id, names in enumerate(expected, start=1):
        assert tuple(coupons.glazeName(glaze_id)) == names
        assert coupons.glazeExists(glaze_id)
        assert coupons.uri(glaze_id) == f"ipfs://bafyglazes/{glaze_id}.json"
    views = list_glazes(coupons)
    assert [(v.price, v.stock, v.exchanged) for v in views] == [(g.price, g.stock, 0) for g in DEFAULT_GLAZES]
    assert not coupons.glazeExists(0) and not coupons.glazeExists(5)
    with ape.reverts(coupons.GlazeCouponsUnknownGlaze, glazeId=5):
        coupons.uri(5)
    # ERC-1155 metadata URI and AccessControl interfaces
    assert coupons.supportsInterface("0x0e89341c") and coupons.supportsInterface("0x7965db0b")


def test_metadata_json_carries_both_names():
    meta = glaze_metadata(DEFAULT_GLAZES[3], image="ipfs://img/crackle.png")
    locales = meta["properties"]["locales"]
    assert (locales["zh-CN"]["name"], locales["en"]["name"]) == ("开片釉", "Crackle glaze")
    assert "开片" in locales["zh-CN"]["description"] and "craze" in locales["en"]["description"]
    assert "开片釉" in meta["name"] and "Crackle glaze" in meta["name"]
    assert meta["image"] == "ipfs://img/crackle.png"


def test_exchange_spends_points_mints_and_emits(ledger, coupons, recorder, alice):
    _fund(ledger, recorder, alice, 500)
    receipt = coupons.exchange(OPALESCENT, 2, sender=alice)
    assert coupons.balanceOf(alice, OPALESCENT) == 2
    assert ledger.pointsOf(alice) == 500 - 2 * 150
    exchanged = coupons.Exchanged.from_receipt(receipt)
    assert [(e.member, e.glazeId, e.amount, e.points, e.relayer) for e in exchanged] == [
        (alice.address, OPALESCENT, 2, 300, alice.address)]
    spent = ledger.PointsSpent.from_receipt(receipt)
    assert [(s.member, s.spender, s.amount) for s in spent] == [(alice.address, coupons.address, 300)]
    info = coupons.glaze(OPALESCENT)
    assert (info.stock, info.exchanged) == (500 - 2, 2)
    assert ledger.totalSpent() == 300
    assert ledger.totalIssued() - ledger.totalSpent() == ledger.pointsOf(alice)


def test_too_few_points_reverts_and_changes_nothing(ledger, coupons, recorder, alice):
    _fund(ledger, recorder, alice, 250)
    with ape.reverts(ledger.PointsLedgerInsufficientPoints, member=alice.address, points=250, needed=300):
        coupons.exchange(CRACKLE, 1, sender=alice)
    assert ledger.pointsOf(alice) == 250
    assert coupons.balanceOf(alice, CRACKLE) == 0
    assert coupons.glaze(CRACKLE).stock == 100


def test_stock_runs_out(ledger, coupons, recorder, admin, alice, bob):
    coupons.setGlaze(CRACKLE, 300, 2, sender=admin)
    _fund(ledger, recorder, alice, 900)
    _fund(ledger, recorder, bob, 300)
    with ape.reverts(coupons.GlazeCouponsOutOfStock, glazeId=CRACKLE, requested=3, remaining=2):
        coupons.exchange(CRACKLE, 3, sender=alice)
    coupons.exchange(CRACKLE, 2, sender=alice)
    with ape.reverts(coupons.GlazeCouponsOutOfStock, glazeId=CRACKLE, requested=1, remaining=0):
        coupons.exchange(CRACKLE, 1, sender=bob)
    assert ledger.pointsOf(bob) == 300  # nothing spent
    # restocking makes it available again
    receipt = coupons.setGlaze(CRACKLE, 300, 1, sender=admin)
    assert len(coupons.GlazeUpdated.from_receipt(receipt)) == 1
    coupons.exchange(CRACKLE, 1, sender=bob)
    assert coupons.glaze(CRACKLE).exchanged == 3


def test_bad_exchange_arguments(coupons, ledger, recorder, alice):
    _fund(ledger, recorder, alice, 100)
    with ape.reverts(coupons.GlazeCouponsUnknownGlaze, glazeId=9):
        coupons.exchange(9, 1, sender=alice)
    with ape.reverts(coupons.GlazeCouponsZeroAmount):
        coupons.exchange(TRANSPARENT, 0, sender=alice)


def test_coupons_are_transferable(ledger, coupons, recorder, alice, bob):
    _fund(ledger, recorder, alice, 100)
    coupons.exchange(TRANSPARENT, 1, sender=alice)
    coupons.safeTransferFrom(alice.address, bob.address, TRANSPARENT, 1, b"", sender=alice)
    assert coupons.balanceOf(bob, TRANSPARENT) == 1 and coupons.balanceOf(alice, TRANSPARENT) == 0


def test_points_are_only_spent_by_the_spender_role(ledger, alice, stranger, recorder):
    _fund(ledger, recorder, alice, 100)
    with ape.reverts(ledger.AccessControlUnauthorizedAccount, account=stranger.address):
        ledger.spend(alice.address, 10, sender=stranger)
    assert ledger.pointsOf(alice) == 100


# ---------------------------------------------------------------- gasless exchange


def test_signed_exchange_relayed_by_anyone(ledger, coupons, recorder, relayer, members, chain):
    member = members[0]
    _fund(ledger, recorder, member.address, 400)
    signed = sign_exchange(member, coupons, COLOUR, 2, nonce=7)
    receipt = relay_exchange(coupons, signed, relayer)
    assert coupons.balanceOf(member.address, COLOUR) == 2
    assert ledger.pointsOf(member.address) == 0
    assert chain.provider.get_balance(member.address) == 0
    log = coupons.Exchanged.from_receipt(receipt)[0]
    assert (log.member, log.relayer) == (member.address, relayer.address)
    assert coupons.nonceUsed(member.address, 7)


def test_signed_exchange_cannot_be_replayed(ledger, coupons, recorder, relayer, members):
    member = members[0]
    _fund(ledger, recorder, member.address, 1000)
    signed = sign_exchange(member, coupons, TRANSPARENT, 1, nonce=1)
    coupons.exchangeWithSignature(signed.request(), signed.signature, sender=relayer)
    with ape.reverts(coupons.GlazeCouponsNonceUsed, member=member.address, nonce=1):
        coupons.exchangeWithSignature(signed.request(), signed.signature, sender=relayer)
    with pytest.raises(FanInputError, match="nonce: 1 .* already used"):
        relay_exchange(coupons, signed, relayer)
    assert ledger.pointsOf(member.address) == 900


def test_signed_exchange_expires(ledger, coupons, recorder, relayer, members, chain):
    member = members[0]
    _fund(ledger, recorder, member.address, 100)
    deadline = chain.pending_timestamp + 60
    signed = sign_exchange(member, coupons, TRANSPARENT, 1, nonce=2, deadline=deadline)
    chain.pending_timestamp = deadline + 1
    with ape.reverts(coupons.GlazeCouponsExpired, deadline=deadline, timestamp=deadline + 1):
        coupons.exchangeWithSignature(signed.request(), signed.signature, sender=relayer)
    assert ledger.pointsOf(member.address) == 100


def test_signed_exchange_is_bound_to_member_and_chain(project, admin, ledger, coupons, recorder, relayer,
                                                       members):
    victim, attacker = members[0], members[1]
    _fund(ledger, recorder, victim.address, 1000)
    signed = sign_exchange(victim, coupons, TRANSPARENT, 1, nonce=3)
    # changing any field (here: the amount) breaks the signature
    tampered = (victim.address, TRANSPARENT, 5, signed.max_points, 3, signed.deadline)
    with ape.reverts(coupons.GlazeCouponsInvalidSignature, member=victim.address):
        coupons.exchangeWithSignature(tampered, signed.signature, sender=relayer)
    # the attacker's own signature cannot spend the victim's points
    forged = sign_exchange(attacker, coupons, TRANSPARENT, 1, nonce=3)
    victim_request = (victim.address, TRANSPARENT, 1, forged.max_points, 3, forged.deadline)
    with ape.reverts(coupons.GlazeCouponsInvalidSignature):
        coupons.exchangeWithSignature(victim_request, forged.signature, sender=relayer)
    # a domain with another chain id
    domain = signing.Domain.of(coupons)
    other_chain = signing.Domain(domain.name, domain.version, domain.chain_id + 1, domain.verifying_contract)
    message = dict(zip([f["name"] for f in EXCHANGE_TYPES["Exchange"]], signed.request(), strict=True))
    foreign = sign_typed(victim, other_chain, "Exchange", EXCHANGE_TYPES, message)
    with ape.reverts(coupons.GlazeCouponsInvalidSignature):
        coupons.exchangeWithSignature(signed.request(), foreign, sender=relayer)
    # another coupon contract on the same ledger
    second = admin.deploy(project.GlazeCoupons, admin.address, ledger.address, "ipfs://x/",
                          [g.as_tuple() for g in DEFAULT_GLAZES])
    ledger.grantRole(ledger.SPENDER_ROLE(), second.address, sender=admin)
    with ape.reverts(second.GlazeCouponsInvalidSignature):
        second.exchangeWithSignature(signed.request(), signed.signature, sender=relayer)
    assert ledger.pointsOf(victim.address) == 1000


def test_member_can_cancel_a_signed_request(ledger, coupons, recorder, relayer, alice):
    _fund(ledger, recorder, alice, 100)
    signed = sign_exchange(alice, coupons, TRANSPARENT, 1, nonce=99)
    receipt = coupons.cancelNonce(99, sender=alice)
    assert [(l.member, l.nonce) for l in coupons.NonceCancelled.from_receipt(receipt)] == [(alice.address, 99)]
    with ape.reverts(coupons.GlazeCouponsNonceUsed):
        coupons.exchangeWithSignature(signed.request(), signed.signature, sender=relayer)


def test_signed_exchange_json_round_trip(coupons, members):
    signed = sign_exchange(members[0], coupons, TRANSPARENT, 1, nonce=5, deadline=10**10)
    assert SignedExchange.from_json(signed.to_json()) == signed
    with pytest.raises(FanInputError, match="req.json: missing field"):
        SignedExchange.from_json("{}", "req.json")


def test_python_validation_names_the_argument(coupons, members):
    with pytest.raises(FanInputError, match="glaze_id: 9 is not a glaze type"):
        sign_exchange(members[0], coupons, 9, 1)
    with pytest.raises(FanInputError, match="amount"):
        sign_exchange(members[0], coupons, TRANSPARENT, 0)
    with pytest.raises(FanInputError, match="member"):
        sign_exchange("0xnot-an-address", coupons, TRANSPARENT, 1)
    with pytest.raises(ValidationError, match="price"):
        GlazeSpec(name_zh="青釉", name_en="Celadon", price=0, stock=1)
    with pytest.raises(ValidationError, match="name_en"):
        GlazeSpec(name_zh="青釉", name_en="  ", price=1, stock=1)


# ---------------------------------------------------------------- admin


def test_admin_adds_celadon(coupons, admin, stranger, ledger, recorder, alice):
    with ape.reverts(coupons.AccessControlUnauthorizedAccount):
        coupons.addGlaze(CELADON.as_tuple(), sender=stranger)
    glaze_id = add_glaze(coupons, CELADON, admin)
    assert glaze_id == 5
    assert tuple(coupons.glazeName(5)) == ("青釉", "Celadon glaze")
    assert coupons.uri(5) == "ipfs://bafyglazes/5.json"
    _fund(ledger, recorder, alice, 250)
    coupons.exchange(5, 1, sender=alice)
    assert coupons.balanceOf(alice, 5) == 1
    with ape.reverts(coupons.GlazeCouponsEmptyName, argument="nameZh"):
        coupons.addGlaze(("", "Ash glaze", 10, 1), sender=admin)
    with ape.reverts(coupons.GlazeCouponsZeroPrice):
        coupons.addGlaze(("灰釉", "Ash glaze", 0, 1), sender=admin)
    with ape.reverts(coupons.GlazeCouponsZeroPrice):
        coupons.setGlaze(1, 0, 1, sender=admin)
    with ape.reverts(coupons.GlazeCouponsUnknownGlaze):
        coupons.setGlaze(77, 1, 1, sender=admin)


def test_base_uri_change_emits_uri_events(coupons, admin):
    receipt = coupons.setBaseURI("ipfs://newcid/", sender=admin)
    uris = coupons.URI.from_receipt(receipt)
    assert [(u.value, u.id) for u in uris] == [(f"ipfs://newcid/{i}.json", i) for i in range(1, 5)]


def test_pause_stops_exchanges_but_not_transfers(ledger, coupons, recorder, admin, alice, bob):
    _fund(ledger, recorder, alice, 200)
    coupons.exchange(TRANSPARENT, 1, sender=alice)
    coupons.pause(sender=admin)
    with ape.reverts(coupons.EnforcedPause):
        coupons.exchange(TRANSPARENT, 1, sender=alice)
    coupons.safeTransferFrom(alice.address, bob.address, TRANSPARENT, 1, b"", sender=alice)
    assert coupons.balanceOf(bob, TRANSPARENT) == 1


# ---------------------------------------------------------------- redemption hooks


def test_consume_and_restore(ledger, coupons, recorder, redeemer, alice, stranger):
    _fund(ledger, recorder, alice, 100)
    coupons.exchange(TRANSPARENT, 1, sender=alice)
    with ape.reverts(coupons.AccessControlUnauthorizedAccount):
        coupons.consume(alice.address, TRANSPARENT, sender=stranger)
    receipt = coupons.consume(alice.address, TRANSPARENT, sender=redeemer)
    assert coupons.balanceOf(alice, TRANSPARENT) == 0
    assert [(l.holder, l.glazeId, l.redeemer) for l in coupons.CouponConsumed.from_receipt(receipt)] == [
        (alice.address, TRANSPARENT, redeemer.address)]
    with ape.reverts(coupons.ERC1155InsufficientBalance):
        coupons.consume(alice.address, TRANSPARENT, sender=redeemer)
    stock = coupons.glaze(TRANSPARENT).stock
    receipt = coupons.restore(alice.address, TRANSPARENT, sender=redeemer)
    assert coupons.balanceOf(alice, TRANSPARENT) == 1
    assert coupons.glaze(TRANSPARENT).stock == stock  # restores do not touch stock
    assert len(coupons.CouponRestored.from_receipt(receipt)) == 1
    with ape.reverts(coupons.GlazeCouponsUnknownGlaze):
        coupons.restore(alice.address, 42, sender=redeemer)
    with ape.reverts(coupons.AccessControlUnauthorizedAccount):
        coupons.restore(alice.address, TRANSPARENT, sender=stranger)


def test_reentrant_receiver_cannot_exchange_twice(project, admin, ledger, coupons, recorder, alice):
    attacker = admin.deploy(project.ReentrantCouponReceiver, coupons.address)
    _fund(ledger, recorder, attacker.address, 200)
    with ape.reverts(coupons.ReentrancyGuardReentrantCall):
        attacker.exchange(TRANSPARENT, 1, sender=alice)
    assert ledger.pointsOf(attacker.address) == 200
    assert coupons.balanceOf(attacker.address, TRANSPARENT) == 0
    # the same contract without re-entry is an ordinary member
    attacker.setReenter(False, sender=alice)
    attacker.exchange(TRANSPARENT, 1, sender=alice)
    assert coupons.balanceOf(attacker.address, TRANSPARENT) == 1
    assert ledger.pointsOf(attacker.address) == 100


def test_write_metadata_files(tmp_path):
    import json

    paths = write_metadata(DEFAULT_GLAZES, tmp_path)
    assert [p.rsplit("/", 1)[1] for p in paths] == ["1.json", "2.json", "3.json", "4.json"]
    meta = json.loads((tmp_path / "2.json").read_text(encoding="utf-8"))
    assert meta["name"] == "Opalescent glaze · 乳浊釉"
    assert meta["properties"]["locales"]["zh-CN"]["name"] == "乳浊釉"

"""Every bad input named in issue 12, through the real commands: the message names the argument
and what to do next, the exit code says who must act, no traceback, nothing half-written."""

from __future__ import annotations

import json

import pytest

from gaoling.collection.orders import ORDER_SIGNER_ROLE, sign_mint_order
from gaoling.fan import sign_exchange
from gaoling.signing import Domain
from gaoling.voucher.shipping import ShippingStore
from tests.cli.conftest import ALICE, BOB, CAROL, FULFIL, SIGNER, STRANGER, assert_clean_error
from tests.voucher.helpers import ISSUED, SHIPPED


def test_bad_inputs_named_in_the_issue_each_get_a_message_and_send_nothing(world, accounts, ape_run, chain,
                                                                          tmp_path):
    """Independent bad inputs, run side by side (each is its own `ape run`)."""
    alice, bob, carol, signer = accounts[1], accounts[2], accounts[3], accounts[7]
    edition = world.edition
    # 38 of 50 minted: 12 left
    world.mint_source(alice, 20)
    world.mint_source(alice, 18)
    edition.grantRole(ORDER_SIGNER_ROLE, signer.address, sender=world.admin)
    # carol owns a token but holds no certificate
    carol_token = 3
    edition.transferFrom(alice.address, carol.address, carol_token, sender=alice)
    # alice: a voucher without a coupon of glaze 2, and a shipped one bob tries to confirm
    world.certify(alice)
    unredeemed = world.buy(alice, 1)
    shipped = world.buy(alice, 2)
    world.give_coupon(alice, 4)
    world.redeem(alice, shipped, 4)
    world.to_shipped(shipped)
    # bob has no points; his signed coupon exchange is relayed by carol
    request = tmp_path / "req.json"
    request.write_text(sign_exchange(bob, world.coupons, 4, 1).to_json())
    # an order that expired an hour ago
    past = int(chain.pending_timestamp) - 3600
    order = sign_mint_order(signer, Domain.of(edition), carol.address, 1, None, past, now=past - 60)
    order_file = tmp_path / "order.json"
    order_file.write_text(order.to_json())
    details, env = _shipping_env(tmp_path)
    store = tmp_path / "shipping.sqlite3"
    minted_before, issued_before = int(edition.totalMinted()), int(world.vouchers.totalIssued())

    calls = {
        "relay without points": ("coupons", "exchange", "--account", CAROL, "--relay", str(request)),
        "expired order": ("sale", "relay", "--account", BOB, "--order", str(order_file)),
        "buy without certificate": ("voucher", "buy", "--account", CAROL, "--collection", "plates", str(carol_token)),
        "redeem without coupon": ("voucher", "redeem", "--account", ALICE, str(unredeemed), "--glaze", "2",
                                  "--details", str(details), "--store", str(store)),
        "confirm by non-holder": ("voucher", "confirm", "--account", BOB, str(shipped)),
        "slug typo": ("sale", "status", "--contract", "plats"),
        "address typo": ("voucher", "status", "--vouchers", world.vouchers.address[:-1] + "0", "1"),
        "50 with 12 left": ("sign_order", "--account", SIGNER, "--recipient", carol.address, "--quantity", "50"),
        "unknown glaze": ("coupons", "exchange", "--account", ALICE, "--glaze", "9"),
    }
    results = dict(zip(calls, ape_run.all(list(calls.values()), env=env)))

    assert_clean_error(results["relay without points"], 2, "--relay", f"{bob.address} has 0 points", "costs 300",
                       "ape run checkin")
    assert_clean_error(results["expired order"], 2, "--order", "the order expired 1 hour ago", "CST", "UTC",
                       "ape run sign_order")
    assert_clean_error(results["buy without certificate"], 2, "--account",
                       f"{carol.address} holds no firing certificate", "ape run quiz take")
    assert_clean_error(results["redeem without coupon"], 2, "--glaze", f"{alice.address} holds no coupon of glaze 2",
                       "ape run coupons exchange --glaze 2")
    assert_clean_error(results["confirm by non-holder"], 2, "--account", f"{bob.address} does not hold voucher "
                       f"{shipped}", "delivery timeout", "CST")
    assert_clean_error(results["slug typo"], 2, "--contract", "'plats' is neither an address nor an edition",
                       "did you mean 'plates'?")
    assert_clean_error(results["address typo"], 2, "--vouchers")
    assert_clean_error(results["50 with 12 left"], 2, "50 tokens asked for, but only 12 are left of the cap of 50")
    assert "signature" not in results["50 with 12 left"].out  # no order printed
    assert_clean_error(results["unknown glaze"], 2, "--glaze", "9 is not a glaze", "1 透明釉 Transparent glaze",
                       "4 开片釉 Crackle glaze")

    # nothing was sent and nothing written
    assert int(edition.totalMinted()) == minted_before and int(world.vouchers.totalIssued()) == issued_before
    assert world.coupons.balanceOf(bob.address, 4) == 0 and not edition.nonceUsed(order.order.nonce)
    assert world.vouchers.statusOf(unredeemed) == ISSUED and world.vouchers.statusOf(shipped) == SHIPPED
    assert not store.exists() or ShippingStore(store, env["GAOLING_SHIPPING_KEY"].encode()).voucher_ids() == []

DETAILS = {"name": "王小明", "phone": "+86 138 0013 8000", "address": "瓷都大道 1 号", "city": "景德镇",
           "postcode": "333000", "country": "CN"}


def _shipping_env(tmp_path):
    from cryptography.fernet import Fernet

    details = tmp_path / "shipping.json"
    details.write_text(json.dumps(DETAILS, ensure_ascii=False), encoding="utf-8")
    return details, {"GAOLING_SHIPPING_KEY": Fernet.generate_key().decode()}


def test_a_redeem_the_chain_refuses_stays_pending_history_is_kept_and_the_rerun_confirms(world, accounts, ape_run,
                                                                                          tmp_path):
    """Issue 12 §5: a reverted redeem had overwritten the shipping store. Now it stays a pending
    submission; the corrected rerun's submission is confirmed by the chain; both are kept."""
    alice = accounts[1]
    token = world.collector(alice, glaze_id=4)
    vid = world.buy(alice, token)
    details, env = _shipping_env(tmp_path)
    moved = tmp_path / "moved.json"
    moved.write_text(json.dumps({**DETAILS, "address": "珠山路 8 号"}, ensure_ascii=False), encoding="utf-8")
    store = tmp_path / "shipping.sqlite3"
    key = env["GAOLING_SHIPPING_KEY"].encode()
    world.vouchers.pause(sender=world.admin)  # not checked before sending: the chain refuses
    args = ("voucher", "redeem", "--account", ALICE, str(vid), "--glaze", "4", "--store", str(store))
    result = ape_run(*args, "--details", str(details), env=env)
    assert_clean_error(result, 1, "EnforcedPause", "GaolingVouchers is paused", "已暂停")
    with pytest.raises(ValueError, match="no confirmed shipping details"):
        ShippingStore(store, key).confirmed(vid)  # nothing claims a redeem that did not happen
    assert [h["state"] for h in ShippingStore(store, key).history(vid)] == ["pending"]

    world.vouchers.unpause(sender=world.admin)
    result = ape_run(*args, "--details", str(moved), env=env)
    assert result.code == 0, result.text
    shipping = ShippingStore(store, key)
    stored, _, commitment = shipping.confirmed(vid)
    assert stored.address == "珠山路 8 号"
    assert bytes(world.vouchers.voucher(vid).shippingCommitment) == commitment
    assert [h["state"] for h in shipping.history(vid)] == ["superseded", "confirmed"]  # history kept

    # side by side: a later attempt with other details is refused before anything is recorded;
    # staff decrypt the label; anyone else is refused before anything is decrypted
    again, label, refused = ape_run.all([
        (*args, "--details", str(details)),
        ("fulfil", "label", "--account", FULFIL, str(vid), "--store", str(store)),
        ("fulfil", "label", "--account", STRANGER, str(vid), "--store", str(store)),
    ], env=env)
    assert_clean_error(again, 2, "redeemed with other shipping details")
    assert len(ShippingStore(store, key).history(vid)) == 2
    assert label.code == 0, label.text
    assert "珠山路 8 号" in label.out and "the details match the on-chain commitment" in label.out
    assert_clean_error(refused, 2, "--account", "does not hold FULFILMENT_ROLE on GaolingVouchers",
                       world.vouchers.address)
    assert "珠山路" not in refused.text

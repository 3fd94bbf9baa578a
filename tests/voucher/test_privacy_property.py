"""Privacy (no plaintext shipping data anywhere on chain) and the lifecycle property (every voucher
ends in exactly one final state, money conserved)."""

from __future__ import annotations

from cryptography.fernet import Fernet
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gaoling.voucher.shipping import ShippingStore, commit_tracking, new_salt
from tests.voucher.helpers import CRACKLE, DELIVERED, REFUNDED, VOUCHER_PRICE

CID = "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy"
DETAILS = {"name": "李白瓷", "phone": "+86 139 1234 5678", "address": "江西省景德镇市昌江区瓷都大道 1024 号 3 栋",
           "city": "景德镇", "postcode": "333000"}
TRACKING = "SF1402938475612"


def _needles() -> list[tuple[str, bytes]]:
    plain = [DETAILS["name"], DETAILS["phone"], "13912345678", DETAILS["address"], "瓷都大道", TRACKING]
    out = []
    for text in plain:
        out += [(f"{text} utf-8", text.encode("utf-8")), (f"{text} utf-16-le", text.encode("utf-16-le")),
                (f"{text} hex", text.encode("utf-8").hex().encode("ascii"))]
    return out


def test_no_personal_data_in_any_event_or_calldata(world, vouchers, chain, alice, tmp_path):
    start = int(chain.blocks.head.number) + 1
    store = ShippingStore(tmp_path / "s.sqlite3", Fernet.generate_key())
    token = world.collector(alice)
    vid = world.buy(alice, token)
    commitment, _ = store.save(vid, DETAILS)
    vouchers.redeem(vid, CRACKLE, commitment, sender=alice)
    vouchers.putInKiln(vid, 11, sender=world.fulfil)
    vouchers.markFailed(vid, "glaze crawled at the rim", sender=world.fulfil)
    vouchers.putInKiln(vid, 12, sender=world.fulfil)
    vouchers.markFired(vid, CID, sender=world.fulfil)
    vouchers.markShipped(vid, commit_tracking(TRACKING, new_salt()), sender=world.fulfil)
    vouchers.confirmDelivery(vid, sender=alice)
    assert store.matches_chain(vouchers, vid)
    end = int(chain.blocks.head.number)

    web3 = chain.provider.web3
    blobs: list[tuple[str, bytes]] = []
    for number in range(start, end + 1):
        block = web3.eth.get_block(number, full_transactions=True)
        for tx in block["transactions"]:
            blobs.append((f"calldata of {tx['hash'].hex()}", bytes(tx["input"])))
            for log in web3.eth.get_transaction_receipt(tx["hash"])["logs"]:
                blobs.append((f"log data {log['address']}", bytes(log["data"])))
                for topic in log["topics"]:
                    blobs.append((f"log topic {log['address']}", bytes(topic)))
    assert len(blobs) > 20  # the scan really saw the lifecycle
    assert any(commitment in blob for _, blob in blobs)  # ... and the commitment is what is published
    leaks = [(where, what) for where, blob in blobs for what, needle in _needles() if needle in blob]
    assert leaks == []


PLAN = st.lists(st.tuples(st.integers(0, 2), st.sampled_from(["holder", "timeout", "refund"]), st.booleans()),
                min_size=1, max_size=3)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=PLAN)
def test_every_voucher_ends_in_exactly_one_final_state(world, vouchers, chain, accounts, plan):
    holders = [accounts[1], accounts[2], accounts[3]]
    with chain.isolate():
        ids = []
        paid = []
        for i, (_, _, fiat) in enumerate(plan):
            holder = holders[i]
            token = world.collector(holder)
            if fiat:
                order = world.order(holder, token)
                tx = vouchers.buyWithOrder(order.as_tuple(), order.signature, sender=holder)
                vid = int(vouchers.VoucherBought.from_receipt(tx)[0].tokenId)
            else:
                vid = world.buy(holder, token)
            world.redeem(holder, vid)
            ids.append(vid)
            paid.append(0 if fiat else VOUCHER_PRICE)
        assert world.balance() == sum(paid) == vouchers.reserved()[0]

        delivered = refunded = 0
        for i, (failures, end, _) in enumerate(plan):
            vid, holder = ids[i], holders[i]
            for attempt in range(failures):
                world.to_failed(vid, batch=attempt + 1)
            if end == "refund":
                if failures == 0:
                    world.to_failed(vid)
                vouchers.refund(vid, sender=world.fulfil)
                refunded += paid[i]
                continue
            if failures:
                vouchers.putInKiln(vid, 9, sender=world.fulfil)
                vouchers.markFired(vid, CID, sender=world.fulfil)
                vouchers.markShipped(vid, b"\x09" * 32, sender=world.fulfil)
            else:
                world.to_shipped(vid)
            if end == "timeout":
                chain.pending_timestamp = int(chain.pending_timestamp) + int(vouchers.deliveryTimeout())
                vouchers.confirmDelivery(vid, sender=world.admin)
            else:
                vouchers.confirmDelivery(vid, sender=holder)
            delivered += paid[i]

        finals = [int(vouchers.statusOf(v)) for v in ids]
        expected = [REFUNDED if end == "refund" else DELIVERED for _, end, _ in plan]
        assert finals == expected
        # A final state is final: nothing moves it again.
        for vid in ids:
            for attempt in (lambda: vouchers.putInKiln(vid, 1, sender=world.fulfil),
                            lambda: vouchers.refund(vid, sender=world.fulfil)):
                try:
                    attempt()
                    raise AssertionError(f"voucher {vid} left its final state")
                except Exception as exc:  # noqa: BLE001 - the revert type is checked by name
                    assert "VoucherIllegalTransition" in repr(exc)
        assert vouchers.reserved() == (0, refunded)
        world.assert_conserved(delivered_wei=delivered)
        # Everyone takes what they are owed: the contract ends empty.
        for holder in holders[:len(plan)]:
            if vouchers.refundOf(holder.address):
                vouchers.claimRefund(sender=holder)
        for payee in vouchers.payees()[0]:
            if vouchers.releasable(payee):
                vouchers.release(payee, sender=world.admin)
        assert world.balance() == 0
        assert int(vouchers.totalReleased()) == delivered

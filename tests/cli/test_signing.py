"""Signing with a real keyfile account through the real commands: unattended (CI, a server) with
GAOLING_AUTOSIGN and the passphrase from the environment; interactive, where the prompt shows the
typed-data fields; and Ctrl-C at a prompt halfway through a command, which reports what was done."""

from __future__ import annotations

import json
import signal
import threading
import time

from gaoling.collection.orders import ORDER_SIGNER_ROLE, SignedOrder
from tests.cli.conftest import assert_clean_error


def test_unattended_signing_and_the_typed_data_prompt(world, accounts, ape_run, keyfile_account):
    alias, address, passphrase = keyfile_account
    alice = accounts[1]
    world.edition.grantRole(ORDER_SIGNER_ROLE, address, sender=world.admin)
    world.ledger.recordPurchase(address, 0, 1, sender=world.admin)  # points for a coupon
    unattended = {"GAOLING_AUTOSIGN": "1", f"APE_ACCOUNTS_{alias}_PASSPHRASE": passphrase}
    order = ("sign_order", "--account", alias, "--recipient", alice.address, "--quantity", "2")
    signed, exchanged, missing, prompted = ape_run.all([
        {"args": order, "env": unattended},  # stdin closed: any prompt would fail
        {"args": ("coupons", "exchange", "--account", alias, "--glaze", "1"), "env": unattended},
        {"args": order, "env": {"GAOLING_AUTOSIGN": "1"}},
        {"args": order, "stdin": f"y\n{passphrase}\nn\n"},  # a person: confirm, passphrase, stay locked
    ])
    assert signed.code == 0, signed.text
    order_json = SignedOrder.from_json(signed.out[signed.out.index("{"):])
    assert order_json.recover() == address and order_json.order.quantity == 2
    assert exchanged.code == 0, exchanged.text
    assert world.coupons.balanceOf(address, 1) == 1  # a transaction, signed with nobody there
    assert_clean_error(missing, 2, f"APE_ACCOUNTS_{alias}_PASSPHRASE is not set")
    assert prompted.code == 0, prompted.text
    for field in ("Sign MintOrder (EIP-712) for GaolingEdition v1", f"recipient (address): {alice.address}",
                  "quantity (uint256): 2", "expiry (uint256):", "CST", "UTC"):
        assert field in prompted.err, prompted.text
    assert "Sign MintOrder" not in signed.err  # unattended: nothing to show, nobody to ask


def _reader(stream, sink: list[str]) -> threading.Thread:
    def run():
        while True:
            chunk = stream.read(1)
            if not chunk:
                return
            sink.append(chunk)
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_ctrl_c_halfway_says_what_was_done_and_a_rerun_finishes(world, accounts, ape_run, keyfile_account):
    alias, address, passphrase = keyfile_account
    alice = accounts[1]
    token = world.collector(alice)
    vid = world.buy(alice, token)
    world.redeem(alice, vid)
    world.to_shipped(vid)
    world.vouchers.confirmDelivery(vid, sender=alice)  # revenue for both payees
    issuer, museum = world.issuer.address, world.museum.address
    due_issuer, due_museum = int(world.vouchers.releasable(issuer)), int(world.vouchers.releasable(museum))
    assert due_issuer and due_museum

    proc = ape_run.popen("voucher", "withdraw-revenue", "--account", alias)
    out: list[str] = []
    err: list[str] = []
    readers = [_reader(proc.stdout, out), _reader(proc.stderr, err)]
    answered = False
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        text = "".join(out) + "".join(err)
        if not answered and "Sign:" in text:
            proc.stdin.write(f"y\n{passphrase}\nn\n")  # the first release: confirm, unlock, stay locked
            proc.stdin.flush()
            answered = True
        elif answered and text.count("Sign:") >= 2:
            proc.send_signal(signal.SIGINT)  # Ctrl-C at the second confirmation
            break
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    proc.wait(timeout=60)
    for r in readers:
        r.join(timeout=5)
    text = "".join(out) + "".join(err)
    assert proc.returncode == 130, text
    assert "Traceback" not in text
    assert "Confirmed before the interruption (1)" in text and f"to {issuer}" in text
    assert "run `ape run voucher withdraw-revenue` again" in text
    assert int(world.vouchers.releasable(issuer)) == 0 and int(world.vouchers.releasable(museum)) == due_museum

    rerun = ape_run("voucher", "withdraw-revenue", "--account", alias,
                    env={"GAOLING_AUTOSIGN": "1", f"APE_ACCOUNTS_{alias}_PASSPHRASE": passphrase})
    assert rerun.code == 0, rerun.text
    assert f"{issuer} (70.00%): nothing due" in rerun.out and f"to {museum}" in rerun.out
    assert int(world.vouchers.releasable(museum)) == 0

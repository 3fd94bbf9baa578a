"""The benchmark module and the encrypted shipping store."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from cryptography.fernet import Fernet

from gaoling.bench.voucher import measure
from gaoling.voucher import VoucherInputError
from gaoling.voucher.shipping import (KEY_ENV, ShippingStore, commit, commit_tracking, key_from_env, new_salt,
                                      prove)

DETAILS = {"name": "王小明", "phone": "+86 138 0013 8000", "address": "景德镇市珠山区莲社北路 88 号",
           "city": "景德镇", "postcode": "333000"}


def test_bench_keys(project, accounts, chain):
    gas = measure(SimpleNamespace(project=project, accounts=accounts, chain=chain))
    print("GAS", gas)
    assert set(gas) == {"voucher.buy", "voucher.redeem", "voucher.advance"}
    assert all(20_000 < g < 400_000 for g in gas.values())
    assert gas["voucher.advance"] < gas["voucher.redeem"]


def test_commitment_is_salted_canonical_and_provable():
    salt = new_salt()
    c = commit(DETAILS, salt)
    assert prove(DETAILS, salt, c)
    assert prove(dict(reversed(list(DETAILS.items()))), salt, c)  # key order does not matter
    assert not prove({**DETAILS, "postcode": "333001"}, salt, c)
    assert not prove(DETAILS, new_salt(), c)
    assert commit_tracking("SF1234567890", salt) != commit_tracking("SF1234567891", salt)


def test_bad_inputs_name_the_argument():
    with pytest.raises(VoucherInputError, match=r"details\.phone"):
        commit({**DETAILS, "phone": ""}, new_salt())
    with pytest.raises(VoucherInputError, match="salt"):
        commit(DETAILS, b"short")
    with pytest.raises(VoucherInputError, match="commitment"):
        prove(DETAILS, new_salt(), b"\x00" * 32)
    with pytest.raises(VoucherInputError, match=KEY_ENV):
        key_from_env({})
    with pytest.raises(VoucherInputError, match=KEY_ENV):
        key_from_env({KEY_ENV: "not-a-key"})


def test_store_encrypts_at_rest(tmp_path):
    key = Fernet.generate_key()
    path = tmp_path / "shipping.sqlite3"
    store = ShippingStore(path, key)
    commitment, salt = store.save(3, DETAILS)
    store.close()
    raw = path.read_bytes()
    for secret in ("王小明", "0013", "莲社", "333000"):
        assert secret.encode("utf-8") not in raw
    reopened = ShippingStore(path, key_from_env({KEY_ENV: key.decode()}))
    details, salt2, commitment2 = reopened.load(3)
    assert details.name == "王小明" and salt2 == salt and commitment2 == commitment
    assert prove(details, salt2, commitment)
    with pytest.raises(VoucherInputError, match="no shipping details"):
        reopened.load(4)
    with pytest.raises(VoucherInputError, match=KEY_ENV):
        ShippingStore(path, Fernet.generate_key()).load(3)

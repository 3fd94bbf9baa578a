"""F-09 (info): `FiringCertificate` accepted a zero admin, after which nobody could ever revoke a
certificate or rotate the attester. Like every other contract it now rejects one."""

from __future__ import annotations

import ape
from eth_abi import encode
from eth_utils import keccak

from tests.security.conftest import ZERO

ARGS_TYPES = ["address", "address", "string", "string"]


def _deploy_revert_data(chain, project, sender, *args) -> bytes:
    """The revert data of deploying FiringCertificate(*args), by eth_call (Ape's revert decoding
    of a failed deployment depends on which contract it saw last, so the raw data is checked)."""
    code = project.FiringCertificate.contract_type.deployment_bytecode.bytecode
    data = code + encode(ARGS_TYPES, list(args)).hex()
    try:
        chain.provider.web3.eth.call({"from": sender.address, "data": data})
    except Exception as exc:  # web3 raises ContractCustomError / ContractLogicError with the data
        raw = getattr(exc, "data", None) or (exc.args[1] if len(exc.args) > 1 else exc.args[0])
        return bytes.fromhex(str(raw).removeprefix("0x"))
    return b""


def test_f09_zero_admin_is_rejected(chain, project, admin):
    data = _deploy_revert_data(chain, project, admin, ZERO, admin.address, "ipfs://c/", "ipfs://c.json")
    assert data[:4] == keccak(text="FiringCertificateZeroAdmin()")[:4], data.hex() or "the deployment did not revert"


def test_f09_a_real_admin_can_still_revoke(project, admin):
    certificate = project.FiringCertificate.deploy(admin, admin, "ipfs://c/", "ipfs://c.json", sender=admin)
    assert certificate.hasRole(b"\x00" * 32, admin)
    with ape.reverts(certificate.FiringCertificateNotCertified, holder=admin.address):
        certificate.revoke(admin, "no certificate yet", sender=admin)

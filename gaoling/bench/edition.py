"""Gas for the edition sale, side by side with bare ERC721A and bare OpenZeppelin ERC721."""

from __future__ import annotations

from typing import Any

from gaoling.collection.orders import MINT_ORDER_TYPES
from gaoling.signing import Domain, sign

PRICE = 10**16
DAY = 86_400


def _edition(ctx: Any, policy: int = 0, holding: int = 0):
    admin, issuer, museum, artist = ctx.accounts[0], ctx.accounts[4], ctx.accounts[5], ctx.accounts[6]
    init = (
        "Bench Edition", "BENCH", 10_000, "ipfs://bench/", "ipfs://bench-contract",
        artist.address, 500, [issuer.address, museum.address, artist.address], [6000, 2500, 1500],
        policy, holding, admin.address,
    )
    edition = admin.deploy(ctx.project.GaolingEdition, init)
    now = ctx.chain.pending_timestamp
    edition.setPhase(1, (PRICE, now - 1, now + DAY, 0), sender=admin)
    return edition


def measure(ctx: Any) -> dict[str, int]:
    deployer, buyer, other = ctx.accounts[0], ctx.accounts[1], ctx.accounts[2]
    gas: dict[str, int] = {}

    erc721a = deployer.deploy(ctx.project.BenchERC721A)
    gas["erc721a.mint_1"] = erc721a.mint(1, sender=buyer).gas_used
    gas["erc721a.mint_10"] = erc721a.mint(10, sender=other).gas_used

    oz = deployer.deploy(ctx.project.BenchOZERC721)
    gas["oz.mint_1"] = oz.mint(1, sender=buyer).gas_used
    oz.mint(10, sender=other)  # tokens 2..11
    gas["oz.mint_10"] = oz.mint(10, sender=ctx.accounts[3]).gas_used
    gas["oz.transfer_last_of_10"] = oz.transferFrom(ctx.accounts[3], buyer, 21, sender=ctx.accounts[3]).gas_used

    # Each figure is a first purchase by a fresh wallet, like ERC721A's first mint above.
    edition = _edition(ctx)
    gas["edition.public_mint_1"] = edition.mintPublic(1, value=PRICE, sender=buyer).gas_used
    gas["edition.public_mint_10"] = edition.mintPublic(10, value=10 * PRICE, sender=other).gas_used
    last = edition.totalMinted()
    gas["edition.transfer_last_of_10"] = edition.transferFrom(other, buyer, last, sender=other).gas_used

    domain = Domain.of(edition)
    recipient = ctx.accounts[3]
    order = {"recipient": recipient.address, "quantity": 1, "nonce": 1, "expiry": ctx.chain.pending_timestamp + 3600}
    signature = sign(deployer, domain, "MintOrder", MINT_ORDER_TYPES, order)
    gas["edition.order_mint_1"] = edition.mintWithOrder(tuple(order.values()), signature, sender=deployer).gas_used

    # The purchase hook: the same first purchase with a points ledger configured on the sale.
    from gaoling.fan.points import deploy_ledger, grant_recorder

    hooked = _edition(ctx)
    ledger = deploy_ledger(ctx.project, deployer)
    grant_recorder(ledger, hooked, deployer)
    hooked.setPointsLedger(ledger, sender=deployer)
    gas["edition.public_mint_1_with_points"] = hooked.mintPublic(1, value=PRICE, sender=buyer).gas_used
    gas["edition.public_mint_1_with_points_repeat"] = hooked.mintPublic(1, value=PRICE, sender=buyer).gas_used
    gas["edition.public_mint_1_repeat"] = edition.mintPublic(1, value=PRICE, sender=buyer).gas_used

    # The same sale under a holding period: tokens are born locked and say so (ERC-5192 Locked events).
    held = _edition(ctx, policy=1, holding=180 * DAY)
    gas["edition.public_mint_10_holding_period"] = held.mintPublic(10, value=10 * PRICE, sender=other).gas_used

    gas.update(_transfer_policies(ctx))
    gas.update(_worst_first_transfer(ctx))
    gas.update(_release(ctx))
    return gas


def _wait(ctx: Any, seconds: int) -> None:
    ctx.chain.pending_timestamp = ctx.chain.pending_timestamp + seconds
    ctx.chain.mine()


def _transfer_policies(ctx: Any) -> dict[str, int]:
    """The transfer of the last token of a batch of 10 (a first transfer, as `edition.transfer_last_of_10`)
    under each transfer policy, after the holding period where there is one. The every-transfer
    policy (3) exists only from the security review on; on older code its key is absent."""
    seller, buyer = ctx.accounts[7], ctx.accounts[8]
    gas: dict[str, int] = {}
    for key, policy, holding in (("edition.transfer_holding_period", 1, 30 * DAY),
                                 ("edition.transfer_holding_every_transfer", 3, 30 * DAY)):
        try:
            edition = _edition(ctx, policy=policy, holding=holding)
        except Exception:  # noqa: BLE001 - the policy does not exist in this build
            continue
        edition.mintPublic(10, value=10 * PRICE, sender=seller)
        _wait(ctx, holding)
        gas[key] = edition.transferFrom(seller, buyer, edition.totalMinted(), sender=seller).gas_used
    return gas


def _worst_first_transfer(ctx: Any) -> dict[str, int]:
    """F-07: the first transfer of the deepest token of the largest batch one call may mint (the
    default bound, 20; builds before the bound measure a batch of 20 too)."""
    seller, buyer = ctx.accounts[7], ctx.accounts[8]
    edition = _edition(ctx)
    quantity = int(edition.maxMintQuantity()) if hasattr(edition, "maxMintQuantity") else 20
    edition.mintPublic(quantity, value=quantity * PRICE, sender=seller)
    last = edition.totalMinted()
    return {"edition.worst_first_transfer": edition.transferFrom(seller, buyer, last, sender=seller).gas_used,
            "edition.max_mint_quantity": quantity}


def _release(ctx: Any) -> dict[str, int]:
    """Revenue release of the issuer's share after a sale (F-05 moved it into a shared helper)."""
    edition = _edition(ctx)
    edition.mintPublic(1, value=PRICE, sender=ctx.accounts[7])
    issuer = ctx.accounts[4]
    gas = {"split.release": edition.release(issuer, sender=issuer).gas_used}
    if hasattr(edition, "releaseTo"):
        edition.mintPublic(1, value=PRICE, sender=ctx.accounts[7])
        gas["split.release_to"] = edition.releaseTo(issuer, ctx.accounts[8], sender=issuer).gas_used
    return gas

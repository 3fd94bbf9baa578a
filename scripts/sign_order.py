"""Sign a fiat mint order for a buyer who paid off chain.

    ape run sign_order --recipient 0xBUYER --quantity 2 --expires-in 1h \
        --account signer --network ethereum:local:foundry [--contract SLUG|0xEDITION] [--out order.json]

Prints the signed order as JSON for the relayer (or the buyer) to submit. The signing account must
hold the edition's ORDER_SIGNER_ROLE; the order's domain is read from the contract (ERC-5267), so
the signature is bound to that chain and that contract. The edition comes from
deployments/<chainId>.json (or --deployment) unless --contract names it.

Nothing is signed that the chain cannot honour: the quantity must fit in what is left of the cap
and the edition must not be paused, so a buyer never pays off chain for tokens that cannot be minted.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from ape import Contract, chain
from ape.cli import account_option, network_option

from gaoling import display
from gaoling.cli import ChainCommand, Deployment, UserError, contract_option, deployment_option
from gaoling.collection.orders import ORDER_SIGNER_ROLE, check_honourable, sign_mint_order
from gaoling.display import duration, when
from gaoling.inputs import parse_duration, parse_uint
from gaoling.signing import Domain

err = display.console(stderr=True)

# Only the functions this command calls, so that it works on any deployed GaolingEdition
# without the compiled project (for example from a signing machine).
_ABI: list[dict[str, Any]] = [
    {"type": "function", "name": "eip712Domain", "stateMutability": "view", "inputs": [],
     "outputs": [{"name": "fields", "type": "bytes1"}, {"name": "name", "type": "string"},
                 {"name": "version", "type": "string"}, {"name": "chainId", "type": "uint256"},
                 {"name": "verifyingContract", "type": "address"}, {"name": "salt", "type": "bytes32"},
                 {"name": "extensions", "type": "uint256[]"}]},
    {"type": "function", "name": "hasRole", "stateMutability": "view",
     "inputs": [{"name": "role", "type": "bytes32"}, {"name": "account", "type": "address"}],
     "outputs": [{"name": "", "type": "bool"}]},
    {"type": "function", "name": "cap", "stateMutability": "view", "inputs": [],
     "outputs": [{"name": "", "type": "uint256"}]},
    {"type": "function", "name": "totalMinted", "stateMutability": "view", "inputs": [],
     "outputs": [{"name": "", "type": "uint256"}]},
    {"type": "function", "name": "maxMintQuantity", "stateMutability": "view", "inputs": [],
     "outputs": [{"name": "", "type": "uint256"}]},
    {"type": "function", "name": "paused", "stateMutability": "view", "inputs": [],
     "outputs": [{"name": "", "type": "bool"}]},
]


def _duration(ctx: click.Context, param: click.Parameter, value: str) -> int:
    try:
        seconds = parse_duration(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    if seconds == 0:
        raise click.BadParameter("an order that expires at once cannot be used; give e.g. 1h")
    return seconds


def _nonce(ctx: click.Context, param: click.Parameter, value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return parse_uint(int(value, 16) if value.lower().startswith("0x") else value)
    except ValueError as exc:
        raise click.BadParameter(f"{value!r}: {exc}; a nonce is a uint256") from None


def _address(ctx: click.Context, param: click.Parameter, value: str) -> str:
    from gaoling.inputs import parse_address

    try:
        return parse_address(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@click.command(cls=ChainCommand, help="Sign an EIP-712 MintOrder for a fiat buyer.")
@network_option()
@account_option()
@contract_option("edition", "contract_address", help="The GaolingEdition the order is for")
@deployment_option
@click.option("--recipient", required=True, callback=_address, help="The buyer's wallet; tokens mint to it.")
@click.option("--quantity", required=True, type=click.IntRange(min=1), help="How many tokens.")
@click.option("--expires-in", "expires_in", default="1h", show_default=True, callback=_duration,
              help="Validity from the chain's latest block time: 30m, 12h, 2d, or seconds.")
@click.option("--nonce", default=None, callback=_nonce,
              help="A specific nonce, decimal or 0x-hex (default: a random 256-bit one).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Also write the JSON here.")
@click.option("--skip-role-check", is_flag=True, help="Sign even if the account lacks ORDER_SIGNER_ROLE.")
def cli(account: Any, contract_address: str | None, deployment: Path | None, recipient: str, quantity: int,
        expires_in: int, nonce: int | None, out: Path | None, skip_role_check: bool) -> None:
    address = Deployment(deployment).address("edition", contract_address)
    if not chain.provider.get_code(address):
        raise UserError(f"no contract at {address} on chain {chain.chain_id}", "--contract",
                        "check the address and --network")
    edition = Contract(address, abi=_ABI)
    try:
        domain = Domain.of(edition)
    except Exception as exc:  # noqa: BLE001 - any revert or decode failure means: not an ERC-5267 contract
        raise UserError(f"{address}: cannot read its EIP-712 domain ({type(exc).__name__}); "
                        "is it a GaolingEdition on this network?", "--contract") from None
    if domain.chain_id != chain.chain_id:
        raise UserError(f"its domain names chain {domain.chain_id}, but the network is chain {chain.chain_id}",
                        "--contract")
    if not skip_role_check and not edition.hasRole(ORDER_SIGNER_ROLE, account.address):
        raise UserError(f"{account.address} does not hold ORDER_SIGNER_ROLE on GaolingEdition {address}, so the "
                        "contract would reject the order", "--account",
                        "sign with the studio's order signer, or ask an admin to grant the role (ape run roles grant)")
    check_honourable(edition, quantity)
    # Chain time, not this machine's clock: the contract compares expiry with block.timestamp.
    now = chain.blocks.head.timestamp
    signed = sign_mint_order(account, domain, recipient, quantity, nonce, now + expires_in, now=now)
    text = signed.to_json()
    if out is not None:
        out.write_text(text + "\n", encoding="utf-8")
    err.print(f"order for {quantity} to {recipient}, nonce {hex(signed.order.nonce)[:12]}…, expires "
              f"{when(signed.order.expiry)} (in {duration(expires_in)}); signed by {signed.signer}")
    click.echo(text)

"""The Python half of the test wallet (tests/web/test_wallet.js): one dev account of anvil's, a
chain the wallet believes it is on (a wrong one first, when a test asks), and refusals on demand.
Wallet methods are answered here; everything else is forwarded to anvil's JSON-RPC."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

INIT_SCRIPT = (Path(__file__).parent / "test_wallet.js").read_text(encoding="utf-8")
USER_REJECTED = {"code": 4001, "message": "User rejected the request."}
SIGNING = {"eth_sendTransaction", "eth_signTypedData_v4", "personal_sign", "eth_sign"}


@dataclass
class TestWallet:
    rpc_url: str
    address: str
    chain_id: int                      # the platform's chain (anvil's)
    current_chain: int = 0             # what the wallet reports; 0 -> the platform's chain
    known_chains: set[int] = field(default_factory=set)
    reject: set[str] = field(default_factory=set)   # methods the "user" declines next time
    calls: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.current_chain = self.current_chain or self.chain_id
        self.known_chains |= {1, self.current_chain}
        self._http = httpx.Client(timeout=30)

    def _forward(self, method: str, params: list[Any]) -> dict[str, Any]:
        reply = self._http.post(self.rpc_url, json={"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).json()
        return {"error": reply["error"]} if "error" in reply else {"result": reply["result"]}

    def handle(self, request: dict[str, Any]) -> dict[str, Any]:
        method, params = request["method"], request.get("params") or []
        self.calls.append({"method": method, "params": params})
        if method in self.reject:
            self.reject.discard(method)
            return {"error": USER_REJECTED}
        if method in ("eth_requestAccounts", "eth_accounts"):
            return {"result": [self.address]}
        if method == "eth_chainId":
            return {"result": hex(self.current_chain)}
        if method == "wallet_switchEthereumChain":
            wanted = int(params[0]["chainId"], 16)
            if wanted not in self.known_chains:
                return {"error": {"code": 4902, "message": f"Unrecognized chain ID {hex(wanted)}."}}
            self.current_chain = wanted
            return {"result": None, "events": [["chainChanged", hex(wanted)]]}
        if method == "wallet_addEthereumChain":
            spec = params[0]
            wanted = int(spec["chainId"], 16)
            if not spec.get("rpcUrls") or not spec.get("nativeCurrency"):
                return {"error": {"code": -32602, "message": "rpcUrls and nativeCurrency are required"}}
            self.known_chains.add(wanted)
            self.current_chain = wanted
            return {"result": None, "events": [["chainChanged", hex(wanted)]]}
        if method in SIGNING and self.current_chain != self.chain_id:
            return {"error": {"code": 4100, "message": "wallet is on another chain"}}
        return self._forward(method, params)

    def attach(self, context: Any) -> None:
        """Injects the provider into every page of a Playwright browser context."""
        context.expose_function("__gaolingWallet", self.handle)
        context.add_init_script(INIT_SCRIPT)

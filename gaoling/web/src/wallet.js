// Wallets: EIP-6963 discovery (every injected wallet announces itself), falling back to the
// legacy window.ethereum. The chosen provider is wrapped in viem clients; a wrong chain is fixed
// with wallet_switchEthereumChain, or wallet_addEthereumChain (EIP-3085) when the wallet does not
// know the chain yet.
import { createClient, custom, getAddress, http, stringToHex } from "viem";
// Only the actions the page uses, so the bundle carries no others (viem's full clients bring all).
import {
  getBalance, getBlock, getContractEvents, readContract, signTypedData, simulateContract,
  waitForTransactionReceipt, watchContractEvent, writeContract,
} from "viem/actions";

const READS = { getBalance, getBlock, getContractEvents, readContract, simulateContract, waitForTransactionReceipt, watchContractEvent };

function bind(client, actions) {
  return Object.fromEntries(Object.entries(actions).map(([name, action]) => [name, (args) => action(client, args)]));
}

const discovered = new Map(); // uuid -> {info, provider}
const listeners = new Set();
let state = { provider: null, info: null, address: null, chainId: null };
let config = null;
let publicClient = null;

export function init(pageConfig) {
  config = pageConfig;
  publicClient = bind(createClient({ transport: http(config.rpcUrl, { batch: true }) }), READS);
  window.addEventListener("eip6963:announceProvider", (event) => {
    const { info, provider } = event.detail || {};
    if (!info?.uuid || !provider?.request) return;
    discovered.set(info.uuid, { info, provider });
    emit();
  });
  window.dispatchEvent(new Event("eip6963:requestProvider"));
}

/** The wallets found so far; window.ethereum appears only when nothing announced itself. */
export function wallets() {
  const found = [...discovered.values()];
  if (!found.length && window.ethereum?.request) {
    found.push({ info: { uuid: "legacy", name: "Browser wallet", icon: "", rdns: "" }, provider: window.ethereum });
  }
  return found;
}

export const reader = () => publicClient;
export const current = () => state;
export const expectedChainId = () => Number(config.chain.chainId);
export const onChainOk = () => state.address && state.chainId === expectedChainId();

export function subscribe(fn) { listeners.add(fn); return () => listeners.delete(fn); }
function emit() { for (const fn of listeners) fn(state); }
/** Tells the page something changed on chain for this wallet (after a confirmed transaction). */
export function changed() { balanceListeners.forEach((fn) => fn(state)); }
const balanceListeners = new Set();
export function onBalance(fn) { balanceListeners.add(fn); }

export async function connect(uuid) {
  const entry = wallets().find((w) => w.info.uuid === uuid) || wallets()[0];
  if (!entry) throw Object.assign(new Error("no wallet"), { code: "NO_WALLET" });
  const { provider } = entry;
  const accounts = await provider.request({ method: "eth_requestAccounts" });
  const chainId = Number(await provider.request({ method: "eth_chainId" }));
  state = { provider, info: entry.info, address: getAddress(accounts[0]), chainId };
  if (!provider.__gaolingListening && provider.on) {
    provider.__gaolingListening = true;
    provider.on("accountsChanged", (list) => { state = { ...state, address: list[0] ? getAddress(list[0]) : null }; emit(); });
    provider.on("chainChanged", (id) => { state = { ...state, chainId: Number(id) }; emit(); });
  }
  try { sessionStorage.setItem("gaoling.wallet", entry.info.uuid); } catch { /* private mode */ }
  emit();
  return state;
}

/** Asks the wallet to switch to the platform's chain, adding it first if it does not know it. */
export async function switchChain() {
  const { provider } = state;
  const chainId = config.chain.chainId;
  try {
    await provider.request({ method: "wallet_switchEthereumChain", params: [{ chainId }] });
  } catch (error) {
    // 4902: the wallet does not know the chain (some wallets wrap it in data.originalError).
    const code = error?.code ?? error?.data?.originalError?.code;
    if (code !== 4902) throw error;
    await provider.request({ method: "wallet_addEthereumChain", params: [config.chain] });
  }
  state = { ...state, chainId: Number(await provider.request({ method: "eth_chainId" })) };
  emit();
}

export function writer() {
  return bind(createClient({ account: state.address, transport: custom(state.provider) }), { signTypedData, writeContract });
}

/** EIP-191 personal_sign of a text (a sign-in message) by the connected account. */
export async function signMessage(message) {
  return state.provider.request({ method: "personal_sign", params: [stringToHex(message), state.address] });
}

export async function balance() {
  return state.address ? publicClient.getBalance({ address: state.address }) : 0n;
}

/** Reconnects silently to the wallet chosen earlier in this tab (eth_accounts asks nothing). */
export async function resume() {
  let uuid = null;
  try { uuid = sessionStorage.getItem("gaoling.wallet"); } catch { return; }
  if (!uuid) return;
  const entry = wallets().find((w) => w.info.uuid === uuid);
  if (!entry) return;
  const accounts = await entry.provider.request({ method: "eth_accounts" });
  if (accounts.length) await connect(uuid);
}

// Sign-In with Ethereum (EIP-4361) for the studio's own pages (staff, dashboard): a message for this
// host and this chain, issued now and valid for ten minutes, signed by the connected wallet with
// personal_sign (the wallet shows it in full). The service checks every field; the nonce is one it
// issued (GET /api/v1/siwe/nonce), good for one sign-in.
import { showError, showStep } from "../tx.js";
import * as wallet from "../wallet.js";
import { fetchJson } from "./common.js";

const VALID_MS = 10 * 60 * 1000;

const iso = (date) => date.toISOString().replace(/\.\d{3}Z$/, "Z");

/** The EIP-4361 text. The statement is ASCII (the format allows no other), so it stays in English. */
export function siweMessage({ address, chainId, statement, path, now = new Date(), nonce: issued }) {
  return [
    `${location.host} wants you to sign in with your Ethereum account:`,
    address,
    "",
    statement,
    "",
    `URI: ${location.origin}${path}`,
    "Version: 1",
    `Chain ID: ${chainId}`,
    `Nonce: ${issued}`,
    `Issued At: ${iso(now)}`,
    `Expiration Time: ${iso(new Date(now.getTime() + VALID_MS))}`,
  ].join("\n");
}

/** {message, signature} from the connected wallet, or null (refused, or no wallet on this chain). */
export async function signIn(status, statement, path, nonceUrl) {
  if (!wallet.onChainOk()) {
    showStep(status, wallet.current().address ? "wallet.wrongChain" : "wallet.connectFirst");
    status.dataset.state = "error";
    return null;
  }
  const { address } = wallet.current();
  try {
    const issued = (await fetchJson(nonceUrl)).nonce;
    const message = siweMessage({ address, chainId: wallet.expectedChainId(), statement, path, nonce: issued });
    showStep(status, "siwe.signInWallet");
    const signature = await wallet.signMessage(message);
    return { message, signature };
  } catch (error) {
    showError(status, error);
    return null;
  }
}

// The test wallet injected into every page under test: an EIP-1193 provider announced through
// EIP-6963. Every request goes to the Python side (Playwright binding `__gaolingWallet`), which
// answers wallet methods itself (accounts, chain switching, refusals on demand) and forwards the
// rest to anvil, which signs eth_sendTransaction and eth_signTypedData_v4 for its dev accounts.
(() => {
  const listeners = {};
  const emit = (event, arg) => (listeners[event] || []).forEach((fn) => { try { fn(arg); } catch (e) { console.error(e); } });
  const provider = {
    isGaolingTestWallet: true,
    async request({ method, params }) {
      const reply = await window.__gaolingWallet({ method, params: params || [] });
      if (reply.error) {
        const error = new Error(reply.error.message);
        error.code = reply.error.code;
        if (reply.error.data !== undefined) error.data = reply.error.data;
        throw error;
      }
      for (const [event, arg] of reply.events || []) setTimeout(() => emit(event, arg), 0);
      return reply.result;
    },
    on(event, fn) { (listeners[event] ||= []).push(fn); return provider; },
    removeListener(event, fn) { listeners[event] = (listeners[event] || []).filter((f) => f !== fn); return provider; },
  };
  const info = Object.freeze({
    uuid: "5f6c3c39-0b3e-4c7a-9d0c-7e1d1b0a6e01",
    name: "Gaoling Test Wallet",
    icon: "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 8 8'%3E%3Crect width='8' height='8' fill='%231d4f91'/%3E%3C/svg%3E",
    rdns: "dev.gaoling.testwallet",
  });
  const announce = () => window.dispatchEvent(new CustomEvent("eip6963:announceProvider", { detail: Object.freeze({ info, provider }) }));
  window.addEventListener("eip6963:requestProvider", announce);
  announce();
})();

/**
 * One abort listener per signal, however many calls watch it: a search's signal is watched by every
 * call it sends, and per-call listeners would pile up (and trip Node's MaxListeners warning).
 */
const hubs = new WeakMap<AbortSignal, Set<(reason: unknown) => void>>();

/** Calls `fn` when `signal` aborts (at once if it already has); returns the unsubscribe. */
export function whenAborted(signal: AbortSignal, fn: (reason: unknown) => void): () => void {
  if (signal.aborted) {
    fn(signal.reason);
    return () => {};
  }
  let hub = hubs.get(signal);
  if (!hub) {
    const h = (hub = new Set());
    hubs.set(signal, h);
    signal.addEventListener('abort', () => {
      for (const f of [...h]) f(signal.reason);
      h.clear();
    }, { once: true });
  }
  hub.add(fn);
  return () => hub.delete(fn);
}

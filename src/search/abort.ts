/**
 * One abort listener per signal, however many calls watch it: a search's signal is watched by every
 * call it sends, and per-call listeners would pile up (and trip Node's MaxListeners warning).
 */
const hubs = new WeakMap<AbortSignal, Set<(reason: unknown) => void>>();

/** Calls `fn` when `signal` aborts (at once if it already has); `stopWatching(signal, fn)` undoes it. */
export function watchAbort(signal: AbortSignal, fn: (reason: unknown) => void): void {
  if (signal.aborted) return fn(signal.reason);
  let hub = hubs.get(signal);
  if (!hub) {
    const h = (hub = new Set());
    hubs.set(signal, h);
    signal.addEventListener(
      'abort',
      () => {
        for (const f of [...h]) f(signal.reason);
        h.clear();
      },
      { once: true },
    );
  }
  hub.add(fn);
}

export function stopWatching(signal: AbortSignal, fn: (reason: unknown) => void): void {
  hubs.get(signal)?.delete(fn);
}

/** Calls `fn` when `signal` aborts; returns the unsubscribe. */
export function whenAborted(signal: AbortSignal, fn: (reason: unknown) => void): () => void {
  watchAbort(signal, fn);
  return () => stopWatching(signal, fn);
}

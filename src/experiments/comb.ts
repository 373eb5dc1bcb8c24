// Combinatorics shared by the estimators: log-binomials, k-subset enumeration, seeded subset draws.
import seedrandom from 'seedrandom';

const logFact: number[] = [0];
function lf(n: number): number {
  for (let i = logFact.length; i <= n; i++) logFact.push(logFact[i - 1]! + Math.log(i));
  return logFact[n]!;
}

/** ln C(n, k); −Infinity when k < 0 or k > n. */
export function logBinom(n: number, k: number): number {
  if (k < 0 || k > n || n < 0) return -Infinity;
  return lf(n) - lf(k) - lf(n - k);
}

/** C(n, k) as a float (exact for the sizes the estimators enumerate). */
export const binom = (n: number, k: number): number => (k < 0 || k > n ? 0 : Math.round(Math.exp(logBinom(n, k))));

/** Every k-subset of 0..n−1 in lexicographic order (calls f with a reused index array). */
export function forEachSubset(n: number, k: number, f: (idx: readonly number[]) => void): void {
  if (k > n || k < 0) return;
  const idx = Array.from({ length: k }, (_, i) => i);
  for (;;) {
    f(idx);
    let i = k - 1;
    while (i >= 0 && idx[i] === n - k + i) i--;
    if (i < 0) return;
    idx[i]!++;
    for (let j = i + 1; j < k; j++) idx[j] = idx[j - 1]! + 1;
  }
}

/** A uniformly random k-subset of 0..n−1 (partial Fisher–Yates on a scratch array). */
export function randomSubset(n: number, k: number, rng: () => number, scratch: number[] = []): number[] {
  for (let i = 0; i < n; i++) scratch[i] = i;
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(rng() * (n - i));
    const t = scratch[i]!;
    scratch[i] = scratch[j]!;
    scratch[j] = t;
  }
  return scratch.slice(0, k);
}

/**
 * A fast seeded generator for the resampling loops (mulberry32), seeded from a string through
 * seedrandom so seeds stay readable. Not for anything but statistics.
 */
export function fastRng(seed: string): () => number {
  let a = Math.floor(seedrandom(seed)() * 2 ** 32) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

import { InvalidOptionError } from '../core/errors.ts';

/**
 * Difficulty bins. Bin 1 is the easiest, as MATH's level 1:
 * - `level`: MATH level 1–5, as given by the dataset;
 * - `oracle`: quintiles of per-problem pass@1 (needs ground truth; Snell et al. 2024);
 * - `predicted`: quintiles of the mean verifier score over the pool (no ground truth);
 * - `steps`: the number of reference steps (arith's L, GSM8K's solution lines).
 */
export type BinKind = 'level' | 'oracle' | 'predicted' | 'steps';

/**
 * Quantile bins by rank: problems sorted by value, highest first (ties by id), cut into q groups of
 * equal size (sizes differ by at most one), so ties never leave a bin empty. Returns id → 1..q.
 */
export function quantileBins(items: readonly { readonly id: string; readonly value: number }[], q = 5): Map<string, number> {
  if (!Number.isInteger(q) || q < 1) throw new InvalidOptionError('bins.quantiles', `expected an integer ≥ 1, got ${q}`);
  for (const it of items) if (!Number.isFinite(it.value)) throw new InvalidOptionError('bins.value', `problem ${it.id} has value ${it.value}`);
  const sorted = [...items].sort((a, b) => b.value - a.value || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const out = new Map<string, number>();
  sorted.forEach((it, r) => out.set(it.id, 1 + Math.floor((r * q) / sorted.length)));
  return out;
}

/** MATH levels: 1..5 from a number or a "Level 3" string. */
export function levelBin(level: number | string | undefined, where: string): number {
  const x = typeof level === 'number' ? level : Number(/(\d+)/.exec(String(level))?.[1]);
  if (!Number.isInteger(x) || x < 1 || x > 5) throw new InvalidOptionError(where, `expected a MATH level 1–5, got ${JSON.stringify(level)}`);
  return x;
}

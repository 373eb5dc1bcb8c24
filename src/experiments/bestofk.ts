import { InvalidOptionError } from '../core/errors.ts';
import { logBinom } from './comb.ts';

/** One sample of a pool: its selection score and whether its answer was graded correct. */
export interface ScoredSample {
  readonly score: number;
  readonly correct: boolean;
}

/**
 * Expected accuracy of best-of-k by score, exactly: the pool is sorted by score (highest first); the
 * r-th sample (0-based) is the argmax of a uniformly random k-subset with probability
 * C(n−1−r, k−1) / C(n, k). Ties: the argmax is drawn uniformly among the subset's samples with the
 * top score, so a tied group counts with the group's total probability times its mean correctness.
 */
export function bestOfK(pool: readonly ScoredSample[], k: number): number {
  const n = pool.length;
  if (!Number.isInteger(k) || k < 1 || k > n) throw new InvalidOptionError('bestOfK.k', `expected an integer in [1, ${n}], got ${k}`);
  const sorted = [...pool].sort((a, b) => b.score - a.score);
  const denom = logBinom(n, k);
  let acc = 0;
  for (let r = 0; r < n;) {
    let end = r;
    while (end + 1 < n && sorted[end + 1]!.score === sorted[r]!.score) end++;
    let p = 0;
    let right = 0;
    for (let i = r; i <= end; i++) {
      p += Math.exp(logBinom(n - 1 - i, k - 1) - denom);
      if (sorted[i]!.correct) right++;
    }
    acc += (p * right) / (end - r + 1);
    r = end + 1;
  }
  return acc;
}

/** best-of-k for every k = 1..n of one pool (the curve costs one pool, not one run per k). */
export const bestOfKCurve = (pool: readonly ScoredSample[]): number[] => pool.map((_, i) => bestOfK(pool, i + 1));

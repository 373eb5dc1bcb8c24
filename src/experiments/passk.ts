import { InvalidOptionError } from '../core/errors.ts';

/**
 * pass@k, the unbiased estimator of Chen et al. 2021 (Codex): with c correct among n samples,
 * pass@k = 1 − C(n−c, k)/C(n, k), computed as a product so it stays exact for large n.
 */
export function passAtK(n: number, c: number, k: number): number {
  if (!(Number.isInteger(n) && Number.isInteger(c) && Number.isInteger(k)) || n < 1 || c < 0 || c > n || k < 1 || k > n)
    throw new InvalidOptionError('passAtK', `needs integers 0 ≤ c ≤ n, 1 ≤ k ≤ n; got n=${n} c=${c} k=${k}`);
  if (n - c < k) return 1;
  let q = 1;
  for (let i = n - c + 1; i <= n; i++) q *= 1 - k / i;
  return 1 - q;
}

import { InvalidOptionError } from '../core/errors.ts';
import { fastRng } from './comb.ts';

/** A point estimate with its percentile interval. */
export interface Interval {
  readonly mean: number;
  readonly lo: number;
  readonly hi: number;
}

export interface BootstrapOptions {
  /** Bootstrap resamples (default 2,000). */
  readonly resamples?: number;
  /** 1 − coverage (default 0.05: a 95 % interval). */
  readonly alpha?: number;
  readonly seed?: string | number;
  /** Also resample the seeds inside each resampled problem (default true). */
  readonly nestedSeeds?: boolean;
}

/** Linear-interpolated quantile of sorted values (type 7). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * Percentile bootstrap over problems, paired across strategies: every resample draws one list of
 * problems (with replacement) and, nested inside each, one list of seed indices, and applies the same
 * draw to every strategy. So differences between strategies get intervals of their own, which are
 * narrow when the strategies succeed and fail on the same problems.
 * `values[name][problem][seed]`: every strategy must cover the same problems with as many seeds.
 */
export function pairedBootstrap(values: Readonly<Record<string, readonly (readonly number[])[]>>, o: BootstrapOptions = {}): Record<string, Interval> & {} {
  const names = Object.keys(values);
  const m0 = values[names[0]!];
  if (!m0 || m0.length === 0) throw new InvalidOptionError('bootstrap.values', 'needs at least one strategy with one problem');
  for (const nm of names) {
    const m = values[nm]!;
    if (m.length !== m0.length) throw new InvalidOptionError(`bootstrap.values.${nm}`, `has ${m.length} problems, ${names[0]} has ${m0.length}`);
    m.forEach((row, p) => {
      if (row.length !== m0[p]!.length || row.length === 0)
        throw new InvalidOptionError(`bootstrap.values.${nm}[${p}]`, `has ${row.length} seeds, ${names[0]} has ${m0[p]!.length}`);
    });
  }
  const draws = resampleStats(values, names, o);
  const alpha = o.alpha ?? 0.05;
  const out: Record<string, Interval> = {};
  names.forEach((nm, j) => {
    const s = draws.map((d) => d[j]!).sort((a, b) => a - b);
    out[nm] = { mean: mean(values[nm]!.map(mean)), lo: quantile(s, alpha / 2), hi: quantile(s, 1 - alpha / 2) };
  });
  return out;
}

/** One statistic vector (the mean per strategy) per resample. Flat arrays: this loop is the hot one. */
function resampleStats(values: Readonly<Record<string, readonly (readonly number[])[]>>, names: string[], o: BootstrapOptions): number[][] {
  const B = o.resamples ?? 2000;
  if (!Number.isInteger(B) || B < 1) throw new InvalidOptionError('bootstrap.resamples', `expected an integer ≥ 1, got ${B}`);
  const rng = fastRng(`bootstrap/${o.seed ?? 0}`);
  const rows = values[names[0]!]!;
  const P = rows.length;
  const nested = o.nestedSeeds ?? true;
  const K = names.length;
  // data[j][offset[p] + s]
  const offset = new Int32Array(P + 1);
  for (let p = 0; p < P; p++) offset[p + 1] = offset[p]! + rows[p]!.length;
  const data = names.map((nm) => Float64Array.from(values[nm]!.flat()));
  const maxS = Math.max(...rows.map((r) => r.length));
  const seeds = new Int32Array(maxS);
  const sums = new Float64Array(K);
  const out: number[][] = [];
  for (let b = 0; b < B; b++) {
    sums.fill(0);
    for (let i = 0; i < P; i++) {
      const p = Math.floor(rng() * P);
      const S = offset[p + 1]! - offset[p]!;
      for (let s = 0; s < S; s++) seeds[s] = nested ? Math.floor(rng() * S) : s;
      for (let j = 0; j < K; j++) {
        const d = data[j]!;
        let t = 0;
        for (let s = 0; s < S; s++) t += d[offset[p]! + seeds[s]!]!;
        sums[j]! += t / S;
      }
    }
    out.push(Array.from(sums, (x) => x / P));
  }
  return out;
}

/**
 * Intervals of `name − reference` for every strategy, from the same paired resamples (a difference
 * per problem and seed, so the pairing is kept).
 */
export function pairedDifferences(
  values: Readonly<Record<string, readonly (readonly number[])[]>>,
  reference: string,
  o: BootstrapOptions = {},
): Record<string, Interval> {
  const ref = values[reference];
  if (!ref) throw new InvalidOptionError('bootstrap.reference', `no strategy named ${JSON.stringify(reference)}`);
  const diffs: Record<string, number[][]> = {};
  for (const [nm, m] of Object.entries(values)) {
    if (nm === reference) continue;
    if (m.length !== ref.length) throw new InvalidOptionError(`bootstrap.values.${nm}`, `has ${m.length} problems, ${reference} has ${ref.length}`);
    diffs[nm] = m.map((row, p) => row.map((v, s) => v - (ref[p]![s] ?? NaN)));
  }
  return Object.keys(diffs).length ? pairedBootstrap(diffs, o) : {};
}

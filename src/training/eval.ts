import seedrandom from 'seedrandom';
import { getAggregation, type AggregationSpec } from '../core/aggregate.ts';
import { FormatError, InvalidOptionError } from '../core/errors.ts';
import { firstErrorLabels, type Example } from './data/index.ts';

/**
 * ProcessBench-style evaluation of a PRM's step scores.
 * A solution is predicted to go wrong at the first step scoring below τ (−1: never).
 */

/** One solution's step scores and its true first-error index (−1: every step correct). */
export interface ScoredSample {
  readonly id?: string;
  readonly scores: readonly number[];
  readonly label: number;
}

export interface ProcessBenchMetrics {
  readonly threshold: number;
  readonly errorSamples: number;
  readonly correctSamples: number;
  /** Share of erroneous samples (label ≥ 0) whose predicted first error is exactly the label. NaN when none. */
  readonly errorAcc: number;
  /** Share of correct samples (label −1) predicted −1. NaN when none. */
  readonly correctAcc: number;
  /** Harmonic mean of errorAcc and correctAcc (0 when both are 0). */
  readonly f1: number;
}

/** The first-error index step labels imply: the first label < 0.5; −1 if all are labelled and ≥ 0.5; null if it cannot be told. */
export function firstErrorIndex(labels: readonly (number | null)[]): number | null {
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (l === null) return null; // an unlabelled step before any error: unknown
    if (l < 0.5) return i;
  }
  return -1;
}

/** Pairs examples with their step scores; examples whose first error cannot be told (e.g. prm800k-critic rows) are left out. */
export function toScoredSamples(examples: readonly Example[], scores: readonly (readonly number[])[]): ScoredSample[] {
  if (examples.length !== scores.length) throw new FormatError('scores', `${scores.length} score lists for ${examples.length} examples`);
  const out: ScoredSample[] = [];
  examples.forEach((e, i) => {
    const label = firstErrorIndex(e.labels);
    if (label !== null) out.push({ id: e.id, scores: scores[i]!, label });
  });
  return out;
}

export function predictFirstError(scores: readonly number[], threshold: number): number {
  return scores.findIndex((s) => s < threshold);
}

const where = (s: ScoredSample, i: number) => `sample ${s.id ?? i}`;

function validate(samples: readonly ScoredSample[]): void {
  samples.forEach((s, i) => {
    if (!Number.isInteger(s.label) || s.label < -1 || s.label >= s.scores.length) {
      throw new FormatError(where(s, i), `label ${s.label} is not −1 or a step index below ${s.scores.length}`);
    }
    const bad = s.scores.findIndex((x) => typeof x !== 'number' || Number.isNaN(x));
    if (bad >= 0) throw new FormatError(where(s, i), `scores[${bad}] is not a number: ${s.scores[bad]}`);
  });
}

const f1Of = (a: number, b: number) => (a + b === 0 ? 0 : (2 * a * b) / (a + b));

/** Metrics from true and predicted first-error indices (same order). */
export function metricsFromPredictions(labels: readonly number[], predictions: readonly number[], threshold = NaN): ProcessBenchMetrics {
  let e = 0,
    eHit = 0,
    c = 0,
    cHit = 0;
  labels.forEach((l, i) => {
    if (l >= 0) {
      e++;
      if (predictions[i] === l) eHit++;
    } else {
      c++;
      if (predictions[i] === -1) cHit++;
    }
  });
  const errorAcc = e ? eHit / e : NaN;
  const correctAcc = c ? cHit / c : NaN;
  return { threshold, errorSamples: e, correctSamples: c, errorAcc, correctAcc, f1: f1Of(errorAcc, correctAcc) };
}

export function processBenchMetrics(samples: readonly ScoredSample[], threshold: number): ProcessBenchMetrics {
  validate(samples);
  return metricsFromPredictions(
    samples.map((s) => s.label),
    samples.map((s) => predictFirstError(s.scores, threshold)),
    threshold,
  );
}

/**
 * The τ maximising F1 on a calibration split (pass a split separate from the test data).
 * Each sample is right for τ in an interval (lo, hi]: erroneous ones need every step before the label ≥ τ and the
 * labelled step < τ; correct ones need every step ≥ τ. So F1 is piecewise constant and its best value is reached at
 * some interval's hi; a sweep over those with sorted bounds costs O(n log n) instead of O(n²).
 * Returns the middle of the best piece (not its edge, which is a calibration score) — the smallest τ on ties.
 */
export function chooseThreshold(calibration: readonly ScoredSample[]): { threshold: number; f1: number } {
  validate(calibration);
  const errLo: number[] = [],
    errHi: number[] = [],
    corHi: number[] = [];
  let nErr = 0,
    nCor = 0;
  for (const s of calibration) {
    if (s.label >= 0) {
      nErr++;
      const lo = s.scores[s.label]!;
      const hi = Math.min(Infinity, ...s.scores.slice(0, s.label));
      if (lo < hi) (errLo.push(lo), errHi.push(hi));
    } else {
      nCor++;
      corHi.push(Math.min(...s.scores));
    }
  }
  if (!nErr || !nCor) throw new FormatError('calibration', `needs both erroneous and correct samples (got ${nErr} and ${nCor})`);
  for (const a of [errLo, errHi, corHi]) a.sort((x, y) => x - y);
  const atLeast = (sorted: number[], t: number) => sorted.length - lowerBound(sorted, t);
  const points = [...new Set([...errLo, ...errHi, ...corHi].filter(Number.isFinite))].sort((x, y) => x - y);
  let best = { threshold: NaN, f1: -1 };
  points.forEach((t, k) => {
    const eHit = atLeast(errHi, t) - atLeast(errLo, t); // lo < t ≤ hi, as lo ≥ t implies hi > t
    const f1 = f1Of(eHit / nErr, atLeast(corHi, t) / nCor);
    if (f1 > best.f1) best = { threshold: k > 0 ? (points[k - 1]! + t) / 2 : t, f1 };
  });
  return best.f1 < 0 ? { threshold: 0.5, f1: 0 } : best;
}

/** First index i with sorted[i] ≥ t. */
function lowerBound(sorted: readonly number[], t: number): number {
  let lo = 0,
    hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * ROC AUC = P(score of a random positive > score of a random negative), ties counting ½ (Mann–Whitney U with
 * average ranks). Labels ≥ `cut` are positive, below it negative, null skipped. NaN when a class is empty.
 */
export function rocAuc(pairs: Iterable<{ readonly score: number; readonly label: number | null }>, cut = 0.5): number {
  const xs: { score: number; pos: boolean }[] = [];
  for (const p of pairs) if (p.label !== null) xs.push({ score: p.score, pos: p.label >= cut });
  xs.sort((a, b) => a.score - b.score);
  let rankSumPos = 0,
    nPos = 0;
  for (let i = 0; i < xs.length;) {
    let j = i;
    while (j < xs.length && xs[j]!.score === xs[i]!.score) j++;
    const avgRank = (i + 1 + j) / 2; // ranks i+1 … j share their mean
    for (let k = i; k < j; k++) if (xs[k]!.pos) ((rankSumPos += avgRank), nPos++);
    i = j;
  }
  const nNeg = xs.length - nPos;
  if (!nPos || !nNeg) return NaN;
  return (rankSumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/** Step-level AUC over every labelled step of the examples. */
export function stepAuc(examples: readonly Pick<Example, 'labels'>[], scores: readonly (readonly number[])[], cut = 0.5): number {
  if (examples.length !== scores.length) throw new FormatError('scores', `${scores.length} score lists for ${examples.length} examples`);
  function* pairs() {
    for (let i = 0; i < examples.length; i++) {
      const { labels } = examples[i]!;
      if (scores[i]!.length !== labels.length) throw new FormatError(`example ${i}`, `${scores[i]!.length} scores for ${labels.length} steps`);
      for (let j = 0; j < labels.length; j++) yield { score: scores[i]![j]!, label: labels[j]! };
    }
  }
  return rocAuc(pairs(), cut);
}

/** Solution-level AUC: step scores combined by a registry aggregation; positive = an all-correct solution. */
export function solutionAuc(samples: readonly ScoredSample[], aggregation: AggregationSpec = 'min'): number {
  const agg = getAggregation(aggregation);
  return rocAuc(samples.map((s) => ({ score: agg.of(s.scores), label: s.label === -1 ? 1 : 0 })));
}

/** Baseline: predict "all correct" (−1) for every sample. Its F1 is 0 whenever there are erroneous samples. */
export function allCorrectBaseline(samples: readonly ScoredSample[]): ProcessBenchMetrics {
  return metricsFromPredictions(
    samples.map((s) => s.label),
    samples.map(() => -1),
  );
}

/** Baseline: uniform random step scores from a seeded generator, thresholded at τ (default 0.5). */
export function randomBaseline(samples: readonly ScoredSample[], opts: { seed?: string; threshold?: number } = {}): ProcessBenchMetrics {
  const rng = seedrandom(opts.seed ?? 'steptree');
  return processBenchMetrics(
    samples.map((s) => ({ ...s, scores: s.scores.map(() => rng()) })),
    opts.threshold ?? 0.5,
  );
}

/** Both trivial baselines, to print next to a real PRM's numbers. */
export function baselines(samples: readonly ScoredSample[], opts: { seed?: string; threshold?: number } = {}) {
  return { allCorrect: allCorrectBaseline(samples), random: randomBaseline(samples, opts) };
}

export interface ProcessBenchReport {
  readonly threshold: number;
  /** Where τ came from: given by the caller, or chosen on the calibration split. */
  readonly thresholdFrom: 'given' | 'calibration';
  readonly metrics: ProcessBenchMetrics;
  readonly stepAuc: number;
  readonly solutionAuc: number;
  readonly baselines: { readonly allCorrect: ProcessBenchMetrics; readonly random: ProcessBenchMetrics };
}

/**
 * The whole ProcessBench report for a test split: F1 at a given τ or at the τ chosen on `calibration` (which must not
 * share ids with the test split), step and solution AUC, and both baselines on the same samples.
 */
export function evaluateProcessBench(
  test: readonly ScoredSample[],
  opts: { threshold?: number; calibration?: readonly ScoredSample[]; seed?: string; aggregation?: AggregationSpec },
): ProcessBenchReport {
  let threshold = opts.threshold;
  if (threshold === undefined) {
    if (!opts.calibration) throw new InvalidOptionError('calibration', 'give a threshold or a calibration split to choose one on');
    const testIds = new Set(test.map((s) => s.id).filter((id) => id !== undefined));
    const shared = opts.calibration.find((s) => s.id !== undefined && testIds.has(s.id));
    if (opts.calibration === test || shared) {
      throw new InvalidOptionError('calibration', `must be separate from the test split${shared ? ` (both hold ${shared.id})` : ''}`);
    }
    threshold = chooseThreshold(opts.calibration).threshold;
  }
  const metrics = processBenchMetrics(test, threshold);
  const labels = test.map((s) => ({ labels: firstErrorLabels(s.scores.length, s.label) }));
  return {
    threshold,
    thresholdFrom: opts.threshold === undefined ? 'calibration' : 'given',
    metrics,
    stepAuc: stepAuc(
      labels,
      test.map((s) => s.scores),
    ),
    solutionAuc: solutionAuc(test, opts.aggregation ?? 'min'),
    baselines: baselines(test, { seed: opts.seed, threshold }),
  };
}

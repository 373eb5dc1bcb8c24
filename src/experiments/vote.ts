import { answerKey } from '../core/aggregate.ts';
import { InvalidOptionError } from '../core/errors.ts';
import { binom, fastRng, forEachSubset, randomSubset } from './comb.ts';

/** One sample for voting: its final answer (null: none extracted), its PRM score and its grade. */
export interface VoteSample {
  readonly answer: string | null;
  readonly score: number;
  readonly correct: boolean;
}

export type VoteRule = 'majority' | 'weighted';

export interface VoteOptions {
  /** Enumerate every k-subset when C(n, k) ≤ this (default 5,000), else draw `subsets` seeded ones. */
  readonly exactLimit?: number;
  /** Random k-subsets when not exact (default 2,000; at least 1,000). */
  readonly subsets?: number;
  readonly seed?: string | number;
}

/**
 * Outcome of one vote over the samples `idx`: answers are grouped by `answerKey`; majority adds 1 per
 * sample, weighted adds the sample's score. Samples without an answer do not vote. Tie rule: the
 * winner is drawn uniformly among the answers with the top tally, so the outcome is the fraction of
 * tied answers that are correct. An answer is correct when its samples are (their mean grade).
 */
export function voteOutcome(pool: readonly VoteSample[], idx: readonly number[], rule: VoteRule): number {
  return tallyOf(indexPool(pool, rule))(idx);
}

/** The pool with answers as small integers, so a vote is a pass over a typed array. */
interface Indexed {
  readonly answer: Int32Array; // −1: no answer
  readonly weight: Float64Array;
  /** Mean grade per answer. */
  readonly right: Float64Array;
}

function indexPool(pool: readonly VoteSample[], rule: VoteRule): Indexed {
  const ids = new Map<string, number>();
  const answer = new Int32Array(pool.length);
  const counts: number[] = [];
  const rights: number[] = [];
  pool.forEach((s, i) => {
    if (s.answer === null) return void (answer[i] = -1);
    const key = answerKey(s.answer);
    let a = ids.get(key);
    if (a === undefined) (ids.set(key, (a = ids.size)), counts.push(0), rights.push(0));
    answer[i] = a;
    counts[a]!++;
    if (s.correct) rights[a]!++;
  });
  return { answer, weight: Float64Array.from(pool, (s) => (rule === 'majority' ? 1 : s.score)), right: Float64Array.from(rights, (r, a) => r / counts[a]!) };
}

function tallyOf(ix: Indexed): (idx: readonly number[]) => number {
  const tally = new Float64Array(ix.right.length);
  return (idx) => {
    for (const i of idx) if (ix.answer[i]! >= 0) tally[ix.answer[i]!] = 0;
    for (const i of idx) if (ix.answer[i]! >= 0) tally[ix.answer[i]!]! += ix.weight[i]!;
    let top = -Infinity;
    for (const i of idx) if (ix.answer[i]! >= 0 && tally[ix.answer[i]!]! > top) top = tally[ix.answer[i]!]!;
    // each tied answer once: mark it seen by setting its tally to NaN
    let tied = 0;
    let right = 0;
    for (const i of idx) {
      const a = ix.answer[i]!;
      if (a >= 0 && tally[a] === top) {
        tied++;
        right += ix.right[a]!;
        tally[a] = NaN;
      }
    }
    return tied ? right / tied : 0;
  };
}

/** Expected accuracy of a k-sample vote from the pool: exact over every k-subset, or a seeded estimate. */
export function voteAtK(pool: readonly VoteSample[], k: number, rule: VoteRule, o: VoteOptions = {}): { value: number; exact: boolean; subsets: number } {
  const n = pool.length;
  if (!Number.isInteger(k) || k < 1 || k > n) throw new InvalidOptionError('voteAtK.k', `expected an integer in [1, ${n}], got ${k}`);
  const limit = o.exactLimit ?? 5000;
  const count = binom(n, k);
  const vote = tallyOf(indexPool(pool, rule));
  if (count <= limit) {
    let sum = 0;
    forEachSubset(n, k, (idx) => (sum += vote(idx)));
    return { value: sum / count, exact: true, subsets: count };
  }
  const m = Math.max(1000, o.subsets ?? 2000);
  const rng = fastRng(`vote/${o.seed ?? 0}/${rule}/${k}`);
  const scratch: number[] = [];
  let sum = 0;
  for (let j = 0; j < m; j++) sum += vote(randomSubset(n, k, rng, scratch));
  return { value: sum / m, exact: false, subsets: m };
}

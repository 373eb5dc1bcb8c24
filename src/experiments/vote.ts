import seedrandom from 'seedrandom';
import { answerKey } from '../core/aggregate.ts';
import { InvalidOptionError } from '../core/errors.ts';
import { binom, forEachSubset, randomSubset } from './comb.ts';

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
  const tally = new Map<string, { w: number; right: number; all: number }>();
  for (const i of idx) {
    const s = pool[i]!;
    if (s.answer === null) continue;
    const key = answerKey(s.answer);
    const t = tally.get(key) ?? { w: 0, right: 0, all: 0 };
    t.w += rule === 'majority' ? 1 : s.score;
    t.all++;
    if (s.correct) t.right++;
    tally.set(key, t);
  }
  let top = -Infinity;
  for (const t of tally.values()) if (t.w > top) top = t.w;
  let tied = 0;
  let right = 0;
  for (const t of tally.values())
    if (t.w === top) {
      tied++;
      right += t.right / t.all;
    }
  return tied ? right / tied : 0;
}

/** Expected accuracy of a k-sample vote from the pool: exact over every k-subset, or a seeded estimate. */
export function voteAtK(pool: readonly VoteSample[], k: number, rule: VoteRule, o: VoteOptions = {}): { value: number; exact: boolean; subsets: number } {
  const n = pool.length;
  if (!Number.isInteger(k) || k < 1 || k > n) throw new InvalidOptionError('voteAtK.k', `expected an integer in [1, ${n}], got ${k}`);
  const limit = o.exactLimit ?? 5000;
  const count = binom(n, k);
  if (count <= limit) {
    let sum = 0;
    forEachSubset(n, k, (idx) => (sum += voteOutcome(pool, idx, rule)));
    return { value: sum / count, exact: true, subsets: count };
  }
  const m = Math.max(1000, o.subsets ?? 2000);
  const rng = seedrandom(`vote/${o.seed ?? 0}/${rule}/${k}`);
  const scratch: number[] = [];
  let sum = 0;
  for (let j = 0; j < m; j++) sum += voteOutcome(pool, randomSubset(n, k, rng, scratch), rule);
  return { value: sum / m, exact: false, subsets: m };
}

import { InvalidOptionError } from '../../core/errors.ts';
import { opt, type Parsed } from '../../core/options.ts';
import { defineStrategy, specOf } from '../strategy.ts';
import type { EndReason, Expansion, ExpansionResult, SearchNode, Strategy, StrategyContext, StrategySpec } from '../strategy.ts';
import { maxDepth } from './options.ts';

/**
 * REBASE, reward-balanced search (Wu et al. 2024, "Inference Scaling Laws", arXiv 2408.00724).
 * The root is sampled N times. Then, depth by depth, the expansion budget B = N − (solutions finished
 * so far) is split over the open nodes of the newest depth in proportion to softmax(R / T_b), R the
 * node's value and T_b the balance temperature: node j gets W_j = round(B·exp(R_j/T_b) / Σ_k exp(R_k/T_b))
 * children. Good nodes get many children, weak ones round to zero and are dropped without a hard
 * beam cut. The search ends when B reaches 0 (N solutions finished) or the frontier is empty.
 * A node that merges c identical samples stands for c nodes of the paper's tree (weight c·exp(R/T_b)).
 */
export interface RebaseOptions {
  /** N: the total number of solutions (the root's samples; finished solutions count against it). */
  readonly n: number;
  /** T_b, the balance temperature of the softmax over rewards (the paper uses 0.1–0.2). */
  readonly balanceTemperature?: number;
  /**
   * `round`: each width rounded to nearest, as in the paper (widths may sum to B ± a few; if every
   * width rounds to 0 the best node gets 1). `largest-remainder`: floors plus the largest remainders,
   * so the widths sum to exactly B.
   */
  readonly rounding?: 'round' | 'largest-remainder';
  /** Open nodes at this depth count as finished (against N) and are not expanded. */
  readonly maxDepth?: number;
}

export const REBASE_ROUNDING = ['round', 'largest-remainder'] as const;

const options = {
  n: opt.int({ min: 1, help: 'N: total solutions (the root samples N; finished solutions count against it)' }),
  balanceTemperature: opt.number({ above: 0, default: 0.2, help: 'T_b: temperature of the softmax over node values (paper: 0.1–0.2)' }),
  rounding: opt.choice(REBASE_ROUNDING, { default: 'round', help: 'widths rounded to nearest (paper), or largest remainder (sum exactly B)' }),
  maxDepth,
};

export const rebaseStrategy = defineStrategy({
  name: 'rebase',
  factory: 'rebase',
  summary: 'REBASE (Wu et al. 2024): each depth splits the budget N − finished over open nodes by softmax(value / T_b)',
  options,
  defaults: { n: 16 },
  create: (c) => new Rebase(c),
});

export function rebase(o: RebaseOptions): StrategySpec {
  return specOf(rebaseStrategy, o);
}

/**
 * The allocation of one depth: budget B split by softmax(value / T) with per-node multiplicity
 * `weights` (sample counts). Pure, so it can be tested on a hand-made frontier.
 */
export function rebaseWidths(
  values: readonly number[],
  weights: readonly number[],
  budget: number,
  temperature: number,
  rounding: RebaseOptions['rounding'] = 'round',
): number[] {
  if (values.length === 0 || budget <= 0) return values.map(() => 0);
  if (!(temperature > 0)) throw new InvalidOptionError('rebase.balanceTemperature', `expected a number > 0, got ${temperature}`);
  const top = Math.max(...values);
  // shift by the max so exp never overflows at small T
  const e = values.map((v, i) => (weights[i] ?? 1) * Math.exp((v - top) / temperature));
  const z = e.reduce((a, b) => a + b, 0);
  const share = e.map((x) => (budget * x) / z);
  if (rounding === 'largest-remainder') {
    const w = share.map((s) => Math.floor(s));
    let left = budget - w.reduce((a, b) => a + b, 0);
    // largest remainder first; ties by position (the caller orders nodes by creation)
    const order = share.map((_s, i) => i).sort((a, b) => share[b]! - Math.floor(share[b]!) - (share[a]! - Math.floor(share[a]!)) || a - b);
    for (const i of order) if (left-- > 0) w[i]!++;
    return w;
  }
  const w = share.map((s) => Math.round(s));
  if (!w.some((x) => x > 0)) w[share.indexOf(Math.max(...share))] = 1;
  return w;
}

type Config = Parsed<typeof options>;

class Rebase implements Strategy {
  /** Open nodes of the newest depth, in creation order; null before the root's samples. */
  private frontier: SearchNode[] | null = null;
  /** Solutions finished (or cut at maxDepth), counted in samples. */
  private finished = 0;
  constructor(private c: Config) {}

  plan(ctx: StrategyContext): Expansion[] | null {
    if (!this.frontier) return [{ node: ctx.tree.root, total: this.c.n }];
    const budget = this.c.n - this.finished;
    if (budget <= 0 || this.frontier.length === 0) return null;
    const widths = rebaseWidths(
      this.frontier.map((x) => x.value ?? 0),
      this.frontier.map((x) => x.count),
      budget,
      this.c.balanceTemperature,
      this.c.rounding,
    );
    const out: Expansion[] = [];
    const dropped: SearchNode[] = [];
    this.frontier.forEach((node, i) => (widths[i]! > 0 ? out.push({ node, total: widths[i]! }) : dropped.push(node)));
    if (dropped.length) ctx.events.emit('prune', { nodeIds: dropped.map((n) => ctx.tree.idOf(n)) });
    return out;
  }

  observe(_ctx: StrategyContext, results: readonly ExpansionResult[]): void {
    const next: SearchNode[] = [];
    for (const r of results)
      for (const ch of r.children) {
        if (ch.terminal || ch.depth >= this.c.maxDepth) this.finished += ch.count;
        else next.push(ch);
      }
    this.frontier = next;
  }

  ended(): EndReason {
    return this.finished >= this.c.n ? 'complete' : 'exhausted';
  }
}

import { opt } from '../../core/options.ts';
import { byValue, defineStrategy, specOf } from '../strategy.ts';
import type { Expansion, ExpansionResult, SearchNode, Strategy, StrategyContext, StrategySpec } from '../strategy.ts';
import { maxDepth } from './options.ts';

export interface GreedyOptions {
  /** Stop a trajectory at this depth even if unfinished. */
  readonly maxDepth?: number;
}

/** Greedy: one sample per step, no search. The baseline every other strategy must beat. */
export const greedyStrategy = defineStrategy({
  name: 'greedy',
  factory: 'greedy',
  summary: 'one sample per step, no search: the baseline',
  options: { maxDepth },
  create: (c) => new Greedy(c.maxDepth),
});

export function greedy(o: GreedyOptions = {}): StrategySpec {
  return specOf(greedyStrategy, o);
}

class Greedy implements Strategy {
  private tip: SearchNode | null = null;
  private done = false;
  constructor(private readonly maxDepth: number) {}

  plan(ctx: StrategyContext): Expansion[] | null {
    const tip = (this.tip ??= ctx.tree.root);
    return this.done || tip.terminal || tip.depth >= this.maxDepth ? null : [{ node: tip, total: 1 }];
  }

  observe(_ctx: StrategyContext, results: readonly ExpansionResult[]): void {
    const next = [...(results[0]?.children ?? [])].sort(byValue)[0];
    if (next) this.tip = next;
    else this.done = true;
  }
}

export interface BestOfNOptions {
  /** N: independent samples. Identical prefixes share nodes (their `count` keeps the votes). */
  readonly n: number;
  readonly maxDepth?: number;
}

/**
 * Best-of-N: N full samples, ranked by aggregated PRM score (or voted, per `selection`). Samples are
 * kept as a trie: a node reached by c samples is expanded with c proposals, all samples advancing together.
 */
export const bestOfNStrategy = defineStrategy({
  name: 'best-of-n',
  factory: 'bestOfN',
  summary: 'N full samples, ranked by aggregated PRM score or voted (selection)',
  options: { n: opt.int({ min: 1, help: 'N: independent samples' }), maxDepth },
  defaults: { n: 8 },
  create: (c) => new BestOfN(c.n, c.maxDepth),
});

export function bestOfN(o: BestOfNOptions): StrategySpec {
  return specOf(bestOfNStrategy, o);
}

class BestOfN implements Strategy {
  private active: SearchNode[] | null = null;
  constructor(
    private readonly n: number,
    private readonly maxDepth: number,
  ) {}

  plan(ctx: StrategyContext): Expansion[] | null {
    if (!this.active) return [{ node: ctx.tree.root, total: this.n }];
    return this.active.length ? this.active.map((node) => ({ node, total: node.count })) : null;
  }

  observe(_ctx: StrategyContext, results: readonly ExpansionResult[]): void {
    this.active = results.flatMap((r) => r.children.filter((c) => !c.terminal && c.depth < this.maxDepth));
  }
}

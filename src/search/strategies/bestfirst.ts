import { BinaryHeap } from '../../core/heap.ts';
import { opt, type Parsed } from '../../core/options.ts';
import { defineStrategy, specOf } from '../strategy.ts';
import type { EndReason, Expansion, ExpansionResult, SearchNode, Strategy, StrategyContext, StrategySpec } from '../strategy.ts';
import { maxDepth } from './options.ts';

/**
 * Best-first search: a priority frontier on the aggregated PRM value, minus an optional depth
 * penalty (priority = value − depthPenalty·depth). Each wave pops the `parallel` best open nodes
 * and expands each with `expansionWidth` proposals; the frontier keeps at most `frontierCap` nodes.
 */
export interface BestFirstOptions {
  readonly expansionWidth?: number;
  readonly depthPenalty?: number;
  readonly frontierCap?: number;
  /** Nodes expanded per wave (1 = strict priority order). */
  readonly parallel?: number;
  /** Stop after this many finished trajectories. */
  readonly solutions?: number;
  readonly maxDepth?: number;
}

const options = {
  expansionWidth: opt.int({ min: 1, default: 4, help: 'proposals per expanded node' }),
  depthPenalty: opt.number({ min: 0, default: 0, help: 'priority = value − depthPenalty·depth' }),
  frontierCap: opt.int({ min: 1, default: 1 << 30, help: 'frontier size kept (the lowest-priority nodes are pruned)' }),
  parallel: opt.int({ min: 1, default: 1, help: 'nodes expanded per wave (1 = strict priority order)' }),
  solutions: opt.int({ min: 1, default: 1, help: 'stop after this many finished trajectories' }),
  maxDepth,
};

export const bestFirstStrategy = defineStrategy({
  name: 'best-first',
  factory: 'bestFirst',
  summary: 'a priority frontier on aggregated PRM value − depthPenalty·depth; pops the best open nodes each wave',
  options,
  create: (c) => new BestFirst(c),
});

export function bestFirst(o: BestFirstOptions = {}): StrategySpec {
  return specOf(bestFirstStrategy, o);
}

class BestFirst implements Strategy {
  private heap = new BinaryHeap<SearchNode>((a, b) => this.before(a, b));
  private started = false;
  private found = 0;
  /** Some open node was left at the depth cap. */
  private capped = false;
  constructor(private c: Parsed<typeof options>) {}

  priority(n: SearchNode): number {
    return (n.value ?? 0) - this.c.depthPenalty * n.depth;
  }
  /** a before b: higher priority, then older. */
  private before(a: SearchNode, b: SearchNode): boolean {
    const d = this.priority(a) - this.priority(b);
    return d > 0 || (d === 0 && a.order < b.order);
  }

  plan(ctx: StrategyContext): Expansion[] | null {
    if (!this.started) {
      this.started = true;
      return [{ node: ctx.tree.root, total: this.c.expansionWidth }];
    }
    if (this.found >= this.c.solutions) return null;
    const out: Expansion[] = [];
    while (out.length < this.c.parallel && this.heap.size) out.push({ node: this.heap.pop()!, total: this.c.expansionWidth });
    return out.length ? out : null;
  }

  observe(ctx: StrategyContext, results: readonly ExpansionResult[]): void {
    for (const r of results)
      for (const ch of r.children) {
        if (ch.terminal) this.found++;
        else if (ch.depth < this.c.maxDepth) this.heap.push(ch);
        else this.capped = true;
      }
    const pruned = this.heap.truncate(this.c.frontierCap);
    if (pruned.length) ctx.events.emit('prune', { nodeIds: pruned.map((n) => ctx.tree.idOf(n)) });
  }

  ended(): EndReason {
    return this.found >= this.c.solutions ? 'complete' : this.capped ? 'maxDepth' : 'exhausted';
  }
}

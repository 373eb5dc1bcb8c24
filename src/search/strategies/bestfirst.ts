import type { EndReason, Expansion, Strategy, StrategyContext, StrategySpec } from '../strategy.ts';
import type { NodeRec } from '../tree.ts';
import { DEFAULT_MAX_DEPTH, int, known, num } from './options.ts';

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

export function bestFirst(o: BestFirstOptions = {}): StrategySpec {
  known('best-first', o, ['expansionWidth', 'depthPenalty', 'frontierCap', 'parallel', 'solutions', 'maxDepth']);
  const c = {
    expansionWidth: int('best-first.expansionWidth', o.expansionWidth, 1, 4),
    depthPenalty: num('best-first.depthPenalty', o.depthPenalty, 0, 0),
    frontierCap: int('best-first.frontierCap', o.frontierCap, 1, 1 << 30),
    parallel: int('best-first.parallel', o.parallel, 1, 1),
    solutions: int('best-first.solutions', o.solutions, 1, 1),
    maxDepth: int('best-first.maxDepth', o.maxDepth, 1, DEFAULT_MAX_DEPTH),
  };
  return { name: 'best-first', config: c, create: () => new BestFirst(c) };
}

class BestFirst implements Strategy {
  private heap: NodeRec[] = [];
  private started = false;
  private found = 0;
  /** Some open node was left at the depth cap. */
  private capped = false;
  constructor(private c: Required<BestFirstOptions>) {}

  priority(n: NodeRec): number {
    return (n.value ?? 0) - this.c.depthPenalty * n.depth;
  }
  /** a before b: higher priority, then older. */
  private before(a: NodeRec, b: NodeRec): boolean {
    const d = this.priority(a) - this.priority(b);
    return d > 0 || (d === 0 && a.order < b.order);
  }

  plan(ctx: StrategyContext): Expansion[] | null {
    if (!this.started) {
      this.started = true;
      return [{ node: ctx.tree.root, k: this.c.expansionWidth }];
    }
    if (this.found >= this.c.solutions) return null;
    const out: Expansion[] = [];
    while (out.length < this.c.parallel && this.heap.length) out.push({ node: this.pop(), k: this.c.expansionWidth });
    return out.length ? out : null;
  }

  observe(ctx: StrategyContext, results: readonly { children: readonly NodeRec[] }[]): void {
    for (const r of results)
      for (const ch of r.children) {
        if (ch.terminal) this.found++;
        else if (ch.depth < this.c.maxDepth) this.push(ch);
        else this.capped = true;
      }
    if (this.heap.length > this.c.frontierCap) {
      const sorted = [...this.heap].sort((a, b) => (this.before(a, b) ? -1 : 1));
      ctx.events.emit('prune', { nodeIds: sorted.slice(this.c.frontierCap).map((n) => n.id) });
      this.heap = [];
      for (const n of sorted.slice(0, this.c.frontierCap)) this.push(n);
    }
  }

  ended(): EndReason {
    return this.found >= this.c.solutions ? 'complete' : this.capped ? 'maxDepth' : 'exhausted';
  }

  // binary heap, best at [0]
  private push(n: NodeRec): void {
    const h = this.heap;
    h.push(n);
    for (let i = h.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (!this.before(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }
  private pop(): NodeRec {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length) {
      h[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < h.length && this.before(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.before(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}

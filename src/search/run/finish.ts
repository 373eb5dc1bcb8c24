import type { Candidate, RankedCandidate } from '../../core/aggregate.ts';
import type { SearchResult, SearchStats, Trajectory } from '../result.ts';
import { usable, type EndReason, type Strategy, type StrategyContext, type StrategySpec } from '../strategy.ts';
import type { NodeRec, TreeStore } from '../tree.ts';

/** Why a strategy's plan() returned null: its own answer, or read off the tree. */
export function endReason(strategy: Strategy, spec: StrategySpec, ctx: StrategyContext, store: TreeStore): EndReason {
  if (strategy.ended) return strategy.ended(ctx);
  const cap = spec.config.maxDepth;
  let finished = false;
  for (const n of store.nodes) {
    if (!usable(n)) continue;
    if (n.terminal) finished = true;
    else if (typeof cap === 'number' && n.depth >= cap && n.requested === 0) return 'maxDepth';
  }
  return finished ? 'complete' : 'exhausted';
}

/**
 * Anytime: with no finished trajectory, the best partial one. Only frontier nodes (no usable child)
 * compete, so an inner node never beats its own best descendant; ties go deeper, then earlier.
 */
export function bestPartial(store: TreeStore): NodeRec | null {
  let best: NodeRec | null = null;
  for (const n of store.nodes) {
    if (!usable(n) || n.children.some(usable)) continue;
    if (!best) best = n;
    else {
      const d = (n.value ?? 0) - (best.value ?? 0);
      if (d > 0 || (d === 0 && n.depth > best.depth)) best = n;
    }
  }
  return best;
}

export interface Finish {
  readonly store: TreeStore;
  readonly ctx: StrategyContext;
  readonly strategy: Strategy;
  readonly spec: StrategySpec;
  readonly select: (c: readonly Candidate[]) => RankedCandidate[];
  readonly stats: Omit<SearchStats, 'nodes' | 'prm'>;
  readonly prmInfo?: Readonly<Record<string, unknown>>;
  readonly seed: string;
  readonly aggregation: string;
  readonly selection: string;
}

export function buildResult(f: Finish): SearchResult {
  const { store } = f;
  const terminals = new Map<string, NodeRec>();
  const cands: Candidate[] = [];
  for (const n of store.nodes)
    if (n.terminal && usable(n)) {
      terminals.set(n.id, n);
      cands.push({ nodeId: n.id, answer: n.answer, value: n.value ?? 0, count: n.count });
    }
  const ranked = f.select(cands);
  const bestNode = (f.strategy.pick?.(f.ctx) as NodeRec | null | undefined) ?? (ranked[0] ? terminals.get(ranked[0].nodeId)! : null) ?? bestPartial(store);
  const traj = (n: NodeRec): Trajectory => ({ nodeId: n.id, steps: store.steps(n), answer: n.answer, score: n.value, terminal: n.terminal });
  return {
    best: bestNode ? traj(bestNode) : null,
    candidates: ranked.map((c) => ({ ...c, steps: store.steps(terminals.get(c.nodeId)!) })),
    tree: store.snapshot(),
    stats: { ...f.stats, nodes: store.size, ...(f.prmInfo ? { prm: f.prmInfo } : {}) },
    strategy: { name: f.spec.name, config: f.spec.config },
    seed: f.seed,
    aggregation: f.aggregation,
    selection: f.selection,
  };
}

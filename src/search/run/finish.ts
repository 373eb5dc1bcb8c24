import type { Candidate } from '../../core/aggregate.ts';
import type { SearchResult, SearchStats, Trajectory } from '../result.ts';
import { usable, type EndReason, type Strategy, type StrategyContext, type StrategySpec } from '../strategy.ts';
import type { NodeRec, TreeStore } from '../tree.ts';

/** Why a strategy's plan() returned null: its own answer, or read off the tree. */
export function endReason(strategy: Strategy, spec: StrategySpec, ctx: StrategyContext, store: TreeStore): EndReason {
  if (strategy.ended) return strategy.ended(ctx);
  const cap = spec.config.maxDepth;
  let finished = false;
  const nodes = store.nodes;
  // index loops over the tree: a for-of iterator allocates a result per node here
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
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
  const nodes = store.nodes;
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    if (!usable(n)) continue;
    if (best) {
      const d = (n.value ?? 0) - (best.value ?? 0);
      if (!(d > 0 || (d === 0 && n.depth > best.depth))) continue;
    }
    // only a node that would win is checked for usable children (a read of each child)
    if (!hasUsableChild(n)) best = n;
  }
  return best;
}

function hasUsableChild(n: NodeRec): boolean {
  const kids = n.children;
  for (let i = 0; i < kids.length; i++) if (usable(kids[i]!)) return true;
  return false;
}

export interface Finish {
  readonly store: TreeStore;
  readonly ctx: StrategyContext;
  readonly strategy: Strategy;
  readonly spec: StrategySpec;
  /** The selection's score of each candidate, in input order (selectionScores). */
  readonly select: (c: readonly Candidate[]) => readonly number[];
  readonly stats: Omit<SearchStats, 'nodes' | 'prm'>;
  readonly prmInfo?: Readonly<Record<string, unknown>>;
  readonly seed: string;
  readonly aggregation: string;
  readonly selection: string;
}

export function buildResult(f: Finish): SearchResult {
  const { store } = f;
  const terminals: NodeRec[] = [];
  const cands: Candidate[] = [];
  const nodes = store.nodes;
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    if (n.terminal && usable(n)) {
      terminals.push(n);
      cands.push({ nodeId: n.id, answer: n.answer, value: n.value ?? 0, count: n.count });
    }
  }
  // in creation order, as before: vote sums add up in the same order
  const scores = f.select(cands);
  const order = rankOrder(store, terminals, cands, scores);
  const pick = f.strategy.pick?.(f.ctx) as NodeRec | null | undefined;
  const bestNode = pick ?? (order.length ? terminals[order[0]!]! : null) ?? bestPartial(store);
  const traj = (n: NodeRec): Trajectory => ({ nodeId: n.id, steps: store.steps(n), answer: n.answer, score: n.value, terminal: n.terminal });
  return {
    best: bestNode ? traj(bestNode) : null,
    candidates: order.map((i) => {
      const c = cands[i]!;
      // the key order of RankedCandidate, then steps
      return { nodeId: c.nodeId, answer: c.answer, value: c.value, count: c.count, selectionScore: scores[i]!, steps: store.steps(terminals[i]!) };
    }),
    tree: store.snapshot(),
    stats: { ...f.stats, nodes: store.size, ...(f.prmInfo ? { prm: f.prmInfo } : {}) },
    strategy: { name: f.spec.name, config: f.spec.config },
    seed: f.seed,
    aggregation: f.aggregation,
    selection: f.selection,
  };
}

/**
 * Candidate indices best first, as `selections` rank them: score, then value, then node id. Id ties
 * compare numbers, not depth-long path tags: each terminal's place in the ids' string order, which
 * is the tree's pre-order with siblings in the string order of their indices (made on the first tie).
 */
function rankOrder(store: TreeStore, terminals: readonly NodeRec[], cands: readonly Candidate[], scores: readonly number[]): number[] {
  let lex: Int32Array | null = null;
  const tie = (i: number) => (lex ??= idOrder(store))[terminals[i]!.order]!;
  const idx = Array.from(cands, (_, i) => i);
  return idx.sort((a, b) => scores[b]! - scores[a]! || cands[b]!.value - cands[a]!.value || tie(a) - tie(b));
}

/** Every node's rank in the string order of the ids, by creation order. */
function idOrder(store: TreeStore): Int32Array {
  const rank = new Int32Array(store.size);
  const stack: NodeRec[] = [store.root];
  for (let r = 0; stack.length; r++) {
    const n = stack.pop()!;
    rank[n.order] = r;
    const kids = n.children;
    const perm = kids.length > 10 ? stringOrder(kids.length) : null;
    // pushed last to first, so the first pops next
    for (let j = kids.length - 1; j >= 0; j--) stack.push(kids[perm ? perm[j]! : j]!);
  }
  return rank;
}

/** 0 … n−1 in the string order of their decimal forms ('10' before '2'), as sibling ids compare. */
const stringOrders = new Map<number, number[]>();
function stringOrder(n: number): number[] {
  let p = stringOrders.get(n);
  if (!p) stringOrders.set(n, (p = Array.from({ length: n }, (_, i) => i).sort((a, b) => (String(a) < String(b) ? -1 : 1))));
  return p;
}

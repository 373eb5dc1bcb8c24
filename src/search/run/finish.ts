import type { Candidate } from '../../core/aggregate.ts';
import type { StopReason } from '../../core/budget.ts';
import type { SearchResult, SearchStats, Trajectory } from '../result.ts';
import { usable, type EndReason, type Strategy, type StrategyContext, type StrategySpec } from '../strategy.ts';
import { idOf, type NodeRec, type TreeStore } from '../tree.ts';
import { walkTree, type TreeWalk } from './walk.ts';

/** Why a strategy's plan() returned null: its own answer, or read off the tree. */
function endReason(f: Finish, w: TreeWalk): EndReason {
  if (f.strategy.ended) return f.strategy.ended(f.ctx);
  if (w.capped) return 'maxDepth';
  return w.terminals.length ? 'complete' : 'exhausted';
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

const NO_WALK: TreeWalk = { terminals: [], steps: [], byCreation: [], capped: false };

function hasTerminal(store: TreeStore): boolean {
  const nodes = store.nodes;
  for (let i = 0; i < nodes.length; i++) if (nodes[i]!.terminal) return true;
  return false;
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
  /** Why the search stopped; null when the strategy ended it (the reason is then read off the tree). */
  readonly stop: StopReason | null;
  readonly stats: Omit<SearchStats, 'nodes' | 'prm' | 'stoppedBy'>;
  readonly prmInfo?: Readonly<Record<string, unknown>>;
  readonly seed: string;
  readonly aggregation: string;
  readonly selection: string;
}

export function buildResult(f: Finish): SearchResult {
  const { store } = f;
  const cap = f.spec.config.maxDepth;
  // the walk reads the end reason only when nobody else gives one, and is skipped when it has nothing to find
  // (an MCTS tree with no finished trajectory)
  const needsReason = f.stop === null && !f.strategy.ended;
  let w = NO_WALK;
  if (needsReason) w = walkTree(store, typeof cap === 'number' ? cap : Infinity);
  else if (hasTerminal(store)) w = walkTree(store, Infinity);
  const stoppedBy = f.stop ?? endReason(f, w);
  const terms = w.byCreation.map((i) => w.terminals[i]!);
  // offered in creation order: vote sums add up in the order they always did
  const cands: Candidate[] = terms.map((n) => ({ nodeId: idOf(n), answer: n.answer, value: n.value ?? 0, count: n.count }));
  const scores = f.select(cands);
  // as `selections` rank: score, value, then id (its place in the walk, a number)
  const order = cands.map((_, j) => j).sort((a, b) => scores[b]! - scores[a]! || cands[b]!.value - cands[a]!.value || w.byCreation[a]! - w.byCreation[b]!);
  const pick = f.strategy.pick?.(f.ctx) as NodeRec | null | undefined;
  const bestNode = pick ?? (order.length ? terms[order[0]!]! : null) ?? bestPartial(store);
  const traj = (n: NodeRec): Trajectory => ({ nodeId: idOf(n), steps: store.steps(n), answer: n.answer, score: n.value, terminal: n.terminal });
  return {
    best: bestNode ? traj(bestNode) : null,
    candidates: order.map((j) => {
      const c = cands[j]!;
      // the key order of RankedCandidate, then steps
      return { nodeId: c.nodeId, answer: c.answer, value: c.value, count: c.count, selectionScore: scores[j]!, steps: w.steps[w.byCreation[j]!]! };
    }),
    tree: store.snapshot(),
    stats: { ...f.stats, stoppedBy, nodes: store.size, ...(f.prmInfo ? { prm: f.prmInfo } : {}) },
    strategy: { name: f.spec.name, config: f.spec.config },
    seed: f.seed,
    aggregation: f.aggregation,
    selection: f.selection,
  };
}

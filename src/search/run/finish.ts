import type { Candidate } from '../../core/aggregate.ts';
import type { StopReason } from '../../core/budget.ts';
import type { SearchResult, SearchStats, Trajectory } from '../result.ts';
import { usable, type EndReason, type Strategy, type StrategyContext, type StrategySpec } from '../strategy.ts';
import { idOf, type NodeRec, type TreeStore } from '../tree.ts';
import { idRanks, type TreeScan } from './walk.ts';

/** Why a strategy's plan() returned null: its own answer, or read off the tree. */
function endReason(f: Finish, w: TreeScan): EndReason {
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

function hasUsableChild(n: NodeRec): boolean {
  const kids = n.children;
  for (let i = 0; i < kids.length; i++) if (usable(kids[i]!)) return true;
  return false;
}

export interface Finish {
  readonly store: TreeStore;
  /** The tree's usable terminals and whether nodes wait at the depth cap (EndScan). */
  readonly scan: TreeScan;
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
  const { store, scan } = f;
  const stoppedBy = f.stop ?? endReason(f, scan);
  // final selection runs when first needed: a strategy's own pick (MCTS) needs none of it
  const final = new FinalSelection(store, scan.terminals, f.select);
  const pick = f.strategy.pick?.(f.ctx) as NodeRec | null | undefined;
  const bestNode = pick ?? final.top() ?? bestPartial(store);
  const rest: Omit<SearchResult, 'best' | 'candidates'> = {
    tree: store.snapshot(),
    stats: { ...f.stats, stoppedBy, nodes: store.size, ...(f.prmInfo ? { prm: f.prmInfo } : {}) },
    strategy: { name: f.spec.name, config: f.spec.config },
    seed: f.seed,
    aggregation: f.aggregation,
    selection: f.selection,
  };
  // keys in SearchResult's order, the getter second (an accessor put in place of a data key turned
  // every result into a dictionary)
  const r = { best: bestNode ? trajectory(store, bestNode) : null };
  Object.defineProperty(r, 'candidates', CANDIDATES);
  Object.defineProperty(r, FINAL, { value: final });
  return Object.assign(r, rest) as typeof rest & Pick<SearchResult, 'best' | 'candidates'>;
}

const FINAL = Symbol('finalSelection');
/**
 * `candidates` is made on first read: a caller that reads only `best` does not pay for ranking
 * thousands of candidates, their ids and their step lists (beam B=1024: 8192 of them;
 * benchmarks/README.md). One getter for every result: a getter written in the literal made a
 * closure and an accessor pair per result, and a stream of MCTS 100-sim searches ran 25 % slower.
 */
const CANDIDATES: PropertyDescriptor = {
  get(this: { [FINAL]: FinalSelection }) {
    return this[FINAL].candidates();
  },
  enumerable: true,
  configurable: true,
};

const trajectory = (store: TreeStore, n: NodeRec): Trajectory => ({
  nodeId: idOf(n),
  steps: store.steps(n),
  answer: n.answer,
  score: n.value,
  terminal: n.terminal,
});

/** Final selection over a finished search's terminals: made when first needed, then kept. */
class FinalSelection {
  private sel: Selected | null = null;
  private ranked: SearchResult['candidates'] | null = null;
  constructor(
    private readonly store: TreeStore,
    private readonly terms: readonly NodeRec[],
    private readonly select: Finish['select'],
  ) {}

  /** The terminals offered in creation order (vote sums add up in the order they always did), and their scores. */
  private selected(): Selected {
    if (this.sel) return this.sel;
    const cands = this.terms.map((n) => new Offer(n));
    return (this.sel = { cands, scores: this.select(cands) });
  }

  /** The first candidate's node, or null without terminals. */
  top(): NodeRec | null {
    return this.terms.length ? this.terms[top(this.store, this.selected())]! : null;
  }

  candidates(): SearchResult['candidates'] {
    return (this.ranked ??= rankedCandidates(this.store, this.selected()));
  }
}

/** The terminals as final selection was offered them, and its score of each. */
type Selected = { readonly cands: readonly Offer[]; readonly scores: readonly number[] };

/** Ranks as `selections` do: score, then value (both descending); what remains tied goes by id. */
const beats = (scores: readonly number[], cands: readonly Offer[], a: number, b: number): number =>
  scores[b]! - scores[a]! || cands[b]!.value - cands[a]!.value;

/** The first candidate as `selections` rank them, in one pass; only a tie at the top reads ids. */
function top(store: TreeStore, { cands, scores }: Selected): number {
  let tied = [0];
  for (let j = 1; j < cands.length; j++) {
    const d = beats(scores, cands, j, tied[0]!);
    if (d < 0) tied = [j];
    else if (d === 0) tied.push(j);
  }
  if (tied.length === 1) return tied[0]!;
  const ranks = idRanks(
    store,
    tied.map((j) => cands[j]!.n),
  );
  let at = 0;
  for (let i = 1; i < tied.length; i++) if (ranks[i]! < ranks[at]!) at = i;
  return tied[at]!;
}

/** Every candidate, ranked, in the key order of RankedCandidate, then steps. */
function rankedCandidates(store: TreeStore, { cands, scores }: Selected): SearchResult['candidates'] {
  const ranks = idRanks(
    store,
    cands.map((c) => c.n),
  );
  const order = cands.map((_, j) => j).sort((a, b) => beats(scores, cands, a, b) || ranks[a]! - ranks[b]!);
  return order.map((j) => {
    const { n, answer, value, count } = cands[j]!;
    return { nodeId: idOf(n), answer, value, count, selectionScore: scores[j]!, steps: store.steps(n) };
  });
}

/** A terminal offered to final selection; its id is made only if the selection reads it. */
class Offer implements Candidate {
  readonly answer: string | null;
  readonly value: number;
  readonly count: number;
  constructor(readonly n: NodeRec) {
    this.answer = n.answer;
    this.value = n.value ?? 0;
    this.count = n.count;
  }
  get nodeId(): string {
    return idOf(this.n);
  }
}

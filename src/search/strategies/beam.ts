import { InvalidOptionError } from '../../core/errors.ts';
import { opt } from '../../core/options.ts';
import { byValue, defineStrategy, specOf } from '../strategy.ts';
import type { Expansion, ExpansionResult, SearchNode, Strategy, StrategyContext, StrategySpec } from '../strategy.ts';
import { maxDepth } from './options.ts';

/**
 * Beam search as in Snell et al. 2024 / search-and-learn: N candidates per step, beam width M;
 * the N/M best candidates are kept as beams and each is expanded M times. With `lookahead` = k,
 * each candidate is first rolled out k greedy steps (those steps are scored and kept in the tree)
 * and ranked by the value at the end of its lookahead. Identical candidates are one node in the tree;
 * a node standing for c samples may take up to c beam slots and is then expanded M per slot, which
 * is what search-and-learn does with its duplicate beams.
 */
export interface BeamOptions {
  /** N: candidates per step (and the first step's samples). Must be a multiple of beamWidth. */
  readonly n: number;
  /** M: expansions per kept beam. */
  readonly beamWidth: number;
  /** Greedy lookahead steps used to rank candidates (0 = none). */
  readonly lookahead?: number;
  readonly maxDepth?: number;
}

/** N must be a multiple of M (N/M beams); the error names the strategy's own option. */
const multiple = (name: string) => (c: { n: number; beamWidth: number }) => {
  if (c.n % c.beamWidth !== 0) throw new InvalidOptionError(`${name}.n`, `must be a multiple of ${name}.beamWidth (${c.beamWidth}), got ${c.n}`);
};

export const beamStrategy = defineStrategy({
  name: 'beam',
  factory: 'beam',
  summary: 'search-and-learn beam search: N candidates per step, N/M beams kept, each expanded M times; optional lookahead',
  options: {
    n: opt.int({ min: 1, help: 'N: candidates per step, a multiple of beamWidth' }),
    beamWidth: opt.int({ min: 1, help: 'M: expansions per kept beam' }),
    lookahead: opt.int({ min: 0, default: 0, help: 'greedy lookahead steps (scored too) that rank candidates' }),
    maxDepth,
  },
  defaults: { n: 8, beamWidth: 4 },
  check: multiple('beam'),
  create: (c) => new Beam(c.n, c.beamWidth, c.lookahead, c.maxDepth),
});

export function beam(o: BeamOptions): StrategySpec {
  return specOf(beamStrategy, o);
}

/** Ranking value of a candidate: its own value, or the value where its lookahead ended. */
type Cand = { node: SearchNode; tip: SearchNode; steps: number; stopped: boolean };

class Beam implements Strategy {
  private beams: { node: SearchNode; slots: number }[] | null = null;
  private cands: Cand[] | null = null;
  private finished = 0;
  constructor(
    private n: number,
    private m: number,
    private lookahead: number,
    private maxDepth: number,
  ) {}

  plan(ctx: StrategyContext): Expansion[] | null {
    if (!this.beams) return [{ node: ctx.tree.root, total: this.n }];
    if (this.cands) {
      const live = this.cands.filter((c) => !c.stopped);
      if (live.length) return live.map((c) => ({ node: c.tip, total: 1 }));
      this.keepLookahead(ctx);
    }
    if (this.finished >= this.n) return null;
    const beams = this.beams.filter((b) => b.node.depth < this.maxDepth);
    return beams.length ? beams.map((b) => ({ node: b.node, total: this.m * b.slots })) : null;
  }

  observe(ctx: StrategyContext, results: readonly ExpansionResult[]): void {
    if (this.cands) {
      // a lookahead wave: advance each live candidate's tip to its (single) greedy child
      const live = this.cands.filter((c) => !c.stopped);
      live.forEach((c, i) => {
        const next = results[i]?.children[0];
        if (next) c.tip = next;
        c.steps++;
        c.stopped = !next || next.terminal || c.steps >= this.lookahead || next.depth >= this.maxDepth;
      });
      return;
    }
    // one pass over the children (this runs once per node of the tree); without lookahead a
    // candidate is its node, ranked as it is (no record per node)
    let most = 0;
    for (const r of results) most += r.children.length;
    const nodes = new Array<SearchNode>(most); // sized once: a wave's candidates are most of the tree's nodes
    let count = 0;
    for (const r of results)
      for (const node of r.children) {
        if (node.terminal) this.finished++;
        else nodes[count++] = node;
      }
    nodes.length = count;
    this.beams = [];
    if (this.lookahead === 0) return this.keep(ctx, nodes.sort(byValue));
    const cands: Cand[] = [];
    let stopped = true;
    for (const node of nodes) {
      const stop = node.depth >= this.maxDepth;
      if (!stop) stopped = false;
      cands.push({ node, tip: node, steps: 0, stopped: stop });
    }
    this.cands = cands;
    if (stopped) this.keepLookahead(ctx);
  }

  /** Ranks candidates by the value where their lookahead ended. */
  private keepLookahead(ctx: StrategyContext): void {
    const ranked = this.cands!.sort((a, b) => byValue(a.tip, b.tip) || a.node.order - b.node.order);
    this.cands = null;
    this.keep(
      ctx,
      ranked.map((c) => c.node),
    );
  }

  /** Keep the N/M best candidates (best first) as beams; the rest are pruned. */
  private keep(ctx: StrategyContext, ranked: readonly SearchNode[]): void {
    let free = this.n / this.m;
    this.beams = [];
    // ids are made on first read: name the pruned only for a listener
    const pruned: string[] | null = ctx.events.listenerCount('prune') ? [] : null;
    for (const node of ranked) {
      const slots = Math.min(free, node.count);
      if (slots > 0) this.beams.push({ node, slots });
      else if (pruned) pruned.push(ctx.tree.idOf(node));
      else break;
      free -= slots;
    }
    if (pruned?.length) ctx.events.emit('prune', { nodeIds: pruned });
  }
}

/**
 * Diverse verifier tree search (Beeching et al. 2024): N/M independent subtrees, each grown greedily
 * on the PRM: its tip is expanded M times and the best child becomes the new tip.
 * Subtrees never share nodes below the root, which is what keeps them diverse.
 */
export interface DvtsOptions {
  /** N: total budget of candidates per step. */
  readonly n: number;
  /** M: expansions per subtree per step; N/M subtrees. */
  readonly beamWidth: number;
  readonly maxDepth?: number;
}

export const dvtsStrategy = defineStrategy({
  name: 'dvts',
  factory: 'dvts',
  summary: 'diverse verifier tree search: N/M independent subtrees, each grown greedily on the PRM',
  options: {
    n: opt.int({ min: 1, help: 'N: candidates per step in all' }),
    beamWidth: opt.int({ min: 1, help: 'M: expansions per subtree per step (N/M subtrees)' }),
    maxDepth,
  },
  defaults: { n: 8, beamWidth: 4 },
  check: multiple('dvts'),
  create: (c) => new Dvts(c.n, c.beamWidth, c.maxDepth),
});

export function dvts(o: DvtsOptions): StrategySpec {
  return specOf(dvtsStrategy, o);
}

class Dvts implements Strategy {
  private tips: SearchNode[] | null = null;
  constructor(
    private readonly n: number,
    private readonly m: number,
    private readonly maxDepth: number,
  ) {}

  private live(tips: readonly SearchNode[]): SearchNode[] {
    return tips.filter((t) => !t.terminal && t.depth < this.maxDepth);
  }

  plan(ctx: StrategyContext): Expansion[] | null {
    if (!this.tips) return [{ node: ctx.tree.root, total: this.n / this.m }];
    const live = this.live(this.tips);
    return live.length ? live.map((node) => ({ node, total: this.m })) : null;
  }

  observe(ctx: StrategyContext, results: readonly ExpansionResult[]): void {
    if (!this.tips) {
      this.tips = [...(results[0]?.children ?? [])]; // each first step roots one subtree
      return;
    }
    const live = this.live(this.tips);
    const next = this.tips.filter((t) => !live.includes(t) && t.terminal);
    live.forEach((t, i) => {
      const kids = [...(results[i]?.children ?? [])].sort(byValue);
      if (kids[0]) next.push(kids[0]);
      if (kids.length > 1 && ctx.events.listenerCount('prune')) ctx.events.emit('prune', { nodeIds: kids.slice(1).map((c) => ctx.tree.idOf(c)) });
    });
    this.tips = next;
  }
}

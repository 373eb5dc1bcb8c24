import { InvalidOptionError } from '../../core/errors.ts';
import type { Expansion, Strategy, StrategyContext, StrategySpec } from '../strategy.ts';
import type { NodeRec } from '../tree.ts';
import { byValue, DEFAULT_MAX_DEPTH, int, known } from './options.ts';

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

export function beam(o: BeamOptions): StrategySpec {
  known('beam', o, ['n', 'beamWidth', 'lookahead', 'maxDepth']);
  const n = int('beam.n', o?.n, 1);
  const beamWidth = int('beam.beamWidth', o.beamWidth, 1);
  if (n % beamWidth !== 0) throw new InvalidOptionError('beam.n', `must be a multiple of beam.beamWidth (${beamWidth}), got ${n}`);
  const lookahead = int('beam.lookahead', o.lookahead, 0, 0);
  const maxDepth = int('beam.maxDepth', o.maxDepth, 1, DEFAULT_MAX_DEPTH);
  return { name: 'beam', config: { n, beamWidth, lookahead, maxDepth }, create: () => new Beam(n, beamWidth, lookahead, maxDepth) };
}

/** Ranking value of a candidate: its own value, or the value where its lookahead ended. */
type Cand = { node: NodeRec; tip: NodeRec; steps: number; stopped: boolean };

class Beam implements Strategy {
  private beams: { node: NodeRec; slots: number }[] | null = null;
  private cands: Cand[] | null = null;
  private finished = 0;
  constructor(private n: number, private m: number, private lookahead: number, private maxDepth: number) {}

  plan(ctx: StrategyContext): Expansion[] | null {
    if (!this.beams) return [{ node: ctx.tree.root, k: this.n }];
    if (this.cands) {
      const live = this.cands.filter((c) => !c.stopped);
      if (live.length) return live.map((c) => ({ node: c.tip, k: 1 }));
      this.keep(ctx);
    }
    if (this.finished >= this.n) return null;
    const beams = this.beams.filter((b) => b.node.depth < this.maxDepth);
    return beams.length ? beams.map((b) => ({ node: b.node, k: this.m * b.slots })) : null;
  }

  observe(ctx: StrategyContext, results: readonly { node: NodeRec; children: readonly NodeRec[] }[]): void {
    if (this.cands) {
      // a lookahead wave: advance each live candidate's tip to its (single) greedy child
      const live = this.cands.filter((c) => !c.stopped);
      live.forEach((c, i) => {
        const next = results[i]!.children[0];
        if (next) c.tip = next;
        c.steps++;
        c.stopped = !next || next.terminal || c.steps >= this.lookahead || next.depth >= this.maxDepth;
      });
      return;
    }
    // one pass over the children (this runs once per node of the tree)
    const cands: Cand[] = [];
    let stopped = true;
    for (const r of results)
      for (const node of r.children) {
        if (node.terminal) {
          this.finished++;
          continue;
        }
        const stop = this.lookahead === 0 || node.depth >= this.maxDepth;
        if (!stop) stopped = false;
        cands.push({ node, tip: node, steps: 0, stopped: stop });
      }
    this.beams = [];
    this.cands = cands;
    if (stopped) this.keep(ctx);
  }

  /** Keep the N/M best candidates as beams; the rest are pruned. */
  private keep(ctx: StrategyContext): void {
    const ranked = this.cands!.sort((a, b) => byValue(a.tip, b.tip) || a.node.order - b.node.order);
    let free = this.n / this.m;
    this.beams = [];
    const pruned: string[] = [];
    for (const c of ranked) {
      const slots = Math.min(free, c.node.count);
      if (slots > 0) this.beams.push({ node: c.node, slots });
      else pruned.push(c.node.id);
      free -= slots;
    }
    if (pruned.length) ctx.events.emit('prune', { nodeIds: pruned });
    this.cands = null;
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

export function dvts(o: DvtsOptions): StrategySpec {
  known('dvts', o, ['n', 'beamWidth', 'maxDepth']);
  const n = int('dvts.n', o?.n, 1);
  const m = int('dvts.beamWidth', o.beamWidth, 1);
  if (n % m !== 0) throw new InvalidOptionError('dvts.n', `must be a multiple of dvts.beamWidth (${m}), got ${n}`);
  const maxDepth = int('dvts.maxDepth', o.maxDepth, 1, DEFAULT_MAX_DEPTH);
  return {
    name: 'dvts',
    config: { n, beamWidth: m, maxDepth },
    create() {
      let tips: NodeRec[] | null = null;
      return {
        plan: (ctx) => {
          if (!tips) return [{ node: ctx.tree.root, k: n / m }];
          const live = tips.filter((t) => !t.terminal && t.depth < maxDepth);
          return live.length ? live.map((node) => ({ node, k: m })) : null;
        },
        observe: (ctx, results) => {
          if (!tips) {
            tips = [...results[0]!.children]; // each first step roots one subtree
            return;
          }
          const live = tips.filter((t) => !t.terminal && t.depth < maxDepth);
          const next: NodeRec[] = tips.filter((t) => !live.includes(t) && t.terminal);
          live.forEach((t, i) => {
            const kids = [...results[i]!.children].sort(byValue);
            if (kids[0]) next.push(kids[0]);
            if (kids.length > 1) ctx.events.emit('prune', { nodeIds: kids.slice(1).map((c) => c.id) });
          });
          tips = next;
        },
      };
    },
  };
}

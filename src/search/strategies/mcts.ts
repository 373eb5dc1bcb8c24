import { opt, type Parsed } from '../../core/options.ts';
import { byValue, defineStrategy, specOf, usable } from '../strategy.ts';
import type { EndReason, Expansion, ExpansionResult, SearchNode, Strategy, StrategyContext, StrategySpec } from '../strategy.ts';
import { NodeFlags } from './node-flags.ts';
import { maxDepth } from './options.ts';

/**
 * Monte-Carlo tree search over steps. Selection by UCT, Q + c·√(ln N_parent / (1 + N)), or PUCT
 * (AlphaZero), Q + c_puct·P·√N_parent / (1 + N), with prior P from the policy's logprobs (softmax over
 * siblings) or uniform. An unvisited child's Q is its PRM aggregate. A simulation expands its leaf
 * (`expansionWidth` children, or more under progressive widening: at most ⌈c·N^α⌉ children), visits
 * the best new child and backs up its value: the PRM aggregate, or with `rollout` the aggregate at
 * the end of a greedy rollout. `parallel` simulations run per wave, kept apart by virtual loss.
 */
export interface MctsOptions {
  readonly simulations?: number;
  readonly formula?: 'puct' | 'uct';
  /** c_puct (PUCT) or c (UCT): exploration weight. */
  readonly cPuct?: number;
  readonly prior?: 'logprob' | 'uniform';
  readonly expansionWidth?: number;
  readonly rollout?: boolean;
  /** Progressive widening: a node may have ⌈c·N^α⌉ children. Off when undefined. */
  readonly widening?: { readonly alpha: number; readonly c: number };
  readonly parallel?: number;
  /** Visits added (with value 0) along a selected path while its simulation is in flight. */
  readonly virtualLoss?: number;
  /** Final trajectory: follow most-visited children, or highest Q. */
  readonly finalPick?: 'visits' | 'value';
  readonly maxDepth?: number;
}

const options = {
  simulations: opt.int({ min: 1, default: 64, help: 'simulations in all' }),
  formula: opt.choice(['puct', 'uct'], { default: 'puct', help: 'selection rule' }),
  cPuct: opt.number({ min: 0, default: 1, help: 'c_puct (PUCT) or c (UCT): exploration weight' }),
  prior: opt.choice(['logprob', 'uniform'], { default: 'logprob', help: 'PUCT prior: softmax of sibling logprobs, or uniform' }),
  expansionWidth: opt.int({ min: 1, default: 4, help: 'children proposed when a leaf is expanded' }),
  rollout: opt.boolean({ default: false, help: 'leaf value from a greedy rollout to the end (else the PRM aggregate)' }),
  widening: opt.group(
    {
      alpha: opt.number({ min: 0, max: 1, default: 0.5, help: 'progressive widening α: at most ⌈c·N^α⌉ children' }),
      c: opt.number({ min: 0.01, default: 1, help: 'progressive widening c' }),
    },
    { help: 'progressive widening (off unless given)' },
  ),
  parallel: opt.int({ min: 1, default: 1, help: 'simulations per wave' }),
  virtualLoss: opt.number({ min: 0, default: 1, help: 'visits added along a path while its simulation is in flight' }),
  finalPick: opt.choice(['visits', 'value'], { default: 'visits', help: 'final trajectory: most-visited children, or highest Q' }),
  maxDepth,
};

export const mctsStrategy = defineStrategy({
  name: 'mcts',
  factory: 'mcts',
  summary: 'MCTS over steps: UCT or PUCT (prior from logprobs), PRM or rollout leaf values, progressive widening, parallel simulations with virtual loss',
  options,
  create: (c) => new Mcts(c),
});

export function mcts(o: MctsOptions = {}): StrategySpec {
  return specOf(mctsStrategy, o);
}

type Config = Parsed<typeof options>;
const EXPANDED = 1;
/** The policy has nothing new to give here. */
const EXHAUSTED = 2;
/** Simulations one plan() call may evaluate without expanding anything before it hands back. */
const IDLE_SIMS = 1024;
/** `before`: the tip's child count when its expansion was planned, to tell whether widening found anything new. */
type Sim = { path: SearchNode[]; tip: SearchNode; before?: number };

class Mcts implements Strategy {
  /** EXPANDED and EXHAUSTED per node. */
  private flags = new NodeFlags();
  /** Widening calls in a row that brought no new child (a sampled duplicate is normal; three in a row is not). */
  private misses = new Map<SearchNode, number>();
  private sims = 0;
  private pending: Sim[] = [];
  private rollouts: Sim[] = [];
  /** Selected paths in flight through each node this wave: virtual loss is counted, so visits stay integers. */
  private inflight = new Map<SearchNode, number>();
  private end: EndReason = 'complete';
  constructor(private c: Config) {}

  plan(ctx: StrategyContext): Expansion[] | null {
    if (this.rollouts.length) return this.rollouts.map((s) => ({ node: s.tip, total: 1, rollout: true }));
    // simulations that expand nothing (terminal or spent leaves) are bounded per call, so the engine can yield
    for (let idle = 0; this.sims < this.c.simulations;) {
      if (idle >= IDLE_SIMS) {
        const end = this.dead(ctx.tree.root);
        if (end) return ((this.end = end), null);
        return [];
      }
      idle += this.c.parallel;
      const paths: SearchNode[][] = [];
      const wave = Math.min(this.c.parallel, this.c.simulations - this.sims);
      this.sims += wave;
      // virtual loss only steers the selections after it in the same wave (none after the last)
      for (let i = 0; i < wave; i++) paths.push(this.select(ctx.tree.root, i < wave - 1));
      this.clearVirtualLoss();
      // leaves that cannot grow are evaluated at once; the rest are expanded in one wave
      this.pending = [];
      for (const path of paths) {
        const leaf = path[path.length - 1]!;
        if (this.canGrow(leaf)) this.pending.push({ path, tip: leaf, before: leaf.children.length });
        else this.backup(ctx, path, leaf.value ?? 0);
      }
      if (this.pending.length === 1) return [{ node: this.pending[0]!.tip, total: this.want(this.pending[0]!.tip) }];
      if (this.pending.length) {
        const seen = new Set<SearchNode>();
        return this.pending.filter((s) => !seen.has(s.tip) && seen.add(s.tip)).map((s) => ({ node: s.tip, total: this.want(s.tip) }));
      }
    }
    return null;
  }

  ended(): EndReason {
    return this.end;
  }

  /** Null while some node can still grow; else why none can (only the depth cap, or nothing at all). */
  private dead(root: SearchNode): EndReason | null {
    let capped = false;
    for (const stack = [root]; stack.length;) {
      const n = stack.pop()!;
      if (n.terminal || n.failed !== null || this.flags.has(n, EXHAUSTED)) continue;
      if (n.depth >= this.c.maxDepth) {
        capped = true;
        continue;
      }
      if (!this.flags.has(n, EXPANDED) || this.c.widening) return null;
      for (const k of n.children) if (usable(k)) stack.push(k);
    }
    return capped ? 'maxDepth' : 'exhausted';
  }

  observe(ctx: StrategyContext, results: readonly ExpansionResult[]): void {
    const byNode = resultsOf(results);
    if (this.rollouts.length) {
      const ended = new Set<Sim>();
      for (const s of this.rollouts) {
        const next = byNode(s.tip)?.children[0];
        if (next) s.tip = next;
        if (!next || next.terminal || next.depth >= this.c.maxDepth) ended.add(s);
      }
      this.rollouts = this.rollouts.filter((s) => !ended.has(s));
      for (const s of ended) this.backup(ctx, s.path, s.tip.value ?? 0);
      return;
    }
    for (const s of this.pending) {
      const r = byNode(s.tip);
      const widening = this.flags.has(s.tip, EXPANDED);
      this.flags.set(s.tip, EXPANDED);
      if (r && s.tip.children.length <= s.before!) {
        const m = (this.misses.get(s.tip) ?? 0) + 1;
        this.misses.set(s.tip, m);
        if (!widening || m >= 3 || r.failed) this.flags.set(s.tip, EXHAUSTED); // the policy has nothing new to give
      } else if (this.misses.size) this.misses.delete(s.tip);
      // the best unvisited new child, else the best child
      const kids = r ? r.children : [];
      const best = first(kids, (k) => k.visits === 0) ?? first(kids, () => true);
      if (!best) {
        this.backup(ctx, s.path, s.tip.value ?? 0);
        continue;
      }
      const path = s.path; // this simulation's own path: extended in place
      path.push(best);
      if (this.c.rollout && !best.terminal && best.depth < this.c.maxDepth) this.rollouts.push({ path, tip: best });
      else this.backup(ctx, path, best.value ?? 0);
    }
    this.pending = [];
  }

  pick(ctx: StrategyContext): SearchNode | null {
    let n = ctx.tree.root;
    while (!n.terminal) {
      const kids = n.children.filter((k) => k.visits > 0);
      if (!kids.length) return null; // fall back to final selection over terminals
      n = kids.reduce((b, k) => (this.better(k, b) ? k : b));
    }
    return n.failed === null && n.score !== null ? n : null;
  }

  private better(a: SearchNode, b: SearchNode): boolean {
    const qa = a.w / a.visits,
      qb = b.w / b.visits;
    if (this.c.finalPick === 'visits' && a.visits !== b.visits) return a.visits > b.visits;
    return qa > qb || (qa === qb && a.order < b.order);
  }

  /** Proposals to have asked for at a leaf: its width, and under widening always one more than already asked. */
  private want(n: SearchNode): number {
    return this.flags.has(n, EXPANDED) ? Math.max(this.width(n), n.requested + 1) : this.width(n);
  }

  private width(n: SearchNode): number {
    if (!this.c.widening) return this.c.expansionWidth;
    return Math.max(1, Math.ceil(this.c.widening.c * Math.pow(n.visits + 1, this.c.widening.alpha)));
  }

  private canGrow(n: SearchNode): boolean {
    if (n.terminal || n.failed !== null || n.depth >= this.c.maxDepth || this.flags.has(n, EXHAUSTED)) return false;
    if (!this.flags.has(n, EXPANDED)) return true;
    return this.c.widening !== null && n.children.length < this.width(n);
  }

  /** Descends from the root, adding virtual loss along the way so parallel simulations spread out. */
  private select(root: SearchNode, virtual: boolean): SearchNode[] {
    const path = [root];
    const puct = this.c.formula === 'puct';
    let n = root;
    while (this.flags.has(n, EXPANDED) && !this.canGrow(n)) {
      const next = puct ? this.bestPuct(n) : this.bestUct(n);
      if (next === null) break;
      n = next;
      path.push(n);
    }
    if (virtual && this.c.virtualLoss > 0) for (const p of path) this.inflight.set(p, (this.inflight.get(p) ?? 0) + 1);
    return path;
  }

  /** The child with the highest Q + c·√(ln N / (1 + n)); one pass, as UCT has no prior (selection is the part of a simulation that grows with the tree). */
  private bestUct(n: SearchNode): SearchNode | null {
    const c = this.c.cPuct;
    const lnN = Math.log(this.visits(n) + 1);
    let best: SearchNode | null = null,
      bestU = -Infinity;
    for (const k of n.children) {
      if (!usable(k)) continue;
      const kv = this.visits(k);
      const u = (kv > 0 ? k.w / kv : (k.value ?? 0)) + c * Math.sqrt(lnN / (1 + kv));
      if (u > bestU) ((bestU = u), (best = k));
      else best ??= k; // see bestPuct
    }
    return best;
  }

  /** The child with the highest Q + c_puct·P·√N / (1 + n): one pass for the prior's softmax normaliser, one to pick. */
  private bestPuct(n: SearchNode): SearchNode | null {
    const kids = n.children;
    let count = 0,
      maxP = -Infinity,
      fromLogprob = this.c.prior === 'logprob';
    for (const k of kids) {
      if (!usable(k)) continue;
      count++;
      if (k.prior === null) fromLogprob = false;
      else if (k.prior > maxP) maxP = k.prior;
    }
    if (!count) return null;
    let z = 0;
    if (fromLogprob) for (const k of kids) if (usable(k)) z += Math.exp(k.prior! - maxP);
    const sqrtN = Math.sqrt(Math.max(1, this.visits(n)));
    let best: SearchNode | null = null,
      bestU = -Infinity;
    for (const k of kids) {
      if (!usable(k)) continue;
      const kv = this.visits(k);
      const q = kv > 0 ? k.w / kv : (k.value ?? 0);
      const p = fromLogprob ? Math.exp(k.prior! - maxP) / z : 1 / count;
      const u = q + (this.c.cPuct * p * sqrtN) / (1 + kv);
      if (u > bestU) ((bestU = u), (best = k));
      else best ??= k; // a NaN score (every logprob -Infinity) never compares: the first usable child stands in until one does
    }
    return best;
  }

  /** Visits plus virtual loss for the paths selected so far this wave. */
  private visits(n: SearchNode): number {
    const f = this.inflight.size ? this.inflight.get(n) : undefined;
    return f === undefined ? n.visits : n.visits + this.c.virtualLoss * f;
  }

  /** Only a map with entries is cleared: V8's Map.clear makes a new table even for an empty map (about 100 B a wave). */
  private clearVirtualLoss(): void {
    if (this.inflight.size) this.inflight.clear();
  }

  private backup(ctx: StrategyContext, path: SearchNode[], v: number): void {
    const listen = ctx.events.listenerCount('backup') > 0;
    for (const n of path) {
      n.visits++;
      n.w += v;
      if (listen) ctx.events.emit('backup', { nodeId: ctx.tree.idOf(n), value: v, visits: n.visits });
    }
  }
}

/** The first of `kids` under byValue that passes `ok` (a scan: byValue is a total order, so this is the sort's head). */
function first(kids: readonly SearchNode[], ok: (k: SearchNode) => boolean): SearchNode | undefined {
  let best: SearchNode | undefined;
  for (const k of kids) if (ok(k) && (best === undefined || byValue(k, best) < 0)) best = k;
  return best;
}

/** Each planned node's result: a scan for the usual handful, a map for a wide wave. */
function resultsOf(results: readonly ExpansionResult[]): (n: SearchNode) => ExpansionResult | undefined {
  if (results.length <= 8)
    return (n) => {
      for (const r of results) if (r.node === n) return r;
      return undefined;
    };
  const m = new Map(results.map((r) => [r.node, r]));
  return (n) => m.get(n);
}

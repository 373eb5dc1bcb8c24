import { bestOfK } from './bestofk.ts';
import { quantileBins } from './bins.ts';
import { pairedBootstrap, pairedDifferences, type Interval } from './bootstrap.ts';
import { prmLabel, type SweepConfig } from './config.ts';
import { computeOptimal, type Outcome } from './frontier.ts';
import { pairedAgainst, type PairedRow } from './paired.ts';
import { tokenGrid, withinCap, type CostedPoint } from './tokenfrontier.ts';
import { passAtK } from './passk.ts';
import type { SweepItem } from './sources.ts';
import type { PoolRow, Row, RunRow } from './sweep.ts';
import { voteAtK, type VoteRule } from './vote.ts';

/** One point of a curve: a method at a budget, with its interval and its cost on every budget axis. */
export interface Point {
  readonly prm: string;
  readonly method: string;
  /** `search`: one search per problem and seed; `pool`: an estimator over the pool; `oracle`: pass@n. */
  readonly kind: 'search' | 'pool' | 'oracle';
  readonly n: number;
  readonly accuracy: Interval;
  readonly tokens: number;
  readonly policyCalls: number;
  readonly prmCalls: number;
  readonly problems: number;
  readonly seeds: number;
}

export interface FrontierRow {
  readonly prm: string;
  readonly bin: string;
  readonly n: number;
  readonly frontier: number;
  /** Bootstrap interval of the frontier's own accuracy (over problems). */
  readonly interval?: Interval;
  readonly chosen: readonly string[];
  /** Each single method on the same problems: its accuracy and (method − frontier) with a paired interval. */
  readonly methods: readonly { readonly method: string; readonly accuracy: number; readonly diff: Interval }[];
}

/** The frontier per token budget: each method at its largest N whose mean generated tokens fit `cap`. */
export interface TokenFrontierRow {
  readonly prm: string;
  readonly bin: string;
  readonly cap: number;
  readonly frontier: number;
  readonly interval: Interval;
  readonly chosen: readonly string[];
  readonly methods: readonly { readonly method: string; readonly n: number; readonly tokens: number; readonly accuracy: number; readonly diff: Interval }[];
}

export const POOL_METHODS: Record<'best' | VoteRule, string> = { best: 'best-of-n (PRM argmax)', majority: 'majority vote', weighted: 'PRM-weighted vote' };
export const ORACLE = 'pass@n (oracle)';

type Matrix = number[][];
/** Per method and budget: value[problem][seed] and mean costs. */
type Cell = { values: Map<string, Map<number, number>>; cost: { tokens: number; policyCalls: number; prmCalls: number; count: number } };

const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);

/** Curves and frontier from the rows of a sweep (or a replay's pools). */
export function analyze(
  c: SweepConfig,
  items: readonly SweepItem[],
  rows: readonly Row[],
): { points: Point[]; frontier: FrontierRow[]; tokenFrontier: TokenFrontierRow[]; paired: PairedRow[]; bins: Record<string, Record<string, string[]>> } {
  const points: Point[] = [];
  const paired: PairedRow[] = [];
  const frontier: FrontierRow[] = [];
  const tokenFrontier: TokenFrontierRow[] = [];
  const bins: Record<string, Record<string, string[]>> = {};
  const prms = [...new Set(rows.map((r) => r.prm))];
  for (const prm of prms) {
    const cells = new Map<string, Cell>();
    const put = (method: string, n: number, problem: string, seed: number, v: number, cost: { tokens: number; policyCalls: number; prmCalls: number }) => {
      const k = `${method}\u0000${n}`;
      const cell = cells.get(k) ?? { values: new Map(), cost: { tokens: 0, policyCalls: 0, prmCalls: 0, count: 0 } };
      const byP = cell.values.get(problem) ?? new Map<number, number>();
      byP.set(seed, v);
      cell.values.set(problem, byP);
      cell.cost.tokens += cost.tokens;
      cell.cost.policyCalls += cost.policyCalls;
      cell.cost.prmCalls += cost.prmCalls;
      cell.cost.count++;
      cells.set(k, cell);
    };
    for (const r of rows) if (r.prm === prm && r.kind === 'run') put(r.strategy, r.budget, r.problem, r.seed, r.correct ? 1 : 0, r);
    const pools = rows.filter((r): r is PoolRow => r.prm === prm && r.kind === 'pool');
    for (const p of pools) poolCells(c, p, put);
    const kindOf = (m: string): Point['kind'] => (m === ORACLE ? 'oracle' : Object.values(POOL_METHODS).includes(m) ? 'pool' : 'search');
    for (const [k, cell] of [...cells.entries()].sort()) {
      const [method, n] = [k.split('\u0000')[0]!, Number(k.split('\u0000')[1])];
      const m = matrix(cell);
      const iv = pairedBootstrap({ m }, { resamples: c.bootstrap.resamples, seed: c.bootstrap.seed })['m']!;
      const cnt = cell.cost.count;
      points.push({
        prm,
        method,
        kind: kindOf(method),
        n,
        accuracy: iv,
        tokens: cell.cost.tokens / cnt,
        policyCalls: cell.cost.policyCalls / cnt,
        prmCalls: cell.cost.prmCalls / cnt,
        problems: m.length,
        seeds: m[0]?.length ?? 0,
      });
    }
    // the PRM's own picks against majority vote, the baseline that needs no PRM (same pool, same n)
    const voteNs = [...cells.keys()].filter((k) => k.startsWith(`${POOL_METHODS.majority}\u0000`)).map((k) => Number(k.split('\u0000')[1]));
    const valuesAt = (method: string, n: number) => cells.get(`${method}\u0000${n}`)?.values;
    const bs = { resamples: c.bootstrap.resamples, seed: c.bootstrap.seed };
    paired.push(
      ...pairedAgainst(
        prm,
        POOL_METHODS.majority,
        [POOL_METHODS.best, POOL_METHODS.weighted],
        voteNs.sort((a, b) => a - b),
        valuesAt,
        bs,
      ),
    );
    const binOf = binning(c, items, pools);
    bins[prm] = Object.fromEntries(binOf);
    frontier.push(...frontierRows(c, prm, cells, binOf));
    tokenFrontier.push(...tokenFrontierRows(c, prm, cells, binOf));
  }
  return { points, frontier, tokenFrontier, paired, bins };
}

/** Pool estimators at every n ≤ N (votes only at the configured budgets: they cost k per subset). */
function poolCells(
  c: SweepConfig,
  p: PoolRow,
  put: (m: string, n: number, problem: string, seed: number, v: number, cost: { tokens: number; policyCalls: number; prmCalls: number }) => void,
): void {
  const N = p.samples.length;
  const scored = p.samples.map(([, score, correct]) => ({ score, correct }));
  const votes = p.samples.map(([answer, score, correct]) => ({ answer, score, correct }));
  const right = scored.filter((s) => s.correct).length;
  // the pool's cost, pro rata: n of its N samples
  const per = (n: number) => ({ tokens: (p.tokens * n) / N, policyCalls: (p.policyCalls * n) / N, prmCalls: (p.prmCalls * n) / N });
  for (let n = 1; n <= N; n++) {
    put(POOL_METHODS.best, n, p.problem, p.seed, bestOfK(scored, n), per(n));
    put(ORACLE, n, p.problem, p.seed, passAtK(N, right, n), per(n));
  }
  for (const rule of c.pool?.votes ?? ['majority', 'weighted'])
    for (const n of voteBudgets(c, N)) put(POOL_METHODS[rule], n, p.problem, p.seed, voteAtK(votes, n, rule, { seed: `${p.problem}/${p.seed}` }).value, per(n));
}

const voteBudgets = (c: SweepConfig, N: number) =>
  [...new Set([...(c.budgets.axis === 'n' ? c.budgets.values : []), 1, N])].filter((n) => n <= N).sort((a, b) => a - b);

/** value[problem][seed] over problems that have every seed of the cell. */
function matrix(cell: Cell): Matrix {
  const seeds = [...new Set([...cell.values.values()].flatMap((m) => [...m.keys()]))].sort((a, b) => a - b);
  return [...cell.values.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .filter(([, m]) => seeds.every((s) => m.has(s)))
    .map(([, m]) => seeds.map((s) => m.get(s)!));
}

/** Problem → difficulty bin labels, one per configured kind ('all' is added by the frontier). */
function binning(c: SweepConfig, items: readonly SweepItem[], pools: readonly PoolRow[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (id: string, label: string) => out.set(id, [...(out.get(id) ?? []), label]);
  for (const kind of c.bins) {
    if (kind === 'steps') for (const it of items) add(it.id, `steps ${it.steps ?? '?'}`);
    else if (kind === 'level') for (const it of items) add(it.id, `level ${it.level ?? '?'}`);
    else {
      const byP = new Map<string, number[]>();
      for (const p of pools) {
        const v = kind === 'oracle' ? mean(p.samples.map((s) => (s[2] ? 1 : 0))) : mean(p.samples.map((s) => s[1]));
        byP.set(p.problem, [...(byP.get(p.problem) ?? []), v]);
      }
      for (const [id, b] of quantileBins(
        [...byP.entries()].map(([id, v]) => ({ id, value: mean(v) })),
        5,
      ))
        add(id, `${kind} q${b}`);
    }
  }
  return out;
}

/** value per problem (mean over seeds) and mean tokens of every non-oracle cell, grouped by method. */
function columns(cells: Map<string, Cell>): Map<string, CostedPoint[]> {
  const out = new Map<string, CostedPoint[]>();
  for (const [k, cell] of cells) {
    const [method, n] = [k.split('\u0000')[0]!, Number(k.split('\u0000')[1])];
    if (method === ORACLE) continue; // pass@n needs the answer key: not a strategy one could run
    const perProblem = new Map([...cell.values].map(([problem, bySeed]) => [problem, mean([...bySeed.values()])] as const));
    out.set(method, [...(out.get(method) ?? []), { n, tokens: cell.cost.tokens / cell.cost.count, perProblem }]);
  }
  return out;
}

/** Per-N frontier: budget = N, each method at that N. */
function frontierRows(c: SweepConfig, prm: string, cells: Map<string, Cell>, binOf: Map<string, string[]>): FrontierRow[] {
  const byN = new Map<number, Map<string, CostedPoint>>();
  for (const [method, pts] of columns(cells)) for (const p of pts) byN.set(p.n, (byN.get(p.n) ?? new Map()).set(method, p));
  // a PRM run only at some budgets (`prms[i].budgets`) has a frontier only there: elsewhere only pool estimators would compete
  const only = c.prms.find((p) => prmLabel(p) === prm)?.budgets;
  const budgets = new Set(c.budgets.axis === 'n' ? c.budgets.values.filter((n) => !only || only.includes(n)) : []);
  return frontierAt(c, binOf, new Map([...byN].filter(([n]) => budgets.has(n)))).map(({ budget, methods, ...r }) => ({
    prm,
    n: budget,
    ...r,
    methods: methods.map(({ method, accuracy, diff }) => ({ method, accuracy, diff })),
  }));
}

/** Per-token-budget frontier: for each cap, each method at its largest N whose mean cost fits the cap. */
function tokenFrontierRows(c: SweepConfig, prm: string, cells: Map<string, Cell>, binOf: Map<string, string[]>): TokenFrontierRow[] {
  const cols = columns(cells);
  const caps = tokenGrid(
    [...cols.values()].flat().map((p) => p.tokens),
    c.budgets.axis === 'tokens' ? c.budgets.values : undefined,
  );
  const byCap = new Map<number, Map<string, CostedPoint>>();
  for (const cap of caps)
    for (const [method, pts] of cols) {
      const p = withinCap(pts, cap);
      if (p) byCap.set(cap, (byCap.get(cap) ?? new Map()).set(method, p));
    }
  return frontierAt(c, binOf, byCap).map(({ budget, ...r }) => ({ prm, cap: budget, ...r }));
}

interface GenericRow {
  readonly bin: string;
  readonly budget: number;
  readonly frontier: number;
  readonly interval: Interval;
  readonly chosen: readonly string[];
  readonly methods: readonly { method: string; n: number; tokens: number; accuracy: number; diff: Interval }[];
}

/**
 * The 2-fold compute-optimal choice per (bin, budget) among the methods' points at that budget, with
 * the frontier's own interval and each method's paired difference to it on the same problems.
 */
function frontierAt(c: SweepConfig, binOf: Map<string, string[]>, at: Map<number, Map<string, CostedPoint>>): GenericRow[] {
  const outcomes: Outcome[] = [];
  for (const [budget, methods] of at)
    for (const [method, p] of methods)
      for (const [problem, v] of p.perProblem) {
        for (const bin of binOf.get(problem) ?? []) outcomes.push({ problem, bin, budget, config: method, value: v });
        outcomes.push({ problem, bin: 'all', budget, config: method, value: v });
      }
  if (!outcomes.length) return [];
  // one 2-fold split per kind of binning: halves are stratified by bin, and a problem sits in one bin per kind
  const groups = new Map<string, Outcome[]>();
  for (const o of outcomes) {
    const g = o.bin.split(' ')[0]!;
    if (!groups.has(g)) groups.set(g, []);
    groups.get(g)!.push(o);
  }
  const bs = { resamples: c.bootstrap.resamples, seed: c.bootstrap.seed };
  return [...groups.values()]
    .flatMap((g) => computeOptimal(g, { seed: c.bootstrap.seed }))
    .filter((pt) => pt.perProblem.size > 0)
    .map((pt) => {
      const ids = [...pt.perProblem.keys()].sort();
      const methods = [...(at.get(pt.budget) ?? new Map<string, CostedPoint>())].filter(([, p]) => ids.every((id) => p.perProblem.has(id)));
      const values: Record<string, number[][]> = { '\u0000frontier': ids.map((id) => [pt.perProblem.get(id)!]) };
      for (const [method, p] of methods) values[method] = ids.map((id) => [p.perProblem.get(id)!]);
      const diffs = pairedDifferences(values, '\u0000frontier', bs);
      return {
        bin: pt.bin,
        budget: pt.budget,
        frontier: pt.value,
        interval: pairedBootstrap({ f: values['\u0000frontier']! }, bs)['f']!,
        chosen: pt.folds.map((f) => f.chosen),
        methods: methods
          .map(([method, p]) => ({ method, n: p.n, tokens: p.tokens, accuracy: mean(values[method]!.map((r) => r[0]!)), diff: diffs[method]! }))
          .sort((a, b) => b.accuracy - a.accuracy),
      };
    });
}

export type { RunRow };

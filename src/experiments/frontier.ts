import seedrandom from 'seedrandom';
import { InvalidOptionError } from '../core/errors.ts';

/** One measured cell: a configuration's mean outcome (over seeds) on one problem at one budget. */
export interface Outcome {
  readonly problem: string;
  readonly bin: string;
  readonly budget: number;
  /** Strategy and hyper-parameters, e.g. `beam n=16 M=4`. */
  readonly config: string;
  readonly value: number;
}

/** Picks a configuration per `bin|budget` key from the rows it is given (and only those). */
export type Chooser = (rows: readonly Outcome[]) => Map<string, string>;

export interface FrontierPoint {
  readonly bin: string;
  readonly budget: number;
  /** The configuration chosen on each fold's selection half, and the accuracy it got on the other half. */
  readonly folds: readonly { readonly chosen: string; readonly reported: number; readonly problems: number }[];
  /** Mean over both report halves, i.e. over every problem of the bin, each reported once. */
  readonly value: number;
  /** Per-problem outcome of the frontier (for paired intervals against single strategies). */
  readonly perProblem: ReadonlyMap<string, number>;
}

const key = (bin: string, budget: number) => `${bin}|${budget}`;

/** Highest mean on the rows given; ties by configuration name, so the choice is deterministic. */
export const chooseBest: Chooser = (rows) => {
  const sums = new Map<string, Map<string, { s: number; n: number }>>();
  for (const r of rows) {
    const k = key(r.bin, r.budget);
    const m = sums.get(k) ?? new Map();
    const c = m.get(r.config) ?? { s: 0, n: 0 };
    c.s += r.value;
    c.n++;
    m.set(r.config, c);
    sums.set(k, m);
  }
  const out = new Map<string, string>();
  for (const [k, m] of sums) {
    const best = [...m.entries()].map(([c, v]) => [c, v.s / v.n] as const).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]!;
    out.set(k, best[0]);
  }
  return out;
};

/** Two halves of the problems, stratified by bin, from a seeded shuffle. */
export function splitHalves(rows: readonly Outcome[], seed: string | number = 0): [Set<string>, Set<string>] {
  const byBin = new Map<string, string[]>();
  for (const r of rows) {
    const l = byBin.get(r.bin) ?? [];
    if (!l.includes(r.problem)) l.push(r.problem);
    byBin.set(r.bin, l);
  }
  const a = new Set<string>();
  const b = new Set<string>();
  for (const [bin, ids] of [...byBin.entries()].sort()) {
    const rng = seedrandom(`halves/${seed}/${bin}`);
    const s = [...ids].sort();
    for (let i = s.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [s[i], s[j]] = [s[j]!, s[i]!];
    }
    s.forEach((id, i) => (i % 2 === 0 ? a : b).add(id));
  }
  return [a, b];
}

/**
 * Compute-optimal frontier (Snell et al. 2024), 2-fold: per (bin, budget) the configuration is chosen
 * on one half of the problems and reported on the other, then the halves swap; the reported values are
 * averaged over every problem. The chooser only ever receives rows of its selection half.
 */
export function computeOptimal(rows: readonly Outcome[], o: { seed?: string | number; choose?: Chooser } = {}): FrontierPoint[] {
  if (rows.length === 0) throw new InvalidOptionError('frontier.rows', 'no outcomes');
  const choose = o.choose ?? chooseBest;
  const halves = splitHalves(rows, o.seed);
  const points = new Map<string, { bin: string; budget: number; folds: FrontierPoint['folds'][number][]; per: Map<string, number> }>();
  for (const [sel, rep] of [
    [halves[0], halves[1]],
    [halves[1], halves[0]],
  ] as const) {
    const chosen = choose(rows.filter((r) => sel.has(r.problem)));
    const reported = new Map<string, Map<string, number>>();
    for (const r of rows) {
      if (!rep.has(r.problem) || chosen.get(key(r.bin, r.budget)) !== r.config) continue;
      const m = reported.get(key(r.bin, r.budget)) ?? new Map<string, number>();
      m.set(r.problem, r.value);
      reported.set(key(r.bin, r.budget), m);
    }
    for (const [k, config] of chosen) {
      const [bin, budget] = [k.slice(0, k.lastIndexOf('|')), Number(k.slice(k.lastIndexOf('|') + 1))];
      const m = reported.get(k) ?? new Map<string, number>();
      const pt = points.get(k) ?? { bin, budget, folds: [], per: new Map<string, number>() };
      const vals = [...m.values()];
      pt.folds.push({ chosen: config, reported: vals.length ? vals.reduce((a, b) => a + b, 0) / vals.length : NaN, problems: vals.length });
      for (const [p, v] of m) pt.per.set(p, v);
      points.set(k, pt);
    }
  }
  return [...points.values()]
    .map((p) => ({
      bin: p.bin,
      budget: p.budget,
      folds: p.folds,
      perProblem: p.per,
      value: [...p.per.values()].reduce((a, b) => a + b, 0) / Math.max(1, p.per.size),
    }))
    .sort((a, b) => (a.bin < b.bin ? -1 : a.bin > b.bin ? 1 : a.budget - b.budget));
}

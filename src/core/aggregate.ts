import { InvalidOptionError } from './errors.ts';

/**
 * How step scores along a path combine into one value. One registry, used by the strategies to rank
 * nodes and by final selection and evaluation alike.
 * `extend` lets the engine keep values incremental (O(1) per node); without it `of` gets all scores.
 */
export interface Aggregation {
  readonly name: string;
  of(scores: readonly number[]): number;
  extend?(parentValue: number, depth: number, score: number): number;
}

const clamp = (s: number) => (s < 0 ? 0 : s > 1 ? 1 : s);

export const aggregations = {
  last: { name: 'last', of: (s) => (s.length ? s[s.length - 1]! : 0), extend: (_p, _d, s) => s },
  min: { name: 'min', of: (s) => (s.length ? Math.min(...s) : 0), extend: (p, d, s) => (d === 1 ? s : Math.min(p, s)) },
  prod: { name: 'prod', of: (s) => s.reduce((a, b) => a * b, 1), extend: (p, d, s) => (d === 1 ? s : p * s) },
  mean: {
    name: 'mean',
    of: (s) => (s.length ? s.reduce((a, b) => a + b, 0) / s.length : 0),
    extend: (p, d, s) => (d === 1 ? s : (p * (d - 1) + s) / d),
  },
  geomean: {
    name: 'geomean',
    of: (s) => (s.length ? Math.exp(s.reduce((a, b) => a + Math.log(clamp(b)), 0) / s.length) : 0),
    // a zero anywhere keeps the geometric mean at zero
    extend: (p, d, s) => (d === 1 ? clamp(s) : p === 0 || s <= 0 ? 0 : Math.exp((Math.log(p) * (d - 1) + Math.log(clamp(s))) / d)),
  },
} satisfies Record<string, Aggregation>;

export type AggregationName = keyof typeof aggregations;
/** A registry name, an Aggregation, or a user function over the path's step scores. */
export type AggregationSpec = AggregationName | Aggregation | ((scores: readonly number[]) => number);

export function getAggregation(spec: AggregationSpec, option = 'aggregation'): Aggregation {
  if (typeof spec === 'function') return { name: spec.name || 'user', of: spec };
  if (typeof spec === 'object' && spec && typeof spec.of === 'function') return spec;
  if (typeof spec === 'string' && Object.hasOwn(aggregations, spec)) return aggregations[spec as AggregationName];
  throw new InvalidOptionError(option, `expected one of ${Object.keys(aggregations).join(', ')} or a function, got ${JSON.stringify(spec)}`);
}

/** A finished trajectory offered to final selection. `count` is how many samples it stands for. */
export interface Candidate {
  readonly nodeId: string;
  readonly answer: string | null;
  readonly value: number;
  readonly count: number;
}

export interface RankedCandidate extends Candidate {
  /** The score the selection ranked by (value, votes, or weighted votes of this answer). */
  readonly selectionScore: number;
}

/** Each candidate's selection score, in input order: value, votes, or weighted votes of its answer. */
export const selectionScores = {
  best: (c: readonly Candidate[]) => c.map((x) => x.value),
  majority: (c: readonly Candidate[]) => tally(c, (x) => x.count),
  weighted: (c: readonly Candidate[]) => tally(c, (x) => x.value * x.count),
} satisfies Record<string, (c: readonly Candidate[]) => number[]>;

/** Final selection over terminal candidates: best value, majority vote, or PRM-weighted vote. */
export const selections = {
  best: (c: readonly Candidate[]) => rank(c, selectionScores.best(c)),
  majority: (c: readonly Candidate[]) => rank(c, selectionScores.majority(c)),
  weighted: (c: readonly Candidate[]) => rank(c, selectionScores.weighted(c)),
} satisfies Record<keyof typeof selectionScores, (c: readonly Candidate[]) => RankedCandidate[]>;

export type SelectionName = keyof typeof selections;

export function getSelection(name: string, option = 'selection'): (c: readonly Candidate[]) => RankedCandidate[] {
  return selections[selectionName(name, option)];
}

/** `name` as a SelectionName, or an InvalidOptionError naming `option`. */
export function selectionName(name: string, option = 'selection'): SelectionName {
  if (Object.hasOwn(selections, name)) return name as SelectionName;
  throw new InvalidOptionError(option, `expected one of ${Object.keys(selections).join(', ')}, got ${JSON.stringify(name)}`);
}

/** Normalises an answer for voting: trims, drops surrounding $ and \boxed{}, and trailing zeros after a point. */
export function answerKey(a: string | null): string {
  if (a === null) return '\u0000none';
  let s = a
    .trim()
    .replace(/^\$+|\$+$/g, '')
    .replace(/\s+/g, '');
  const boxed = /^\\boxed\{(.*)\}$/.exec(s);
  if (boxed) s = boxed[1]!;
  if (/^-?\d+\.\d*$/.test(s)) s = s.replace(/\.?0+$/, '');
  return s.replace(/,(?=\d{3}\b)/g, '');
}

// Ties break by value, then node id, so ranking is deterministic.
const byTie = (a: RankedCandidate, b: RankedCandidate) =>
  b.selectionScore - a.selectionScore || b.value - a.value || (a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0);

function rank(c: readonly Candidate[], scores: readonly number[]): RankedCandidate[] {
  return c.map((x, i) => ({ ...x, selectionScore: scores[i]! })).sort(byTie);
}

function tally(c: readonly Candidate[], w: (x: Candidate) => number): number[] {
  const keys = c.map((x) => answerKey(x.answer));
  const sum = new Map<string, number>();
  keys.forEach((k, i) => sum.set(k, (sum.get(k) ?? 0) + w(c[i]!)));
  return keys.map((k) => sum.get(k)!);
}

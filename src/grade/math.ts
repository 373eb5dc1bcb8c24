import { InvalidOptionError } from '../core/errors.ts';
import { normalizeMath } from './normalize.ts';
import { equals, parseExact, withinRelative, type Rational } from './rational.ts';
import { compareShapes, shapeOf, undecidedLeaves, type LeafMode, type LeafPair, type Shape, type Verdict } from './structure.ts';

/**
 * Stage 1 of the MATH grader: normalise, read the shape, and decide each scalar pair by normalised
 * text, exact rationals or plain words. What it cannot decide (symbolic expressions) is listed for
 * the symbolic stage. Pure and fast.
 */
export interface Stage1 {
  readonly verdict: Verdict;
  /** Which rule decided: `normalized`, `rational`, `text`, `structure`, or `undecided`. */
  readonly rule: string;
  readonly prediction: string;
  readonly reference: string;
  /** Scalar pairs left for the symbolic stage (empty unless the verdict is `unknown`). */
  readonly pending: readonly LeafPair[];
  readonly shapes: readonly [Shape, Shape];
}

/** Words only (names, days, "Yes"): two different ones are different answers. */
const PLAIN = /^[A-Za-z][A-Za-z' -]*$/;

/** Decides one scalar pair; `rules` collects which rule did. */
export function scalarStage1(a: string, b: string, mode: LeafMode = 'value', rules?: Set<string>, tol: Rational | null = null): Verdict {
  if (a === b) return (rules?.add('normalized'), 'equal');
  if (mode === 'equation') return 'unknown';
  const x = parseExact(a);
  const y = x && parseExact(b);
  if (x && y) return (rules?.add('rational'), equals(x, y) || (tol !== null && withinRelative(x, y, tol)) ? 'equal' : 'different');
  if (PLAIN.test(a) && PLAIN.test(b)) {
    rules?.add('text');
    // "Yes" is "yes", but the variables x and X are not the same
    return a.length > 1 && a.toLowerCase() === b.toLowerCase() ? 'equal' : 'different';
  }
  return 'unknown';
}

/** The tolerance as an exact rational; null for 0 (exact comparison). */
export function toleranceOf(t: number | undefined): Rational | null {
  if (t === undefined || t === 0) return null;
  const r = Number.isFinite(t) && t > 0 ? parseExact(String(t)) : null;
  if (!r) throw new InvalidOptionError('tolerance', `expected a finite number ≥ 0, got ${t}`);
  return r;
}

export function mathStage1(prediction: string, reference: string, tolerance?: number): Stage1 {
  const tol = toleranceOf(tolerance);
  const p = normalizeMath(prediction);
  const r = normalizeMath(reference);
  const shapes: [Shape, Shape] = [shapeOf(p), shapeOf(r)];
  const rules = new Set<string>();
  const verdict = p === r ? 'equal' : compareShapes(shapes[0], shapes[1], (a, b, mode) => scalarStage1(a, b, mode, rules, tol));
  if (p === r) rules.add('normalized');
  // no scalar rule fired: the shapes alone differ (a tuple against a set, lengths, bracket types)
  const rule = verdict === 'unknown' ? 'undecided' : rules.size === 0 ? 'structure' : [...rules].join('+');
  const pending = verdict === 'unknown' ? undecidedLeaves(shapes[0], shapes[1], (a, b, mode) => scalarStage1(a, b, mode, undefined, tol)) : [];
  return { verdict, rule, prediction: p, reference: r, pending, shapes };
}

/** Rerun the walk once the symbolic stage has decided the pending pairs. */
export function resolveWithSymbolic(s: Stage1, decided: ReadonlyMap<string, Verdict>, tolerance?: number): Verdict {
  const tol = toleranceOf(tolerance);
  return compareShapes(s.shapes[0], s.shapes[1], (a, b, mode) => {
    const v = scalarStage1(a, b, mode, undefined, tol);
    return v !== 'unknown' ? v : (decided.get(pairKey([a, b, mode])) ?? 'unknown');
  });
}

export const pairKey = ([a, b, mode]: LeafPair): string => `${mode}\u0000${a}\u0000${b}`;

import type { ComputeEngine } from '@cortex-js/compute-engine';
import type { LeafMode, Verdict } from './structure.ts';

/**
 * Stage 2 of the MATH grader on one scalar pair, with `@cortex-js/compute-engine` (tolerance 0, so
 * `2\pi` ≠ `6.2832`). Runs inside a worker (see pool.ts): some inputs hang or exhaust memory, and
 * only terminating the thread stops them.
 */
export interface SymbolicResult {
  readonly verdict: Verdict;
  /** Whether compute-engine parsed each side without an error node. */
  readonly parsed: readonly [boolean, boolean];
}

type Expr = NonNullable<ReturnType<ComputeEngine['parse']>>;

/** Structurally 0: `is(0)` compares numerically and calls 1/2004! − 1/2006! zero. */
function zero(e: Expr): boolean {
  return e.isSame(0);
}

/** A = 0 and B = 0 are one equation when A / B simplifies to a nonzero number. */
function sameEquation(ce: ComputeEngine, A: Expr, B: Expr): boolean {
  if (A.isSame(B)) return true;
  // simplify cancels one way and not the other ((x+y-3)/(2x+2y-6) stays, its inverse is 2): try both
  return [ce.box(['Divide', A, B]), ce.box(['Divide', B, A])].some((r) => {
    const q = r.simplify();
    // every boxed expression has `isNumberLiteral` at runtime; 0.140's Expression type omits it
    return (q as unknown as { isNumberLiteral: boolean }).isNumberLiteral === true && !q.isSame(0) && q.isFinite === true;
  });
}

/** Both evaluate to finite numbers within `tol` (relative); two values that underflow to 0 are not "equal". */
function numericallyClose(A: Expr, B: Expr, tol: number): boolean {
  const [x, y] = [A.N(), B.N()];
  const v = [x.re, x.im, y.re, y.im];
  if (!v.every(Number.isFinite)) return false;
  const d = Math.hypot(v[0]! - v[2]!, v[1]! - v[3]!);
  const m = Math.max(Math.hypot(v[0]!, v[1]!), Math.hypot(v[2]!, v[3]!));
  return m > 0 && d <= tol * m;
}

export function compareSymbolic(ce: ComputeEngine, a: string, b: string, mode: LeafMode = 'value', tol = 0): SymbolicResult {
  const A = ce.parse(a);
  const B = ce.parse(b);
  const parsed = [A.isValid, B.isValid] as const;
  if (!A.isValid || !B.isValid) return { verdict: 'unknown', parsed };
  if (mode === 'equation') return { verdict: sameEquation(ce, A, B) ? 'equal' : 'different', parsed };
  if (A.isSame(B)) return { verdict: 'equal', parsed };
  if (A.simplify().isSame(B.simplify())) return { verdict: 'equal', parsed };
  // polynomials in another order or factored: the expanded difference is 0
  const diff = ce.box(['Subtract', A, B]);
  if (zero(diff.simplify()) || zero(ce.function('Expand', [diff]).evaluate().simplify())) return { verdict: 'equal', parsed };
  if (A.isEqual(B) === true) return { verdict: 'equal', parsed };
  return { verdict: tol > 0 && numericallyClose(A, B, tol) ? 'equal' : 'different', parsed };
}

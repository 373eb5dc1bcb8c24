import type { ComputeEngine } from '@cortex-js/compute-engine';
import type { Verdict } from './structure.ts';

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

function zero(e: Expr): boolean {
  return e.isSame(0) || e.is(0);
}

export function compareSymbolic(ce: ComputeEngine, a: string, b: string): SymbolicResult {
  const A = ce.parse(a);
  const B = ce.parse(b);
  const parsed = [A.isValid, B.isValid] as const;
  if (!A.isValid || !B.isValid) return { verdict: 'unknown', parsed };
  if (A.isSame(B)) return { verdict: 'equal', parsed };
  if (A.simplify().isSame(B.simplify())) return { verdict: 'equal', parsed };
  // polynomials in another order or factored: the expanded difference is 0
  const diff = ce.box(['Subtract', A, B]);
  if (zero(diff.simplify()) || zero(ce.function('Expand', [diff]).evaluate().simplify())) return { verdict: 'equal', parsed };
  return { verdict: A.isEqual(B) === true ? 'equal' : 'different', parsed };
}

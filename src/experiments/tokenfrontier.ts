/** A method's measured point at one N: its mean generated tokens per problem and per-problem outcomes. */
export interface CostedPoint {
  readonly n: number;
  readonly tokens: number;
  readonly perProblem: ReadonlyMap<string, number>;
}

/**
 * Token caps for the per-budget frontier: the configured token budgets when the sweep's axis is
 * tokens, else powers of two from the cheapest point's cost up to the dearest's (so every point
 * falls under some cap and the largest cap admits every method's largest point).
 */
export function tokenGrid(tokens: readonly number[], configured?: readonly number[]): number[] {
  if (configured?.length) return [...new Set(configured)].sort((a, b) => a - b);
  const pos = tokens.filter((t) => t > 0 && Number.isFinite(t));
  if (!pos.length) return [];
  const lo = Math.ceil(Math.log2(Math.min(...pos)));
  const hi = Math.ceil(Math.log2(Math.max(...pos)));
  return Array.from({ length: hi - lo + 1 }, (_, i) => 2 ** (lo + i));
}

/**
 * The point a method runs at under a token cap: its largest N whose mean cost fits the cap (the
 * budget one would set in advance; more N is not always better, but the cap is what the user fixes).
 * Undefined when even its smallest point costs more than the cap.
 */
export function withinCap(points: readonly CostedPoint[], cap: number): CostedPoint | undefined {
  let best: CostedPoint | undefined;
  for (const p of points) if (p.tokens <= cap && (!best || p.n > best.n)) best = p;
  return best;
}

/**
 * Numbers in solution text, for the simulated policy's corruptions: find them, change one, carry the change
 * through later steps (re-evaluating GSM8K calculator annotations `<<expr=result>>`), and recover what was
 * changed by comparing a proposed step with its reference.
 */

/** A number token: digits with optional thousands commas and decimals, not part of a word or a longer number (`\frac12` counts). */
const NUM = /(?:(?<![\w.,])|(?<=\\[dt]?frac))(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d,])|\d+(?:\.\d+)?(?!\d))/g;

/** Canonical value of a token ("1,000" → "1000", "18.00" → "18"). */
export const canonical = (tok: string): string => String(Number(tok.replace(/,/g, '')));

export interface NumToken {
  readonly text: string;
  readonly at: number;
}
export function numberTokens(text: string): NumToken[] {
  return [...text.matchAll(NUM)].map((m) => ({ text: m[0], at: m.index! }));
}

/** Old canonical value → new value text. */
export type ValueMap = Map<string, string>;

/** Replace every number whose value is in the map, keeping the rest of the text byte for byte. */
export function applyMap(text: string, map: ValueMap): string {
  if (map.size === 0) return text;
  return text.replace(NUM, (tok) => map.get(canonical(tok)) ?? tok);
}

const ANNOT = /<<([^<>=]*)=([^<>]*)>>/g;
export const stripAnnotations = (text: string): string => text.replace(ANNOT, '');

/**
 * Rewrite one reference step under the values changed so far: annotation inputs are mapped, each annotation is
 * re-evaluated and, when its result moves, the result joins the map (a value already mapped keeps its mapping,
 * so an injected error is not "corrected"). Returns the rewritten text; `map` is extended in place.
 */
export function carry(step: string, map: ValueMap): string {
  for (const m of step.matchAll(ANNOT)) {
    const res = canonical(m[2]!.trim());
    if (map.has(res) || !Number.isFinite(Number(res))) continue;
    const v = evaluate(applyMap(m[1]!, map));
    if (v !== null && Math.abs(v - Number(res)) > 1e-9) map.set(res, format(v));
  }
  return applyMap(step, map);
}

export function format(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toFixed(4)));
}

/** Pairs (reference value → proposed value) where a proposed step's numbers differ from its reference's; null if they do not line up. */
export function diffNumbers(reference: string, proposed: string): [string, string][] | null {
  const a = numberTokens(reference),
    b = numberTokens(proposed);
  if (a.length !== b.length) return null;
  const out: [string, string][] = [];
  a.forEach((t, i) => {
    if (canonical(t.text) !== canonical(b[i]!.text)) out.push([canonical(t.text), b[i]!.text]);
  });
  return out;
}

/** Arithmetic of calculator annotations: + − * / ^ and parentheses over decimals; null when it does not parse. */
export function evaluate(expr: string): number | null {
  const src = expr.replace(/,/g, '').replace(/\s+/g, '');
  let i = 0;
  const peek = () => src[i];
  const num = (): number | null => {
    if (peek() === '(') {
      i++;
      const v = sum();
      if (peek() !== ')') return null;
      i++;
      return v;
    }
    if (peek() === '-') return (i++, neg(num()));
    const m = /^\d*\.?\d+/.exec(src.slice(i));
    if (!m) return null;
    i += m[0].length;
    return Number(m[0]);
  };
  const neg = (v: number | null) => (v === null ? null : -v);
  const pow = (): number | null => {
    const b = num();
    if (b === null || peek() !== '^') return b;
    i++;
    const e = pow();
    return e === null ? null : b ** e;
  };
  const prod = (): number | null => {
    let v = pow();
    while (v !== null && (peek() === '*' || peek() === '/')) {
      const op = src[i++];
      const r = pow();
      v = r === null ? null : op === '*' ? v * r : v / r;
    }
    return v;
  };
  const sum = (): number | null => {
    let v = prod();
    while (v !== null && (peek() === '+' || peek() === '-')) {
      const op = src[i++];
      const r = prod();
      v = r === null ? null : op === '+' ? v + r : v - r;
    }
    return v;
  };
  const v = sum();
  return v !== null && i === src.length && Number.isFinite(v) ? v : null;
}

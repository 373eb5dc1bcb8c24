/**
 * Exact rationals on BigInt, for grading: `0.5 = \frac{1}{2} = 1/2`, `18.00 = 18`, and no tolerance, so
 * `1/2004!`-sized differences are never rounded away. Parsing is bounded (digit count, exponent) so a
 * hostile answer cannot make BigInt arithmetic blow up.
 */
export interface Rational {
  readonly n: bigint;
  /** Always > 0; gcd(n, d) = 1. */
  readonly d: bigint;
}

/** Longest digit string parsed (BigInt parsing is superlinear; real answers are far shorter). */
const MAX_DIGITS = 2000;
/** Largest |k| in `a \times 10^{k}` / `ae k`. */
const MAX_EXP = 400;

const abs = (x: bigint): bigint => (x < 0n ? -x : x);
function gcd(a: bigint, b: bigint): bigint {
  a = abs(a);
  b = abs(b);
  while (b) [a, b] = [b, a % b];
  return a;
}

export function rational(n: bigint, d: bigint = 1n): Rational {
  if (d === 0n) throw new RangeError('rational with a zero denominator');
  if (d < 0n) [n, d] = [-n, -d];
  const g = gcd(n, d) || 1n;
  return { n: n / g, d: d / g };
}

export const add = (a: Rational, b: Rational): Rational => rational(a.n * b.d + b.n * a.d, a.d * b.d);
export const mul = (a: Rational, b: Rational): Rational => rational(a.n * b.n, a.d * b.d);
export const div = (a: Rational, b: Rational): Rational | null => (b.n === 0n ? null : rational(a.n * b.d, a.d * b.n));
export const neg = (a: Rational): Rational => ({ n: -a.n, d: a.d });
export const equals = (a: Rational, b: Rational): boolean => a.n === b.n && a.d === b.d;

/** |a − b| ≤ tol·max(|a|, |b|), exactly (no float underflow: 1/2004! and 1/2006! stay far apart). */
export function withinRelative(a: Rational, b: Rational, tol: Rational): boolean {
  const diff = add(a, neg(b));
  const big = abs(a.n) * b.d > abs(b.n) * a.d ? a : b;
  // |diff| ≤ tol·|big|  ⇔  |diff.n|·tol.d·big.d ≤ tol.n·|big.n|·diff.d
  return abs(diff.n) * tol.d * big.d <= tol.n * abs(big.n) * diff.d;
}
export const toString = (a: Rational): string => (a.d === 1n ? `${a.n}` : `${a.n}/${a.d}`);

const pow10 = (k: number): Rational => (k >= 0 ? rational(10n ** BigInt(k)) : rational(1n, 10n ** BigInt(-k)));

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?$/;
/** `12`, `-3.50`, `.5`, `5.` (at least one digit). */
export function parseDecimal(s: string): Rational | null {
  const m = DECIMAL.exec(s);
  if (!m) return null;
  const [, sign, int = '', frac = ''] = m;
  if (int.length + frac.length === 0 || int.length + frac.length > MAX_DIGITS) return null;
  const r = rational(BigInt(int + frac || '0'), 10n ** BigInt(frac.length));
  return sign === '-' ? neg(r) : r;
}

const SCI = /^([+-]?[\d.]+)(?:e([+-]?\d+)|(?:\\times|\\cdot)10\^(?:\{([+-]?\d+)\}|(\d)))$/;
function parseScientific(s: string): Rational | null {
  const m = SCI.exec(s);
  if (!m) return null;
  const mant = parseDecimal(m[1]!);
  const k = Number(m[2] ?? m[3] ?? m[4]);
  return mant && Math.abs(k) <= MAX_EXP ? mul(mant, pow10(k)) : null;
}

/** The content of the `{…}` group opening at `s[i]`, and the index after it; null when unbalanced. */
export function braceGroup(s: string, i: number): { body: string; end: number } | null {
  if (s[i] !== '{') return null;
  let depth = 0;
  for (let j = i; j < s.length; j++) {
    if (s[j] === '\\') j++;
    else if (s[j] === '{') depth++;
    else if (s[j] === '}' && --depth === 0) return { body: s.slice(i + 1, j), end: j + 1 };
  }
  return null;
}

/** `\frac{a}{b}` (a, b themselves rational, depth-limited), with an optional sign. */
function parseFrac(s: string, depth: number): Rational | null {
  const m = /^([+-]?)\\frac(?=\{)/.exec(s);
  if (!m) return null;
  const num = braceGroup(s, m[0].length);
  const den = num && braceGroup(s, num.end);
  if (!num || !den || den.end !== s.length) return null;
  const a = parseExact(num.body, depth + 1);
  const b = a && parseExact(den.body, depth + 1);
  const q = a && b && div(a, b);
  return q ? (m[1] === '-' ? neg(q) : q) : null;
}

/** Repeating decimal `0.\overline{3}` = 1/3, `1.1\overline{6}` = 7/6. */
function parseRepeating(s: string): Rational | null {
  const m = /^([+-]?)(\d*)\.(\d*)\\overline\{(\d{1,50})\}$/.exec(s);
  if (!m || m[2]!.length + m[3]!.length > MAX_DIGITS) return null;
  const [, sign, int, frac, rep] = m as unknown as [string, string, string, string, string];
  const head = rational(BigInt(int + frac || '0'), 10n ** BigInt(frac.length));
  const tail = rational(BigInt(rep), 10n ** BigInt(frac.length) * (10n ** BigInt(rep.length) - 1n));
  const r = add(head, tail);
  return sign === '-' ? neg(r) : r;
}

/** Mixed number `2\frac{1}{2}` = 5/2 (non-negative integer parts only; the sign applies to the whole). */
function parseMixed(s: string): Rational | null {
  const m = /^([+-]?)(\d+)\\frac\{(\d+)\}\{(\d+)\}$/.exec(s);
  if (!m || m[4] === '0' || BigInt(m[3]!) >= BigInt(m[4]!)) return null;
  const r = add(rational(BigInt(m[2]!)), rational(BigInt(m[3]!), BigInt(m[4]!)));
  return m[1] === '-' ? neg(r) : r;
}

/**
 * The exact value of a number written as an integer, decimal, scientific form, repeating decimal,
 * `\frac{}{}`, `a/b` or a mixed number; null for anything else (no spaces expected: callers normalise first).
 */
export function parseExact(s: string, depth = 0): Rational | null {
  if (depth > 4 || s.length > MAX_DIGITS + 40) return null;
  if (s.startsWith('{') && braceGroup(s, 0)?.end === s.length) return parseExact(s.slice(1, -1), depth + 1);
  const slash = /^([+-]?[\d.]+)\/([+-]?[\d.]+)$/.exec(s);
  if (slash) {
    const a = parseDecimal(slash[1]!);
    const b = a && parseDecimal(slash[2]!);
    return a && b ? div(a, b) : null;
  }
  return parseDecimal(s) ?? parseScientific(s) ?? parseRepeating(s) ?? parseMixed(s) ?? parseFrac(s, depth);
}

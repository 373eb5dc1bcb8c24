/**
 * The shape of a normalised MATH answer: a scalar leaf, a bracketed list (tuple, interval, set), a bare
 * comma list, a union of intervals, a matrix or a relation. Comparison walks two shapes with a leaf
 * comparator, so stage 1 and the symbolic stage share one set of structural rules: intervals keep their
 * bracket types, sets and bare lists ignore order, tuples and matrices go element-wise, relations
 * compare side by side (or mirrored: `a < b` is `b > a`).
 */
export type Verdict = 'equal' | 'different' | 'unknown';

export type Shape =
  | { readonly kind: 'leaf'; readonly s: string; readonly equation?: Shape }
  | { readonly kind: 'list'; readonly open: string; readonly close: string; readonly items: readonly Shape[] }
  | { readonly kind: 'union'; readonly parts: readonly Shape[] }
  | { readonly kind: 'matrix'; readonly rows: readonly (readonly Shape[])[] }
  | { readonly kind: 'relation'; readonly op: string; readonly left: Shape; readonly right: Shape; readonly lhs: string; readonly rhs: string };

/** `value`: are a and b equal; `equation`: are a = 0 and b = 0 the same equation (a / b a nonzero constant). */
export type LeafMode = 'value' | 'equation';
export type LeafCompare = (a: string, b: string, mode: LeafMode) => Verdict;
export type LeafPair = readonly [a: string, b: string, mode: LeafMode];

const OPEN = ['\\{', '\\langle', '(', '['] as const;
const CLOSE = ['\\}', '\\rangle', ')', ']'] as const;
const RELATIONS = ['\\leq', '\\geq', '\\neq', '<', '>', '='] as const;
const MIRROR: Record<string, string> = { '<': '>', '>': '<', '\\leq': '\\geq', '\\geq': '\\leq', '=': '=', '\\neq': '\\neq' };
/** Deeper or longer inputs stay leaves: the shape walk is for real answers, not hostile ones. */
const MAX_SHAPE_LENGTH = 5000;
const MAX_ITEMS = 64;

const tokenAt = (s: string, i: number, toks: readonly string[]): string | undefined =>
  toks.find((t) => s.startsWith(t, i) && !(t.startsWith('\\') && /[a-zA-Z]/.test(s[i + t.length] ?? '') && /[a-zA-Z]$/.test(t)));

/**
 * Split `s` at top-level occurrences of any separator (depth counts `{}`, brackets and \begin/\end).
 * Returns the pieces and the separators found between them.
 */
export function splitTop(s: string, seps: readonly string[]): { parts: string[]; seps: string[] } {
  const parts: string[] = [];
  const found: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (s.startsWith('\\begin', i)) depth++;
    else if (s.startsWith('\\end', i)) depth--;
    else if (c === '{' || c === '(' || c === '[' || s.startsWith('\\{', i) || s.startsWith('\\langle', i)) depth++;
    else if (c === '}' || c === ')' || c === ']' || s.startsWith('\\}', i) || s.startsWith('\\rangle', i)) depth--;
    if (c === '\\' && (s[i + 1] === '{' || s[i + 1] === '}')) {
      i++;
      continue;
    }
    if (depth !== 0) continue;
    const sep = tokenAt(s, i, seps);
    if (sep !== undefined) {
      parts.push(s.slice(start, i));
      found.push(sep);
      i += sep.length - 1;
      start = i + 1;
    }
  }
  parts.push(s.slice(start));
  return { parts, seps: found };
}

/** `s` is one bracketed group from its first to its last character (`(1,2]` counts: intervals mix types). */
function enclosing(s: string): { open: string; close: string; body: string } | null {
  const open = tokenAt(s, 0, OPEN);
  const close = CLOSE.find((c) => s.endsWith(c));
  if (!open || !close) return null;
  const body = s.slice(open.length, s.length - close.length);
  // the body must itself be balanced, or `(1)+(2)` would read as one group
  let depth = 0;
  for (let i = 0; i < body.length; i++) {
    if (body[i] === '\\' && (body[i + 1] === '{' || body[i + 1] === '}')) {
      depth += body[i + 1] === '{' ? 1 : -1;
      i++;
    } else if ('{(['.includes(body[i]!) || body.startsWith('\\langle', i)) depth++;
    else if ('})]'.includes(body[i]!) || body.startsWith('\\rangle', i)) depth--;
    if (depth < 0) return null;
  }
  return depth === 0 ? { open, close, body } : null;
}

/** `x=`, `f(x)=`, `(x,y)=`, `x\in` prefixes name the unknown; the answer is what follows. */
const VAR_LHS = /^(?:[a-zA-Z](?:_\{?[a-zA-Z0-9]+\}?)?|\\[a-zA-Z]+|[a-zA-Z]\([a-zA-Z]\)|\((?:[a-zA-Z],)+[a-zA-Z]\))$/;

function matrix(s: string): Shape | null {
  const m = /^\\begin\{pmatrix\}(.*)\\end\{pmatrix\}$/s.exec(s);
  if (!m) return null;
  const rows = splitTop(m[1]!, ['\\\\']).parts.filter((r) => r.trim() !== '');
  return { kind: 'matrix', rows: rows.map((r) => splitTop(r, ['&']).parts.map((c) => shapeOf(c))) };
}

export function shapeOf(s: string, keepNames = false): Shape {
  if (s.length > MAX_SHAPE_LENGTH) return { kind: 'leaf', s };
  const mat = matrix(s);
  if (mat) return mat;
  const items = splitTop(s, [',']).parts;
  if (items.length > 1 && items.length <= MAX_ITEMS && items.every((x) => x !== '')) return bareList(items);
  const rel = splitTop(s, [...RELATIONS, '\\in']);
  if (rel.seps.length > 1 && rel.seps.every((x) => x === '=')) {
    // a chain `a = b = c` states its value last
    const last = rel.parts[rel.parts.length - 1]!;
    const lhs = s.slice(0, s.length - last.length - 1);
    return { kind: 'relation', op: '=', left: { kind: 'leaf', s: lhs }, right: shapeOf(last), lhs, rhs: last };
  }
  if (rel.seps.length === 1) {
    const [l, r] = rel.parts as [string, string];
    const relation: Shape = { kind: 'relation', op: rel.seps[0]!, left: shapeOf(l), right: shapeOf(r), lhs: l, rhs: r };
    if ((rel.seps[0] === '=' || rel.seps[0] === '\\in') && VAR_LHS.test(l) && !keepNames) {
      // `y = 3 - x` is the value 3 − x, and also the equation, should the other side be one
      const value = shapeOf(r);
      return value.kind === 'leaf' && rel.seps[0] === '=' ? { ...value, equation: relation } : value;
    }
    if (rel.seps[0] !== '\\in') return relation;
  }
  const union = splitTop(s, ['\\cup']);
  if (union.parts.length > 1) return { kind: 'union', parts: union.parts.map((p) => shapeOf(p)) };
  const g = enclosing(s);
  if (g) {
    const inner = splitTop(g.body, [',']).parts;
    if (inner.length === 1 && g.open === '(' && g.close === ')') return shapeOf(g.body);
    if (inner.length <= MAX_ITEMS) return { kind: 'list', open: g.open, close: g.close, items: inner.map((x) => shapeOf(x)) };
  }
  // `1 \pm \sqrt{2}`: the two values, as a set
  const pm = splitTop(s, ['\\pm']);
  if (pm.parts.length === 2) return { kind: 'list', open: '', close: '', items: ['+', '-'].map((op) => shapeOf(`${pm.parts[0]}${op}${pm.parts[1]}`)) };
  return { kind: 'leaf', s };
}

/**
 * `1, 2` or `x = 1, x = 2` (one unknown: its values) but `a = 1, b = 2` keeps the names, or it would
 * equal `a = 2, b = 1`.
 */
function bareList(items: string[]): Shape {
  const names = new Set(
    items
      .map((x) => splitTop(x, ['=']).parts)
      .filter((p) => p.length === 2 && VAR_LHS.test(p[0]!))
      .map((p) => p[0]),
  );
  const keepNames = names.size > 1;
  return { kind: 'list', open: '', close: '', items: items.map((x) => shapeOf(x, keepNames)) };
}

function all(vs: readonly Verdict[]): Verdict {
  if (vs.includes('different')) return 'different';
  return vs.every((v) => v === 'equal') ? 'equal' : 'unknown';
}

/** A perfect matching of equal pairs exists (equal), none even counting unknowns (different), else unknown. */
function unordered(a: readonly Shape[], b: readonly Shape[], leaf: LeafCompare): Verdict {
  if (a.length !== b.length) return 'different';
  const m = a.map((x) => b.map((y) => compareShapes(x, y, leaf)));
  const match = (ok: (v: Verdict) => boolean): boolean => {
    const owner: number[] = new Array(b.length).fill(-1);
    const tryRow = (i: number, seen: boolean[]): boolean => {
      for (let j = 0; j < b.length; j++) {
        if (seen[j] || !ok(m[i]![j]!)) continue;
        seen[j] = true;
        if (owner[j]! < 0 || tryRow(owner[j]!, seen)) return ((owner[j] = i), true);
      }
      return false;
    };
    return a.every((_, i) => tryRow(i, new Array(b.length).fill(false)));
  };
  if (match((v) => v === 'equal')) return 'equal';
  return match((v) => v !== 'different') ? 'unknown' : 'different';
}

const setLike = (s: Shape): boolean => s.kind === 'list' && (s.open === '' || s.open === '\\{');

export function compareShapes(a: Shape, b: Shape, leaf: LeafCompare): Verdict {
  if (a.kind === 'leaf' && b.kind === 'leaf') return leaf(a.s, b.s, 'value');
  if (a.kind === 'list' && b.kind === 'list') {
    if (setLike(a) && setLike(b)) return unordered(a.items, b.items, leaf);
    if (a.open !== b.open || a.close !== b.close || a.items.length !== b.items.length) return 'different';
    return all(a.items.map((x, i) => compareShapes(x, b.items[i]!, leaf)));
  }
  if (a.kind === 'union' && b.kind === 'union') return unordered(a.parts, b.parts, leaf);
  if (a.kind === 'matrix' && b.kind === 'matrix') {
    if (a.rows.length !== b.rows.length || a.rows.some((r, i) => r.length !== b.rows[i]!.length)) return 'different';
    return all(a.rows.flatMap((r, i) => r.map((x, j) => compareShapes(x, b.rows[i]![j]!, leaf))));
  }
  if (a.kind === 'relation' && b.kind === 'relation') {
    const same = a.op === b.op ? all([compareShapes(a.left, b.left, leaf), compareShapes(a.right, b.right, leaf)]) : 'different';
    const mirrored = MIRROR[a.op] === b.op ? all([compareShapes(a.left, b.right, leaf), compareShapes(a.right, b.left, leaf)]) : 'different';
    if (same === 'equal' || mirrored === 'equal') return 'equal';
    // `2x + 2y = 6` is the equation `x + y = 3`: compare lhs − rhs up to a constant factor
    const equation = a.op === '=' && b.op === '=' && a.left.kind === 'leaf' && b.left.kind === 'leaf' && a.right.kind === 'leaf' && b.right.kind === 'leaf';
    const eq = equation ? leaf(`${a.lhs}-(${a.rhs})`, `${b.lhs}-(${b.rhs})`, 'equation') : 'different';
    if (eq === 'equal') return 'equal';
    return same === 'unknown' || mirrored === 'unknown' || eq === 'unknown' ? 'unknown' : 'different';
  }
  if (a.kind === 'relation' && b.kind === 'leaf' && b.equation) return compareShapes(a, b.equation, leaf);
  if (b.kind === 'relation' && a.kind === 'leaf' && a.equation) return compareShapes(a.equation, b, leaf);
  // `\frac{28}{4} = 7` or `AB = 10` against a value: the relation states that value on the right
  if (a.kind === 'relation' && statesValue(a) && b.kind !== 'relation') return compareShapes(a.right, b, leaf);
  if (b.kind === 'relation' && statesValue(b) && a.kind !== 'relation') return compareShapes(a, b.right, leaf);
  return 'different';
}

const letters = (s: string): boolean => /[a-zA-Z]/.test(s.replace(/\\(?:frac|sqrt|cdot|times|pi|left|right)(?![a-zA-Z])/g, ''));

/**
 * `lhs = constant` where lhs is worked arithmetic (`\frac{28}{4}`) or names one quantity (`AB`,
 * `\cos\angle RPS`, `x^3`); `x + y = 3` is an equation, not the value 3.
 */
function statesValue(r: Shape & { kind: 'relation' }): boolean {
  if (r.op !== '=' || letters(r.rhs)) return false;
  return !letters(r.lhs) || splitTop(r.lhs.replace(/^-/, ''), ['+', '-']).parts.length === 1;
}

/** The leaf pairs `leaf` leaves undecided (the symbolic stage decides these, then the walk reruns). */
export function undecidedLeaves(a: Shape, b: Shape, leaf: LeafCompare): LeafPair[] {
  const out = new Map<string, LeafPair>();
  compareShapes(a, b, (x, y, mode) => {
    const v = leaf(x, y, mode);
    if (v === 'unknown') out.set(`${mode}\u0000${x}\u0000${y}`, [x, y, mode]);
    return v;
  });
  return [...out.values()];
}

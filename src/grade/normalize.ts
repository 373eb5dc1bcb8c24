import { braceGroup } from './rational.ts';

/**
 * MATH answer normalisation (stage 1), the union of what the public graders strip (Hendrycks
 * `is_equiv`, Qwen2.5-Math `strip_string`, PRM800K `grade_answer`, Math-Verify) without their known
 * bugs: no deletion of single-letter "units" or of every "and", no percentage ×100 leniency. The
 * output keeps one space only where LaTeX needs it (`\sin x`), so it is both a comparison key and
 * input for the symbolic stage.
 */

/** Longer answers are only trimmed: normalising them buys nothing and costs time. */
const MAX_NORMALISE = 20_000;

const TEXT_CMDS = /\\(?:text|textbf|textit|textrm|textnormal|mathrm|mathbf|mathit|mbox|boldsymbol|textsf|mathsf)\s*(?=\{)/g;

/** Measurement words dropped after a number (`5 cm`, `10 inches`); never single letters. */
const UNIT_WORDS = new Set(
  (
    'units unit sq square cubic cm mm km inches inch feet foot ft yards yard yd miles mile meters meter metres metre ' +
    'centimeters centimeter kilometers kilometer millimeters seconds second sec minutes minute mins min hours hour hrs hr ' +
    'days day weeks week months month years year degrees degree dollars dollar cents cent pounds lbs ounces oz ' +
    'gallons gallon liters liter litres mph kg grams gram per radians radian'
  ).split(' '),
);

const SPELLED: Record<string, string> = Object.fromEntries(
  'zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty'
    .split(' ')
    .map((w, i) => [w, String(i)] as const)
    .concat([
      ['thirty', '30'],
      ['forty', '40'],
      ['fifty', '50'],
      ['sixty', '60'],
      ['seventy', '70'],
      ['eighty', '80'],
      ['ninety', '90'],
      ['hundred', '100'],
    ]),
);

/** Replace each `\text{…}`-like group: a trailing unit after some math is dropped, any other is unwrapped. */
function unwrapText(s: string): string {
  let out = '';
  let i = 0;
  TEXT_CMDS.lastIndex = 0;
  for (let m = TEXT_CMDS.exec(s); m; m = TEXT_CMDS.exec(s)) {
    const g = braceGroup(s, m.index + m[0].length);
    if (!g) break;
    const before = out + s.slice(i, m.index);
    const tail = s.slice(g.end);
    const isUnit = /^\s*(?:\^\{?[23]\}?)?\s*\.?\s*$/.test(tail) && /[\d}a-zA-Z)]\s*$/.test(before) && isUnitPhrase(g.body);
    out = before + (isUnit ? '' : g.body);
    i = g.end;
    if (isUnit) i = s.length;
    TEXT_CMDS.lastIndex = g.end;
  }
  return out + s.slice(i);
}

function isUnitPhrase(body: string): boolean {
  const words = body
    .trim()
    .toLowerCase()
    .split(/[\s/^{}]+/)
    .filter((w) => w !== '' && !/^\d$/.test(w));
  return (
    words.length > 0 &&
    words.every((w) => UNIT_WORDS.has(w.replace(/\.$/, '')) || (w.length > 1 && /^[a-z]+$/.test(w) && words.length <= 3 && !['or', 'and'].includes(w)))
  );
}

/** Drop bare unit words after a number: `5 cm`, `12 square units`. */
function dropBareUnits(s: string): string {
  const m = /^(.*?[\d}])\s+([a-zA-Z][a-zA-Z\s.]*?)(?:\^\{?[23]\}?)?$/.exec(s);
  if (!m) return s;
  const words = m[2]!.trim().toLowerCase().split(/\s+/);
  return words.every((w) => UNIT_WORDS.has(w.replace(/\.$/, ''))) ? m[1]! : s;
}

function fixFracAndSqrt(s: string): string {
  return s
    .replace(/\\frac\s*([0-9a-zA-Z])\s*([0-9a-zA-Z])/g, '\\frac{$1}{$2}')
    .replace(/\\frac\s*([0-9a-zA-Z])\s*(?=\{)/g, '\\frac{$1}')
    .replace(/\\frac\s*(\{[^{}]*\})\s*([0-9a-zA-Z])/g, '\\frac$1{$2}')
    .replace(/\\sqrt\s*([0-9a-zA-Z])/g, '\\sqrt{$1}');
}

/** Unicode and LaTeX spellings of the same symbol. */
function canonicalSymbols(s: string): string {
  return s
    .replace(/[−–]/g, '-')
    .replace(/≤|\\leqslant(?![a-zA-Z])|\\le(?![a-zA-Z])/g, '\\leq')
    .replace(/≥|\\geqslant(?![a-zA-Z])|\\ge(?![a-zA-Z])/g, '\\geq')
    .replace(/≠|\\ne(?![a-zA-Z])/g, '\\neq')
    .replace(/\\lt(?![a-zA-Z])/g, '<')
    .replace(/\\gt(?![a-zA-Z])/g, '>')
    .replace(/∞|\\infinity(?![a-zA-Z])/g, '\\infty')
    .replace(/\+\\infty/g, '\\infty')
    .replace(/\\varnothing|\\O(?![a-zA-Z])|\\\{\s*\\\}|∅/g, '\\emptyset')
    .replace(/\\[cl]?dots(?![a-zA-Z])/g, '\\ldots')
    .replace(/π/g, '\\pi')
    .replace(/^\s*(?:\\mathbb\s*\{?R\}?|ℝ|\\R(?![a-zA-Z])|\\text\{all real numbers\})\s*$/, '(-\\infty,\\infty)')
    .replace(/\\begin\{[bBv]?matrix\}/g, '\\begin{pmatrix}')
    .replace(/\\end\{[bBv]?matrix\}/g, '\\end{pmatrix}');
}

/** Math delimiters, display commands, spacing, sizing, `\left`/`\right`. */
function stripMarkup(s: string): string {
  return s
    .replace(/^\s*(?:\$\$?|\\\(|\\\[)|(?:\$\$?|\\\)|\\\])\s*$/g, '')
    .replace(/\\(?:displaystyle|textstyle|scriptstyle)(?![a-zA-Z])/g, '')
    .replace(/\\[dt]frac(?![a-zA-Z])/g, '\\frac')
    .replace(/\\(?:left|right)(?:\.|(?![a-zA-Z]))/g, '')
    .replace(/\\[bB]ig{1,2}[lr]?(?![a-zA-Z])/g, '')
    .replace(/\{,\}/g, ',')
    .replace(/(?<!\\)\\[!,;:> ]|\\q?quad(?![a-zA-Z])|~/g, ' ')
    .replace(/\^\s*\{?\s*\\circ\s*\}?|\\circ(?![a-zA-Z])|°|\\degree(?![a-zA-Z])/g, '')
    .replace(/\\%|%|\\\$|\$/g, '');
}

/** One space only between letters (`\sin x`, `a and b`: joining them would change the meaning); all other whitespace goes. */
function squeeze(s: string): string {
  return s.replace(/\s+/g, ' ').replace(/([a-zA-Z]) (?=[a-zA-Z])|\s/g, (m, letter) => (letter ? `${letter} ` : ''));
}

/** Whole-answer rewrites: thousands separators, spelled numbers, choice letters, single-token braces. */
function wholeAnswer(s: string): string {
  let t = s;
  if (/^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/.test(t)) t = t.replace(/,/g, '');
  const lower = t.toLowerCase();
  if (SPELLED[lower] !== undefined) t = SPELLED[lower]!;
  const choice = /^\(?([A-E])\)$|^\(([A-E])\)?$/.exec(t);
  if (choice) t = choice[1] ?? choice[2]!;
  return t;
}

export function normalizeMath(input: string): string {
  let s = input.trim();
  if (s.length > MAX_NORMALISE) return s;
  s = stripMarkup(canonicalSymbols(s));
  s = unwrapText(s);
  s = stripMarkup(s).trim();
  s = dropBareUnits(s);
  // "1 and 2", "x = 1 or x = 2": a list of answers (only as a spaced word: "and" inside words stays)
  s = s.replace(/\s+(?:and|or)\s+/g, ', ');
  s = fixFracAndSqrt(s);
  s = squeeze(s)
    .replace(/([\^_])\{([a-zA-Z0-9])\}/g, '$1$2')
    .replace(/(?:\\\\|\.)+$/, '');
  // "2 1/2" was squeezed into "21/2": read the mixed number before squeezing
  const mixed = /^\s*([+-]?\d+)\s+(\d+)\/(\d+)\s*$/.exec(input);
  if (mixed) s = `${mixed[1]}\\frac{${mixed[2]}}{${mixed[3]}}`;
  return wholeAnswer(s);
}

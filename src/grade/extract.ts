import { braceGroup } from './rational.ts';

/**
 * Final-answer extraction from a model's output, in the order the public graders use: the last
 * brace-matched `\boxed{}`/`\fbox{}`, GSM8K's `#### N`, "final answer is", "The answer is", a text
 * that is already a bare answer, the last math span (`$…$`, `\(…\)`, `\[…\]`) of the last paragraph,
 * else the last number. Linear in the text length.
 */
export type ExtractRule = 'boxed' | 'hashes' | 'final-answer-is' | 'answer-is' | 'bare' | 'last-math' | 'last-number';

export interface Extraction {
  readonly answer: string;
  readonly rule: ExtractRule;
}

/** The content of the last `\boxed{…}` / `\fbox{…}` (or `\boxed 5`), brace-matched; null when none. */
export function lastBoxed(text: string): string | null {
  const i = Math.max(text.lastIndexOf('\\boxed'), text.lastIndexOf('\\fbox'));
  if (i < 0) return null;
  let j = i + (text.startsWith('\\boxed', i) ? 6 : 5);
  if (text[j] === ' ' && text[j + 1] !== '{') {
    // `\boxed 5` (Hendrycks' form): up to the next `$` or whitespace
    const m = /^ ([^\s$]+)/.exec(text.slice(j, j + 200));
    return m ? m[1]! : null;
  }
  while (text[j] === ' ') j++;
  const g = braceGroup(text, j);
  return g ? g.body : null;
}

/** Strip math delimiters, a trailing full stop and surrounding whitespace from an answer phrase. */
function clean(s: string): string {
  let t = s.trim();
  t = t
    .replace(/^\$+|\$+$/g, '')
    .replace(/^\\\(|\\\)$/g, '')
    .replace(/^\\\[|\\\]$/g, '')
    .trim();
  return t.replace(/\.$/, '').trim();
}

const FINAL_IS = /final answer is:?\s*/gi;
const ANSWER_IS = /the answer is:?\s*/gi;

/** Index of the first full stop that ends a sentence outside `$…$` math, else the length. */
function sentenceEnd(s: string): number {
  let dollars = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '$') dollars++;
    else if (s[i] === '.' && dollars % 2 === 0 && (i + 1 === s.length || /\s/.test(s[i + 1]!))) return i;
  }
  return s.length;
}

/** Text after the last match of `re`, to the end of its line and sentence ("… is 5. I hope it is correct."). */
function after(text: string, re: RegExp): string | null {
  let last = -1;
  for (const m of text.matchAll(re)) last = m.index! + m[0].length;
  if (last < 0) return null;
  let rest = text.slice(last).split('\n')[0]!;
  // "$5$ dollars": the math span is the answer
  const math = /^(\$\$?)([^$]+)\1/.exec(rest);
  if (math) rest = math[2]!;
  const a = clean(rest.slice(0, sentenceEnd(rest)));
  return a === '' ? null : a;
}

/** A short one-line text with at most a few prose words (outside LaTeX commands) is an answer already. */
export function isBare(text: string): boolean {
  const t = text.trim();
  if (t === '' || t.length > 300 || t.includes('\n')) return false;
  // words inside \text{…} are part of an answer ("\text{Evelyn}"); prose words outside are not
  const outside = t.replace(/\\(?:text|mbox|textbf|mathrm)\{[^{}]*\}/g, ' ').replace(/\\[a-zA-Z]+/g, ' ');
  const words = outside.match(/[A-Za-z]{2,}/g) ?? [];
  if (/[.!?]\s+[A-Z]/.test(t) || /:\s/.test(t)) return false;
  return words.length <= 2;
}

const NUMBER = /-?\d[\d,]*(?:\.\d+)?|-?\.\d+/g;

export function extractWithRule(text: string): Extraction | null {
  const boxed = lastBoxed(text);
  // an empty box is no answer, not a reason to guess one from the working
  if (boxed !== null) return boxed.trim() === '' ? null : { answer: boxed.trim(), rule: 'boxed' };
  const hashes = /####\s*([^\n]*)/.exec(text.slice(text.lastIndexOf('####')));
  if (text.includes('####') && hashes && clean(hashes[1]!) !== '') return { answer: clean(hashes[1]!), rule: 'hashes' };
  const fin = after(text, FINAL_IS);
  if (fin !== null) return { answer: fin, rule: 'final-answer-is' };
  const ans = after(text, ANSWER_IS);
  if (ans !== null) return { answer: ans, rule: 'answer-is' };
  if (isBare(text)) return { answer: clean(text), rule: 'bare' };
  return lastMath(text) ?? lastNumber(text);
}

const MATH_SPAN = /\$\$([^$]+)\$\$|\$([^$]+)\$|\\\(([\s\S]+?)\\\)|\\\[([\s\S]+?)\\\]/g;

/** The last math span of the last paragraph ("… is \(\frac{8\pi}{5}\) square units."). */
export function lastMath(text: string): Extraction | null {
  const para = text.slice(text.lastIndexOf('\n\n') + 1);
  let last: RegExpMatchArray | null = null;
  for (const m of para.matchAll(MATH_SPAN)) last = m;
  // only a span that ends the text ("… is $x$ square units."): an earlier one is working, not the answer
  const tail = last ? para.slice(last.index! + last[0].length) : '';
  if (!last || /\d/.test(tail) || (tail.match(/[A-Za-z]+/g) ?? []).length > 6) return null;
  const a = clean(last[1] ?? last[2] ?? last[3] ?? last[4] ?? '')
    .replace(/[.,;]$/, '')
    .trim();
  return a === '' ? null : { answer: a, rule: 'last-math' };
}

/** The last number in the text ("… she pays $18.00." → 18.00). */
export function lastNumber(text: string): Extraction | null {
  let last: string | null = null;
  for (const m of text.matchAll(NUMBER)) last = m[0];
  return last === null ? null : { answer: last.replace(/,$/, ''), rule: 'last-number' };
}

/** The final answer in `text`, or null when none can be found. */
export function extractAnswer(text: string): string | null {
  return extractWithRule(text)?.answer ?? null;
}

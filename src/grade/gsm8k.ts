import { equals, parseExact, withinRelative, type Rational } from './rational.ts';

/**
 * GSM8K answers are numbers: compare exactly after removing `$`, thousands commas, units and a
 * trailing full stop (`$1,000.00 dollars.` = 1000). No tolerance.
 */
export function gsm8kNumber(answer: string): Rational | null {
  let s = answer
    .trim()
    .replace(/\\\$|\$|\\%|%|\\!|\{,\}|\\(?=\d)/g, '')
    .replace(/\\text\{[^{}]*\}/g, ' ');
  s = s
    .replace(/\\[dt]?frac\{(-?\d+)\}\{(\d+)\}/g, '$1/$2')
    .replace(/\.+$/, '')
    .trim();
  // the number is the first token; units and words after it are dropped
  const m = /^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?(?:\/\d+)?/.exec(s.replace(/\s+/g, ' '));
  const num = m?.[0] ?? '';
  if (!/\d/.test(num)) return null;
  return parseExact(num.replace(/,/g, ''));
}

export function gsm8kEqual(prediction: string, reference: string, tol: Rational | null = null): boolean {
  const a = gsm8kNumber(prediction);
  const b = gsm8kNumber(reference);
  return a !== null && b !== null && (equals(a, b) || (tol !== null && withinRelative(a, b, tol)));
}

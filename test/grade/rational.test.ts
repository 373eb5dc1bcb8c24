import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { add, braceGroup, div, equals, parseDecimal, parseExact, rational, toString, withinRelative } from '../../src/grade/rational.ts';

const v = (s: string) => {
  const r = parseExact(s);
  return r && toString(r);
};

test('rationals are reduced, with a positive denominator', () => {
  assert.equal(rational(6n, -4n), { n: -3n, d: 2n });
  assert.is(toString(add(rational(1n, 3n), rational(1n, 6n))), '1/2');
  assert.is(div(rational(1n), rational(0n)), null);
  assert.throws(() => rational(1n, 0n), RangeError);
});

test('integers, decimals, fractions, mixed numbers and scientific forms parse exactly', () => {
  for (const [s, want] of [
    ['18', '18'],
    ['18.00', '18'],
    ['-3.50', '-7/2'],
    ['.5', '1/2'],
    ['5.', '5'],
    ['+4', '4'],
    ['\\frac{1}{2}', '1/2'],
    ['-\\frac{6}{4}', '-3/2'],
    ['\\frac{-1}{3}', '-1/3'],
    ['\\frac{0.5}{2}', '1/4'],
    ['\\frac{\\frac{1}{2}}{3}', '1/6'],
    ['3/4', '3/4'],
    ['2\\frac{1}{2}', '5/2'],
    ['-2\\frac{1}{2}', '-5/2'],
    ['1.5\\times10^{3}', '1500'],
    ['6.72\\times10^{-5}', '21/312500'],
    ['2e3', '2000'],
    ['{7}', '7'],
  ] as const)
    assert.is(v(s), want, s);
});

test('no tolerance: nearly equal values differ', () => {
  assert.not.ok(equals(parseExact('0.3333333333333333')!, parseExact('\\frac{1}{3}')!));
  assert.not.ok(equals(parseExact('100000000000000000001')!, parseExact('100000000000000000000')!));
});

test('withinRelative is exact: 1/2004! and 1/2006! stay far apart at any tolerance below 1', () => {
  const fact = (n: number) => Array.from({ length: n }, (_, i) => BigInt(i + 1)).reduce((a, b) => a * b, 1n);
  const t = (s: string) => parseExact(s)!;
  assert.not.ok(withinRelative(rational(1n, fact(2004)), rational(1n, fact(2006)), t('0.999')));
  assert.ok(withinRelative(t('0.333'), t('\\frac{1}{3}'), t('0.01')));
  assert.not.ok(withinRelative(t('0.333'), t('\\frac{1}{3}'), t('0.0001')));
  assert.ok(withinRelative(t('-5'), t('-5.0004'), t('1e-4')));
  assert.not.ok(withinRelative(t('5'), t('-5'), t('0.5')));
});

test('non-numbers, improper mixed forms and oversized inputs are rejected', () => {
  for (const s of ['x', '\\frac{a}{2}', '1/0', '\\frac{1}{0}', '2\\frac{3}{2}', '1.2.3', '', '-', '1e999', '1'.repeat(5000), '\\sqrt{2}'])
    assert.is(parseExact(s), null, s);
  assert.is(parseDecimal('1,000'), null);
});

test('braceGroup matches nested braces and skips escaped ones', () => {
  assert.equal(braceGroup('{a{b}c}d', 0), { body: 'a{b}c', end: 7 });
  assert.equal(braceGroup('{\\{x\\}}', 0), { body: '\\{x\\}', end: 7 });
  assert.is(braceGroup('{{', 0), null);
  const deep = '{'.repeat(25_000) + '1' + '}'.repeat(25_000);
  assert.is(braceGroup(deep, 0)!.end, deep.length);
});

test.run();

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { normalizeMath } from '../../src/grade/normalize.ts';
import { mathStage1 } from '../../src/grade/math.ts';

test('normal forms strip what the public graders strip', () => {
  for (const [s, want] of [
    ['\\dfrac{1}{2}', '\\frac{1}{2}'],
    ['\\tfrac12', '\\frac{1}{2}'],
    ['\\left( 1, 2 \\right]', '(1,2]'],
    ['10\\text{ cm}', '10'],
    ['5\\mbox{ inches}^2', '5'],
    ['90^\\circ', '90'],
    ['90^{\\circ}', '90'],
    ['50\\%', '50'],
    ['\\$18.50', '18.50'],
    ['1,\\!000', '1000'],
    ['1{,}000{,}000', '1000000'],
    ['five', '5'],
    ['\\text{(B)}', 'B'],
    ['(C)', 'C'],
    ['\\sqrt3', '\\sqrt{3}'],
    ['2 1/2', '2\\frac{1}{2}'],
    ['12 square units', '12'],
    ['\\sin x', '\\sin x'],
    ['x^{2}', 'x^2'],
    ['\\varnothing', '\\emptyset'],
    ['x \\le 3', 'x\\leq3'],
    ['$\\displaystyle \\frac{7}{8}$', '\\frac{7}{8}'],
    ['\\begin{bmatrix}1\\\\2\\end{bmatrix}', '\\begin{pmatrix}1\\\\2\\end{pmatrix}'],
    ['\\text{Evelyn}', 'Evelyn'],
    ['4:30 \\text{ p.m.}', '4:30p.m'],
  ] as const)
    assert.is(normalizeMath(s), want, s);
});

test('single letters, "and" and variables are never deleted as units', () => {
  assert.is(normalizeMath('\\frac{m}{s}'), '\\frac{m}{s}');
  assert.is(normalizeMath('5 m'), '5m');
  assert.is(normalizeMath('a \\text{ and } b'), 'a,b');
  assert.is(normalizeMath('x\\text{ or }y'), 'x,y');
});

test('stage 1 names its rule', () => {
  assert.is(mathStage1('\\frac12', '0.5').rule, 'rational');
  assert.is(mathStage1('(1,2)', '[1,2]').rule, 'structure');
  assert.is(mathStage1('\\text{Evelyn}', 'Devon').rule, 'text');
  assert.is(mathStage1('\\dfrac{1}{2}', '\\frac{1}{2}').rule, 'normalized');
  assert.is(mathStage1('x+1', '1+x').rule, 'undecided');
});

test.run();

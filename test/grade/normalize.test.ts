import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { normalizeMath } from '../../src/grade/normalize.ts';
import { compareShapes, shapeOf, splitTop, undecidedLeaves } from '../../src/grade/structure.ts';
import { mathStage1 } from '../../src/grade/math.ts';

test('normal forms strip what the public graders strip', () => {
  for (const [s, want] of [
    ['\\dfrac{1}{2}', '\\frac{1}{2}'], ['\\tfrac12', '\\frac{1}{2}'], ['\\left( 1, 2 \\right]', '(1,2]'], ['10\\text{ cm}', '10'],
    ['5\\mbox{ inches}^2', '5'], ['90^\\circ', '90'], ['90^{\\circ}', '90'], ['50\\%', '50'], ['\\$18.50', '18.50'], ['1,\\!000', '1000'],
    ['1{,}000{,}000', '1000000'], ['five', '5'], ['\\text{(B)}', 'B'], ['(C)', 'C'], ['\\sqrt3', '\\sqrt{3}'], ['2 1/2', '2\\frac{1}{2}'],
    ['12 square units', '12'], ['\\sin x', '\\sin x'], ['x^{2}', 'x^2'], ['\\varnothing', '\\emptyset'], ['x \\le 3', 'x\\leq3'],
    ['$\\displaystyle \\frac{7}{8}$', '\\frac{7}{8}'], ['\\begin{bmatrix}1\\\\2\\end{bmatrix}', '\\begin{pmatrix}1\\\\2\\end{pmatrix}'],
    ['\\text{Evelyn}', 'Evelyn'], ['4:30 \\text{ p.m.}', '4:30p.m'],
  ] as const) assert.is(normalizeMath(s), want, s);
});

test('single letters, "and" and variables are never deleted as units', () => {
  assert.is(normalizeMath('\\frac{m}{s}'), '\\frac{m}{s}');
  assert.is(normalizeMath('5 m'), '5m');
  assert.is(normalizeMath('a \\text{ and } b'), 'a and b');
  assert.is(normalizeMath('x\\text{ or }y'), 'x or y');
});

test('shapes: relations, x= prefixes, unions, lists, matrices', () => {
  const x5 = shapeOf('x=5');
  assert.is(x5.kind === 'leaf' && x5.s === '5' && x5.equation?.kind === 'relation', true);
  assert.is(shapeOf('x+y=3').kind, 'relation');
  assert.is(shapeOf('a=b=7').kind === 'relation' && compareShapes(shapeOf('\\frac{28}{4}=7'), shapeOf('7'), (p, q) => (p === q ? 'equal' : 'different')), 'equal');
  assert.is(compareShapes(shapeOf('x+y=3'), shapeOf('3'), (p, q) => (p === q ? 'equal' : 'different')), 'different');
  assert.equal(shapeOf('(x,y)=(1,2)'), shapeOf('(1,2)'));
  assert.is(shapeOf('x>2').kind, 'relation');
  assert.is(shapeOf('(0,1)\\cup(2,3)').kind, 'union');
  assert.is(shapeOf('(1)+(2)').kind, 'leaf');
  assert.equal(shapeOf('(5)'), { kind: 'leaf', s: '5' });
  assert.equal(splitTop('\\frac{1,2}{3},(4,5),6', [',']).parts, ['\\frac{1,2}{3}', '(4,5)', '6']);
  const m = shapeOf('\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}');
  assert.is(m.kind === 'matrix' && m.rows.length === 2 && m.rows[1]!.length === 2, true);
});

test('a set with undecided members is matched, not guessed; pending pairs are only the undecided ones', () => {
  const leaf = (a: string, b: string): 'equal' | 'different' | 'unknown' => (a === b ? 'equal' : /x/.test(a + b) ? 'unknown' : 'different');
  assert.is(compareShapes(shapeOf('\\{1,x\\}'), shapeOf('\\{x,1\\}'), leaf), 'equal');
  assert.is(compareShapes(shapeOf('\\{1,x\\}'), shapeOf('\\{2x,1\\}'), leaf), 'unknown');
  assert.is(compareShapes(shapeOf('\\{1,2\\}'), shapeOf('\\{3,1\\}'), leaf), 'different');
  assert.equal(undecidedLeaves(shapeOf('\\{1,x\\}'), shapeOf('\\{2x,1\\}'), leaf), [['1', '2x', 'value'], ['x', '2x', 'value'], ['x', '1', 'value']]);
  const s = mathStage1('(x+1, 0.5)', '(1+x, \\frac12)');
  assert.is(s.verdict, 'unknown');
  assert.equal(s.pending, [['x+1', '1+x', 'value']]);
  assert.equal(mathStage1('x+y=3', '2x+2y=6').pending, [['x+y', '2x+2y', 'value'], ['x+y', '6', 'value'], ['3', '2x+2y', 'value'], ['x+y-(3)', '2x+2y-(6)', 'equation']]);
});

test('stage 1 names its rule', () => {
  assert.is(mathStage1('\\frac12', '0.5').rule, 'rational');
  assert.is(mathStage1('(1,2)', '[1,2]').rule, 'structure');
  assert.is(mathStage1('\\text{Evelyn}', 'Devon').rule, 'text');
  assert.is(mathStage1('\\dfrac{1}{2}', '\\frac{1}{2}').rule, 'normalized');
  assert.is(mathStage1('x+1', '1+x').rule, 'undecided');
});

test.run();

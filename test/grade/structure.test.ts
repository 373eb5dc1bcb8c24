import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compareShapes, shapeOf, splitTop, undecidedLeaves } from '../../src/grade/structure.ts';
import { mathStage1 } from '../../src/grade/math.ts';

test('shapes: relations, x= prefixes, unions, lists, matrices', () => {
  const x5 = shapeOf('x=5');
  assert.is(x5.kind === 'leaf' && x5.s === '5' && x5.equation?.kind === 'relation', true);
  assert.is(shapeOf('x+y=3').kind, 'relation');
  assert.is(
    shapeOf('a=b=7').kind === 'relation' && compareShapes(shapeOf('\\frac{28}{4}=7'), shapeOf('7'), (p, q) => (p === q ? 'equal' : 'different')),
    'equal',
  );
  assert.is(
    compareShapes(shapeOf('x+y=3'), shapeOf('3'), (p, q) => (p === q ? 'equal' : 'different')),
    'different',
  );
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
  assert.equal(undecidedLeaves(shapeOf('\\{1,x\\}'), shapeOf('\\{2x,1\\}'), leaf), [
    ['1', '2x', 'value'],
    ['x', '2x', 'value'],
    ['x', '1', 'value'],
  ]);
  const s = mathStage1('(x+1, 0.5)', '(1+x, \\frac12)');
  assert.is(s.verdict, 'unknown');
  assert.equal(s.pending, [['x+1', '1+x', 'value']]);
  assert.equal(mathStage1('x+y=3', '2x+2y=6').pending, [
    ['x+y', '2x+2y', 'value'],
    ['x+y', '6', 'value'],
    ['3', '2x+2y', 'value'],
    ['x+y-(3)', '2x+2y-(6)', 'equation'],
  ]);
});

test.run();

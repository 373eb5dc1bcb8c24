import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { closeGraders, gradeAnswer, gradeAnswerSync } from '../../src/grade/index.ts';

// The tricky-pair table: every pair graded in both directions, equal and not equal ones.
const rows: { a: string; b: string; equal: boolean }[] = readFileSync(new URL('../fixtures/grade-pairs.jsonl', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l));

test.after(() => closeGraders());

test('the table is large and balanced', () => {
  assert.ok(rows.length >= 80, `${rows.length} pairs`);
  assert.ok(rows.filter((r) => r.equal).length >= 30 && rows.filter((r) => !r.equal).length >= 30);
});

test('every tricky pair grades as labelled, in both directions', async () => {
  const wrong: string[] = [];
  for (const r of rows)
    for (const [p, q] of [
      [r.a, r.b],
      [r.b, r.a],
    ] as const) {
      const g = await gradeAnswer('math', p, q);
      assert.is(g.status, 'ok', `${p} vs ${q}: ${g.detail}`);
      if (g.correct !== r.equal) wrong.push(`${JSON.stringify(p)} vs ${JSON.stringify(q)}: got ${g.correct} by ${g.rule}`);
    }
  assert.equal(wrong, []);
});

test("the public graders' known bugs are not copied", async () => {
  for (const [p, q] of [
    ['\\frac{a}{c}', '\\frac{m}{s}'],
    ['50\\%', '0.5'],
    ['0.5\\%', '50'],
    ['\\frac{1}{2004!}', '\\frac{1}{2006!}'],
    ['2\\pi', '6.2832'],
    ['a \\text{ and } b', 'ab'],
  ])
    assert.is((await gradeAnswer('math', p!, q!)).correct, false, `${p} vs ${q}`);
});

test('strict by default; an opt-in relative tolerance is exact on rationals and never equates underflowing values', async () => {
  const g = async (p: string, r: string, tolerance?: number) => (await gradeAnswer('math', p, r, tolerance === undefined ? {} : { tolerance })).correct;
  assert.is(await g('2\\pi', '6.2832'), false);
  assert.is(await g('2\\pi', '6.2832', 1e-4), true);
  assert.is(await g('2\\pi', '6.2832', 1e-6), false);
  assert.is(await g('0.333', '\\frac13', 1e-2), true);
  assert.is(await g('0.333', '\\frac13', 1e-4), false);
  assert.is(await g('\\frac{1}{2004!}', '\\frac{1}{2006!}', 1e-3), false);
  assert.is(gradeAnswerSync('gsm8k', '18.0001', '18', { tolerance: 1e-4 }).correct, true);
  assert.is(gradeAnswerSync('gsm8k', '18.0001', '18').correct, false);
  assert.throws(() => gradeAnswerSync('math', '1', '1', { tolerance: -1 }), /tolerance/);
});

test('the sync stage-1 grader leaves symbolic pairs undecided, never guessed', () => {
  const g = gradeAnswerSync('math', 'x^2+2x+1', '(x+1)^2');
  assert.equal([g.correct, g.rule, g.stage], [false, 'undecided', 1]);
  assert.equal([gradeAnswerSync('math', '\\boxed{\\tfrac{3}{4}}', '0.75').rule, gradeAnswerSync('math', '(1,2)', '[1,2]').rule], ['rational', 'structure']);
});

test('GSM8K: numeric after $, commas, units and a trailing full stop; arith: the integer', () => {
  const g = (p: string, r: string) => gradeAnswerSync('gsm8k', p, r).correct;
  assert.ok(g('She pays $1,000.00 in total.', '1000'));
  assert.ok(g('#### 18.00', '18'));
  assert.ok(g('The answer is 18 dollars.', '18'));
  assert.ok(g('\\boxed{\\$18}', '18'));
  assert.ok(g('so it is -3', '-3'));
  assert.not.ok(g('#### 18.5', '18'));
  assert.not.ok(g('#### 3', '-3'));
  assert.not.ok(g('no number at all here, none', '0'));
  assert.ok(gradeAnswerSync('arith', '17 + 5 = 22', '22').correct);
  assert.ok(gradeAnswerSync('arith', '22', '22').correct);
  assert.not.ok(gradeAnswerSync('arith', '22.0', '22').correct);
  assert.is(gradeAnswerSync('gsm8k', '', '1').rule, 'no-answer');
});

test.run();

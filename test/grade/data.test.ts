import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { closeGraders, gradeAnswer, gradeAnswerSync, lastBoxed } from '../../src/grade/index.ts';

// Acceptance on the real data sets in ../shared/data (relative to the repo root); skipped, visibly, without it.
const DATA = new URL('../../../shared/data/', import.meta.url);
const have = existsSync(new URL('math/math500_test.jsonl', DATA));
const rows = (p: string): any[] =>
  readFileSync(new URL(p, DATA), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

test.after(() => closeGraders());

/** Stage 1 first (fast); only what it leaves undecided goes to the symbolic stage. */
async function grade(grader: 'math' | 'gsm8k', pred: string, ref: string) {
  const g = gradeAnswerSync(grader, pred, ref);
  return g.rule === 'undecided' ? gradeAnswer(grader, pred, ref) : g;
}

if (!have) {
  test('acceptance on ../shared/data', () => console.log(`  SKIPPED: ${DATA.pathname} is absent; the MATH-500 / MATH / GSM8K acceptance checks did not run`));
} else {
  test("MATH-500: every reference solution's last \\boxed{} grades equal to its answer (500/500)", async () => {
    const r = rows('math/math500_test.jsonl');
    assert.is(r.length, 500);
    const bad = [];
    for (const x of r) if (!(await grade('math', x.solution, x.answer)).correct) bad.push(x.unique_id);
    assert.equal(bad, []);
  });

  test('MATH test: every solution equals itself after extraction (5,000/5,000)', async () => {
    const r = rows('math/math_test_full.jsonl');
    assert.is(r.length, 5000);
    const bad = [];
    for (const x of r) {
      const ref = lastBoxed(x.solution);
      assert.ok(ref !== null, `idx ${x.idx} has no \\boxed{}`);
      // both directions: the solution against its answer, the bare answer against itself as a reference solution
      if (!(await grade('math', x.solution, ref!)).correct || !(await grade('math', ref!, x.solution)).correct) bad.push(x.idx);
    }
    assert.equal(bad, []);
  });

  test('GSM8K test: every reference parses and grades equal to itself (1,319/1,319); a changed number does not', () => {
    const r = rows('gsm8k/test.jsonl');
    assert.is(r.length, 1319);
    const bad = [];
    for (const x of r) {
      const ref = x.answer.split('####').pop().trim();
      const g = gradeAnswerSync('gsm8k', x.answer, ref);
      if (!g.correct || g.extractedBy !== 'hashes') bad.push(ref);
      if (gradeAnswerSync('gsm8k', x.answer.replace(/####\s*(-?[\d,]+)/, '#### 1$1'), ref).correct) bad.push(`changed ${ref}`);
    }
    assert.equal(bad, []);
  });

  test('real model outputs: the grader agrees with the Qwen2.5-Math 100×8 scores except where those are wrong', async () => {
    const r = rows('bon/qwen25math_math_cot_100.jsonl');
    const disagree: string[] = [];
    for (const x of r)
      for (let i = 0; i < 8; i++) if ((await grade('math', x.code[i], x.answer)).correct !== x.score[i]) disagree.push(`${x.idx}:${x.pred[i]}`);
    // 9 of 800: Qwen's own normaliser mangles "\text{4:30 p.m.}" (idx 3, 8 samples) and "10{,}000" (idx 72)
    assert.equal([...new Set(disagree.map((d) => d.split(':')[0]))], ['3', '72']);
    assert.is(disagree.length, 9);
  });
}

test.run();

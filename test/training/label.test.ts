import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { monteCarloLabels } from '../../src/training/label.ts';
import { arithMeta, arithProblem, ArithPolicy, checkStep, gradeArith } from '../../src/tasks/arith.ts';

test('Monte-Carlo labels: final step graded, soft labels in [0,1], hard labels track step truth', async () => {
  const policy = new ArithPolicy({ errorRate: 0.1 });
  let agree = 0,
    total = 0,
    wrongSeen = 0;
  const right: number[] = [],
    wrong: number[] = [];
  const mean = (x: number[]) => x.reduce((a, b) => a + b, 0) / x.length;
  for (let s = 0; s < 20; s++) {
    const p = arithProblem(s, { length: 6 });
    const [ex] = await monteCarloLabels(p, policy, { rollouts: 8, grade: gradeArith, seed: s });
    assert.is(ex!.steps.length, 6);
    assert.is(ex!.labels[5], gradeArith(p, ex!.steps[5]!.split(' = ')[1]!) ? 1 : 0);
    ex!.steps.forEach((st, i) => {
      const truth = checkStep(arithMeta(p), ex!.steps.slice(0, i), st);
      if (!truth) wrongSeen++;
      assert.ok(ex!.labels[i]! >= 0 && ex!.labels[i]! <= 1);
      (truth ? right : wrong).push(ex!.labels[i]!);
      total++;
      if (ex!.labels[i]! > 0 === truth) agree++;
    });
  }
  assert.ok(wrongSeen > 5, `only ${wrongSeen} wrong steps sampled`);
  assert.ok(agree / total > 0.9, `agreement ${agree / total}`);
  // a later slip can land back on the true value (×5 mod 1000 …), so wrong steps are rarely, not never, above 0
  assert.ok(mean(wrong) < 0.1 && mean(right) > 0.5, `mean label wrong ${mean(wrong)}, right ${mean(right)}`);
});

test('Monte-Carlo labels are deterministic per seed', async () => {
  const p = arithProblem(3);
  const a = await monteCarloLabels(p, new ArithPolicy({ errorRate: 0.3 }), { rollouts: 4, samples: 2, grade: gradeArith, seed: 1 });
  const b = await monteCarloLabels(p, new ArithPolicy({ errorRate: 0.3 }), { rollouts: 4, samples: 2, grade: gradeArith, seed: 1 });
  assert.equal(a, b);
  assert.is(a.length, 2);
});

test('branch: siblings share the prefix and its labels, differ from the trajectory step, and are labelled by their own truth', async () => {
  const policy = new ArithPolicy({ errorRate: 0.3 });
  let siblings = 0,
    agree = 0;
  for (let s = 0; s < 10; s++) {
    const p = arithProblem(s, { length: 5 });
    const [main, ...sibs] = await monteCarloLabels(p, policy, { rollouts: 8, branch: 3, grade: gradeArith, seed: s, estimate: 'hard' });
    const plain = await monteCarloLabels(p, policy, { rollouts: 8, grade: gradeArith, seed: s, estimate: 'hard' });
    assert.equal(main, plain[0], 'the trajectory and its labels do not depend on branch');
    for (const sib of sibs) {
      const at = sib.steps.length - 1;
      assert.equal(sib.steps.slice(0, at), main!.steps.slice(0, at));
      assert.equal(sib.labels.slice(0, at), main!.labels.slice(0, at));
      assert.is.not(sib.steps[at], main!.steps[at]);
      assert.ok(sib.source.endsWith(':sibling'));
      const prefixOk = sib.steps.every((st, i) => checkStep(arithMeta(p), sib.steps.slice(0, i), st));
      siblings++;
      if ((sib.labels[at] === 1) === prefixOk) agree++;
    }
    const depths = sibs.map((x) => x.steps.length - 1);
    assert.equal(
      depths,
      [...depths].sort((a, b) => a - b),
    );
  }
  assert.ok(siblings > 10, `${siblings} siblings`);
  assert.ok(agree / siblings > 0.85, `sibling labels agree with truth ${agree}/${siblings}`);
  const err = await monteCarloLabels(arithProblem(1), policy, { rollouts: 2, branch: -1, grade: gradeArith }).catch((e: Error) => e);
  assert.match(String(err), /branch/);
});

test.run();

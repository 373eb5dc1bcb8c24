import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FormatError, InvalidOptionError } from '../../src/core/errors.ts';
import {
  allCorrectBaseline,
  baselines,
  chooseThreshold,
  evaluateProcessBench,
  firstErrorIndex,
  predictFirstError,
  processBenchMetrics,
  randomBaseline,
  rocAuc,
  solutionAuc,
  stepAuc,
  toScoredSamples,
  type ScoredSample,
} from '../../src/training/eval.ts';

// Hand-made case; every number below is worked out in the comments.
const S: ScoredSample[] = [
  { id: 's1', scores: [0.9, 0.3, 0.8], label: 1 }, // right for τ ∈ (0.3, 0.9]
  { id: 's2', scores: [0.6, 0.7], label: -1 }, //     τ ≤ 0.6
  { id: 's3', scores: [0.4, 0.9], label: 0 }, //      τ ∈ (0.4, ∞)
  { id: 's4', scores: [0.95, 0.5], label: -1 }, //    τ ≤ 0.5
  { id: 's5', scores: [0.45, 0.2], label: 1 }, //     τ ∈ (0.2, 0.45]
  { id: 's6', scores: [0.35, 0.9], label: -1 }, //    τ ≤ 0.35
];
const close = (a: number, b: number, msg?: string) => assert.ok(Math.abs(a - b) < 1e-12, `${msg ?? ''} ${a} ≠ ${b}`);

test('predicted first error and ProcessBench F1 at τ = 0.5', () => {
  assert.equal(
    S.map((s) => predictFirstError(s.scores, 0.5)),
    [1, -1, 0, -1, 0, 0],
  ); // 0.5 is not < 0.5
  const m = processBenchMetrics(S, 0.5);
  // erroneous s1 ✓ s3 ✓ s5 ✗ → 2/3; correct s2 ✓ s4 ✓ s6 ✗ → 2/3; F1 = 2/3
  assert.equal([m.errorSamples, m.correctSamples], [3, 3]);
  close(m.errorAcc, 2 / 3);
  close(m.correctAcc, 2 / 3);
  close(m.f1, 2 / 3);
});

test('chooseThreshold sweeps to the best F1 and returns the middle of its piece', () => {
  // τ=0.35: err s1 ✓ s3 ✗ s5 ✓ (2/3), cor 3/3 → F1 0.8; τ=0.45: err 3/3, cor 2/3 → 0.8; τ=0.5: 2/3; τ=0.6: 4/9.
  // Tie → smallest τ piece (0.3, 0.35] → 0.325.
  const best = chooseThreshold(S);
  close(best.threshold, 0.325);
  close(best.f1, 0.8);
  close(processBenchMetrics(S, best.threshold).f1, 0.8);
  // no τ on a fine grid beats the sweep
  for (let t = -0.01; t <= 1.01; t += 0.0025) assert.ok(processBenchMetrics(S, t).f1 <= best.f1 + 1e-12, `τ=${t}`);
  assert.throws(
    () => chooseThreshold(S.filter((s) => s.label >= 0)),
    (e: unknown) => e instanceof FormatError && /both/.test((e as Error).message),
  );
});

test('chooseThreshold matches a brute force on random calibration data', () => {
  let x = 7;
  const rnd = () => (x = (x * 16807) % 2147483647) / 2147483647;
  const cal: ScoredSample[] = Array.from({ length: 60 }, () => {
    const n = 1 + Math.floor(rnd() * 6);
    const scores = Array.from({ length: n }, () => Math.round(rnd() * 20) / 20); // coarse → many ties
    return { scores, label: rnd() < 0.4 ? -1 : Math.floor(rnd() * n) };
  });
  const best = chooseThreshold(cal);
  let brute = 0;
  for (let t = -0.05; t <= 1.1; t += 0.0125) brute = Math.max(brute, processBenchMetrics(cal, t).f1);
  close(best.f1, brute);
  close(processBenchMetrics(cal, best.threshold).f1, best.f1);
});

test('ROC AUC handles ties as ½ (Mann–Whitney)', () => {
  // pos {0.8, 0.5, 0.5} vs neg {0.5, 0.2}: 0.8 beats both (2), each 0.5 ties one (½) and beats one (1) → 5/6
  const pairs = [
    { score: 0.8, label: 1 },
    { score: 0.5, label: 1 },
    { score: 0.5, label: 1 },
    { score: 0.5, label: 0 },
    { score: 0.2, label: 0 },
    { score: 0.0, label: null },
  ];
  close(rocAuc(pairs), 5 / 6);
  close(
    rocAuc([
      { score: 1, label: 1 },
      { score: 1, label: 0 },
    ]),
    0.5,
  );
  assert.ok(Number.isNaN(rocAuc([{ score: 1, label: 1 }])));
  // step AUC over labelled steps of examples: s1-like labels [1, 0, null]
  const ex = [{ labels: [1, 0, null] }, { labels: [1, 1] }];
  // pos {0.9, 0.6, 0.7} vs neg {0.3} → 1
  close(
    stepAuc(ex, [
      [0.9, 0.3, 0.1],
      [0.6, 0.7],
    ]),
    1,
  );
  close(
    stepAuc(ex, [
      [0.9, 0.65, 0.1],
      [0.6, 0.7],
    ]),
    2 / 3,
  );
});

test('solution AUC uses the aggregation registry', () => {
  // min per sample: 0.3 (err), 0.6 (ok), 0.4 (err), 0.5 (ok), 0.2 (err), 0.35 (ok) → 0.6:3, 0.5:3, 0.35:2 → 8/9
  close(solutionAuc(S, 'min'), 8 / 9);
  // last step: err {0.8, 0.9, 0.2}, ok {0.7, 0.5, 0.9}: 0.7>0.2 (1), 0.5>0.2 (1), 0.9>0.8,0.2 and =0.9 (2.5) → 4.5/9
  close(solutionAuc(S, 'last'), 0.5);
});

test('baselines: all-correct has F1 0; random is seeded and reproducible', () => {
  const a = allCorrectBaseline(S);
  assert.equal([a.errorAcc, a.correctAcc, a.f1], [0, 1, 0]);
  const r1 = randomBaseline(S, { seed: 'x' });
  const r2 = randomBaseline(S, { seed: 'x' });
  assert.equal(r1, r2);
  assert.ok(r1.f1 >= 0 && r1.f1 <= 1);
  assert.equal(baselines(S, { seed: 'x' }).random, r1);
});

test('labels → first error, and bad samples are rejected', () => {
  assert.is(firstErrorIndex([1, 1, 0, null]), 2);
  assert.is(firstErrorIndex([1, 1]), -1);
  assert.is(firstErrorIndex([null, 1]), null);
  const samples = toScoredSamples(
    [
      { id: 'a', problem: 'p', steps: ['x', 'y'], labels: [1, 0] },
      { id: 'b', problem: 'p', steps: ['x', 'y'], labels: [null, 1] },
    ],
    [
      [0.9, 0.1],
      [0.5, 0.5],
    ],
  );
  assert.equal(samples, [{ id: 'a', scores: [0.9, 0.1], label: 1 }]);
  assert.throws(() => processBenchMetrics([{ id: 'z', scores: [0.5], label: 3 }], 0.5), /sample z/);
});

test('evaluateProcessBench: τ from a separate calibration split, AUCs and baselines side by side', () => {
  const cal = S.map((s) => ({ ...s, id: `cal-${s.id}` }));
  const r = evaluateProcessBench(S, { calibration: cal, seed: 'x' });
  close(r.threshold, 0.325);
  assert.is(r.thresholdFrom, 'calibration');
  close(r.metrics.f1, 0.8);
  close(r.solutionAuc, 8 / 9);
  // labelled steps: pos {0.9 (s1), 0.6 0.7 (s2), 0.95 0.5 (s4), 0.45 (s5), 0.35 0.9 (s6)} vs neg {0.3 (s1), 0.4 (s3), 0.2 (s5)}:
  // 0.35 loses to 0.4 only; every other positive beats all three → (7·3 + 2) / 24
  close(r.stepAuc, 23 / 24);
  assert.equal(r.baselines.allCorrect.f1, 0);
  assert.equal(r.baselines.random, randomBaseline(S, { seed: 'x', threshold: r.threshold }));
  assert.is(evaluateProcessBench(S, { threshold: 0.5 }).metrics.f1, processBenchMetrics(S, 0.5).f1);
  assert.throws(
    () => evaluateProcessBench(S, { calibration: S }),
    (e: unknown) => e instanceof InvalidOptionError && /separate.*s1/.test((e as Error).message),
  );
  assert.throws(
    () => evaluateProcessBench(S, {}),
    (e: unknown) => e instanceof InvalidOptionError && /calibration/.test((e as Error).message),
  );
});

test.run();

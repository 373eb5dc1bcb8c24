import { test } from 'uvu';
import * as assert from 'uvu/assert';
import seedrandom from 'seedrandom';
import { bestOfK, bestOfKCurve, type ScoredSample } from '../../src/experiments/bestofk.ts';
import { forEachSubset } from '../../src/experiments/comb.ts';

/** Every k-subset; the pick is uniform among the subset's top-score samples. */
function brute(pool: ScoredSample[], k: number): number {
  let sum = 0,
    all = 0;
  forEachSubset(pool.length, k, (idx) => {
    const top = Math.max(...idx.map((i) => pool[i]!.score));
    const tied = idx.filter((i) => pool[i]!.score === top);
    sum += tied.filter((i) => pool[i]!.correct).length / tied.length;
    all++;
  });
  return sum / all;
}

test('best-of-k by score equals brute force over k-subsets, ties included', () => {
  const rng = seedrandom('bok');
  for (let t = 0; t < 60; t++) {
    const n = 1 + Math.floor(rng() * 9);
    // scores from a small set so ties are common
    const pool = Array.from({ length: n }, () => ({ score: Math.floor(rng() * 4) / 4, correct: rng() < 0.5 }));
    for (let k = 1; k <= n; k++) assert.ok(Math.abs(bestOfK(pool, k) - brute(pool, k)) < 1e-12, `${JSON.stringify(pool)} k=${k}`);
  }
});

test('best-of-k: k = 1 is mean accuracy, k = n the argmax; curve has one point per k', () => {
  const pool = [
    { score: 0.9, correct: false },
    { score: 0.5, correct: true },
    { score: 0.1, correct: true },
  ];
  assert.ok(Math.abs(bestOfK(pool, 1) - 2 / 3) < 1e-12);
  assert.is(bestOfK(pool, 3), 0);
  assert.is(bestOfKCurve(pool).length, 3);
  assert.throws(() => bestOfK(pool, 4), /bestOfK\.k/);
});

test.run();

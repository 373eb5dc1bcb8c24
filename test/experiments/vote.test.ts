import { test } from 'uvu';
import * as assert from 'uvu/assert';
import seedrandom from 'seedrandom';
import { forEachSubset } from '../../src/experiments/comb.ts';
import { voteAtK, type VoteSample } from '../../src/experiments/vote.ts';

/** Independent brute force: for each subset, count votes per answer; ties split uniformly. */
function brute(pool: VoteSample[], k: number, weighted: boolean): number {
  let sum = 0,
    all = 0;
  forEachSubset(pool.length, k, (idx) => {
    all++;
    const answers = [...new Set(idx.map((i) => pool[i]!.answer).filter((a) => a !== null))] as string[];
    if (!answers.length) return;
    const w = answers.map((a) => idx.filter((i) => pool[i]!.answer === a).reduce((s, i) => s + (weighted ? pool[i]!.score : 1), 0));
    const top = Math.max(...w);
    const winners = answers.filter((_, j) => w[j] === top);
    sum += winners.filter((a) => pool.find((s) => s.answer === a)!.correct).length / winners.length;
  });
  return sum / all;
}

function randomPool(rng: () => number, n: number): VoteSample[] {
  return Array.from({ length: n }, () => {
    const a = Math.floor(rng() * 4);
    return { answer: a === 3 && rng() < 0.3 ? null : String(a), score: Math.floor(rng() * 5) / 4, correct: a === 0 };
  });
}

test('majority and weighted vote at k: exact enumeration equals brute force, ties split uniformly', () => {
  const rng = seedrandom('vote');
  for (let t = 0; t < 40; t++) {
    const pool = randomPool(rng, 1 + Math.floor(rng() * 8));
    for (let k = 1; k <= pool.length; k++) {
      const m = voteAtK(pool, k, 'majority');
      const w = voteAtK(pool, k, 'weighted');
      assert.ok(m.exact && w.exact);
      assert.ok(Math.abs(m.value - brute(pool, k, false)) < 1e-12, `majority ${JSON.stringify(pool)} k=${k}`);
      assert.ok(Math.abs(w.value - brute(pool, k, true)) < 1e-12, `weighted ${JSON.stringify(pool)} k=${k}`);
    }
  }
});

test('a 2-2 tie between a right and a wrong answer counts one half', () => {
  const pool = [
    { answer: '1', score: 1, correct: true },
    { answer: '1', score: 1, correct: true },
    { answer: '2', score: 1, correct: false },
    { answer: '2', score: 1, correct: false },
  ];
  assert.is(voteAtK(pool, 4, 'majority').value, 0.5);
  // weighted breaks it by score
  const w = pool.map((s, i) => ({ ...s, score: i < 2 ? 0.9 : 0.2 }));
  assert.is(voteAtK(w, 4, 'weighted').value, 1);
});

test('above the exact limit: ≥ 1,000 seeded subsets, close to the exact value and reproducible', () => {
  const rng = seedrandom('big');
  const pool = randomPool(rng, 14);
  const exact = voteAtK(pool, 6, 'majority', { exactLimit: 1e6 });
  const est = voteAtK(pool, 6, 'majority', { exactLimit: 100, subsets: 4000, seed: 1 });
  assert.ok(exact.exact && !est.exact && est.subsets === 4000);
  assert.ok(Math.abs(exact.value - est.value) < 0.03, `${exact.value} vs ${est.value}`);
  assert.is(voteAtK(pool, 6, 'majority', { exactLimit: 100, subsets: 10, seed: 1 }).subsets, 1000);
  assert.equal(voteAtK(pool, 6, 'weighted', { exactLimit: 100, seed: 2 }), voteAtK(pool, 6, 'weighted', { exactLimit: 100, seed: 2 }));
});

test.run();

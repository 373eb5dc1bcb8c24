import { test } from 'uvu';
import * as assert from 'uvu/assert';
import seedrandom from 'seedrandom';
import { forEachSubset } from '../../src/experiments/comb.ts';
import { passAtK } from '../../src/experiments/passk.ts';

test('pass@k equals the fraction of k-subsets holding a correct sample (brute force)', () => {
  const rng = seedrandom('passk');
  for (let t = 0; t < 40; t++) {
    const n = 1 + Math.floor(rng() * 10);
    const correct = Array.from({ length: n }, () => rng() < 0.3);
    const c = correct.filter(Boolean).length;
    for (let k = 1; k <= n; k++) {
      let hit = 0,
        all = 0;
      forEachSubset(n, k, (idx) => (all++, (hit += idx.some((i) => correct[i]) ? 1 : 0)));
      assert.ok(Math.abs(passAtK(n, c, k) - hit / all) < 1e-12, `n=${n} c=${c} k=${k}`);
    }
  }
});

test('pass@k edge cases and validation', () => {
  assert.is(passAtK(10, 0, 5), 0);
  assert.is(passAtK(10, 10, 1), 1);
  assert.is(passAtK(10, 6, 5), 1); // fewer than k wrong samples
  assert.ok(Math.abs(passAtK(256, 3, 1) - 3 / 256) < 1e-12);
  assert.throws(() => passAtK(4, 5, 1), /passAtK/);
  assert.throws(() => passAtK(4, 1, 5), /passAtK/);
});

test.run();

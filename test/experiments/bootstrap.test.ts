import { test } from 'uvu';
import * as assert from 'uvu/assert';
import seedrandom from 'seedrandom';
import { pairedBootstrap, pairedDifferences, quantile } from '../../src/experiments/bootstrap.ts';
import { InvalidOptionError } from '../../src/core/errors.ts';

const close = (a: number, b: number, tol: number, what: string) => assert.ok(Math.abs(a - b) < tol, `${what}: ${a} vs ${b}`);

test('known answer: the mean of 400 fair coins has the normal-theory 95 % interval 0.5 ± 0.049', () => {
  const coins = Array.from({ length: 400 }, (_, i) => [i % 2]);
  const r = pairedBootstrap({ a: coins }, { resamples: 4000, seed: 1 })['a']!;
  assert.is(r.mean, 0.5);
  close(r.lo, 0.5 - 1.96 * Math.sqrt(0.25 / 400), 0.008, 'lo');
  close(r.hi, 0.5 + 1.96 * Math.sqrt(0.25 / 400), 0.008, 'hi');
});

test('paired: a strategy that is exactly 0.1 better on every problem gets the difference interval [0.1, 0.1]', () => {
  const rng = seedrandom('pair');
  const a = Array.from({ length: 50 }, () => [rng(), rng(), rng()]);
  const b = a.map((row) => row.map((v) => v + 0.1));
  const iv = pairedBootstrap({ a, b }, { seed: 3 });
  assert.ok(iv['a']!.hi - iv['a']!.lo > 0.05, 'each strategy alone is uncertain');
  const d = pairedDifferences({ a, b }, 'a', { seed: 3 })['b']!;
  close(d.mean, 0.1, 1e-12, 'mean');
  close(d.lo, 0.1, 1e-12, 'lo');
  close(d.hi, 0.1, 1e-12, 'hi');
});

test('seeds nested inside problems: seed noise widens the interval only when seeds are resampled', () => {
  // every problem's seed outcomes are {0, 1}: per-problem means are all 0.5
  const v = Array.from({ length: 30 }, () => [0, 1]);
  const flat = pairedBootstrap({ v }, { nestedSeeds: false })['v']!;
  assert.is(flat.lo, 0.5);
  assert.is(flat.hi, 0.5);
  const nested = pairedBootstrap({ v }, { nestedSeeds: true })['v']!;
  assert.ok(nested.hi - nested.lo > 0.1, `${nested.lo}..${nested.hi}`);
});

test('constant outcomes give a degenerate interval; shapes are checked and named', () => {
  const r = pairedBootstrap({ x: [[0.7], [0.7], [0.7]] })['x']!;
  assert.equal(
    [r.lo, r.mean, r.hi].map((x) => Math.round(x * 1e12) / 1e12),
    [0.7, 0.7, 0.7],
  );
  assert.throws(
    () => pairedBootstrap({ a: [[1], [0]], b: [[1]] }),
    (e: unknown) => e instanceof InvalidOptionError && e.option === 'bootstrap.values.b',
  );
  assert.throws(
    () => pairedDifferences({ a: [[1]] }, 'z'),
    (e: unknown) => e instanceof InvalidOptionError && e.option === 'bootstrap.reference',
  );
  assert.is(quantile([0, 10], 0.25), 2.5);
});

test.run();

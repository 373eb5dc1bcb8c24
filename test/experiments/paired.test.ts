import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { pairedBootstrap } from '../../src/experiments/bootstrap.ts';
import { pairedAgainst, type Values } from '../../src/experiments/paired.ts';

/** problem id → seed → value */
const vals = (rows: readonly (readonly number[])[], prefix = 'p'): Values =>
  new Map(rows.map((r, i) => [`${prefix}${String(i).padStart(3, '0')}`, new Map(r.map((v, s) => [s + 1, v]))]));

test('a method right on exactly six more of 40 problems: +0.15, and the paired interval excludes 0 where the marginals overlap', () => {
  // reference right on every odd problem; the method the same plus problems 0, 2 … 10
  const ref = Array.from({ length: 40 }, (_, i) => [i % 2]);
  const m = ref.map((r, i) => [i % 2 === 0 && i <= 10 ? 1 : r[0]!]);
  const [row] = pairedAgainst('prm', 'ref', ['m'], [4], (name) => vals(name === 'ref' ? ref : m), { resamples: 2000, seed: 1 });
  assert.ok(Math.abs(row!.diff.mean - 0.15) < 1e-12, String(row!.diff.mean));
  // a difference per problem of 0 or 1, on 6 of 40: a resample with none of the six has chance (34/40)^40 ≈ 0.0015
  assert.ok(row!.diff.lo > 0 && row!.diff.lo < 0.15 && row!.diff.hi > 0.15, JSON.stringify(row!.diff));
  assert.is(row!.problems, 40);
  const marg = pairedBootstrap({ m: m, r: ref }, { resamples: 2000, seed: 1 });
  assert.ok(marg['m']!.lo < marg['r']!.hi, 'the per-method intervals overlap');
});

test('identical methods give exactly 0 with a zero-width interval; a constant shift gives the shift', () => {
  const ref = [
    [1, 0],
    [0, 0],
    [1, 1],
    [0, 1],
  ];
  const get = (name: string) => vals(name === 'ref' ? ref : name === 'same' ? ref : ref.map((r) => r.map((v) => v + 0.25)));
  const rows = pairedAgainst('prm', 'ref', ['same', 'up'], [1, 2], get, { resamples: 500 });
  assert.is(rows.length, 4);
  for (const r of rows.filter((r) => r.method === 'same')) assert.equal(r.diff, { mean: 0, lo: 0, hi: 0 });
  for (const r of rows.filter((r) => r.method === 'up')) assert.equal([r.diff.mean, r.diff.lo, r.diff.hi], [0.25, 0.25, 0.25]);
});

test('pairs only problems and seeds both have; a missing method, reference or n gives no row', () => {
  const ref: Values = new Map([
    [
      'a',
      new Map([
        [1, 1],
        [2, 1],
      ]),
    ],
    ['b', new Map([[1, 0]])],
  ]);
  const m: Values = new Map([
    [
      'a',
      new Map([
        [1, 0],
        [3, 1],
      ]),
    ],
    ['c', new Map([[1, 1]])],
  ]);
  const rows = pairedAgainst(
    'prm',
    'ref',
    ['m', 'absent', 'ref'],
    [1, 2],
    (name, n) => (n === 2 ? undefined : name === 'ref' ? ref : name === 'm' ? m : undefined),
    {
      resamples: 200,
    },
  );
  // only problem a, seed 1: 0 − 1
  assert.equal(
    rows.map((r) => [r.method, r.n, r.problems, r.diff.mean]),
    [['m', 1, 1, -1]],
  );
});

test.run();

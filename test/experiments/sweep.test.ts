import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FormatError } from '../../src/core/errors.ts';
import { analyze, ORACLE, POOL_METHODS } from '../../src/experiments/analyze.ts';
import { parseConfig } from '../../src/experiments/config.ts';
import { loadSource } from '../../src/experiments/sources.ts';
import { planJobs, registryDeps, runSweep, type SweepDeps } from '../../src/experiments/sweep.ts';

const config = parseConfig({
  name: 't',
  task: { kind: 'arith', problems: 3, lengths: [4] },
  policy: { kind: 'arith-sim', options: { errorRate: 0.4 } },
  prms: [{ spec: 'verifier', noise: 1 }],
  strategies: [{ strategy: 'greedy' }, { strategy: 'beam', params: { beamWidth: 2 } }, { strategy: 'rebase' }],
  budgets: { values: [1, 2, 4] },
  pool: { n: 4 },
  seeds: [1, 2],
  bootstrap: { resamples: 200 },
  concurrency: 2,
});

/** Registry models, counting policy calls. */
function counting(): SweepDeps & { calls: () => number } {
  const d = registryDeps(config);
  let calls = 0;
  return {
    ...d,
    log: undefined,
    calls: () => calls,
    policy: async (seed) => {
      const p = await d.policy(seed);
      return { name: p.name, propose: (r) => (calls++, p.propose(r)) };
    },
  };
}

test('the grid: a pool per problem and seed, beam skips N=1 (not a multiple of M), greedy runs once', async () => {
  const src = await loadSource(config.task);
  const { jobs, skipped } = planJobs(config, src.items);
  // per problem and seed: 1 pool + greedy 1 + beam N=2,4 + rebase N=1,2,4
  assert.is(jobs.length, 3 * 2 * (1 + 1 + 2 + 3));
  assert.equal(skipped, ['verifier noise=1 · beam beamWidth=2 at N=1']);
});

test('resumes after a crash: a torn last line is redone, nothing else; rows are identical', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sweep-'));
  const src = await loadSource(config.task);
  const first = counting();
  const a = await runSweep(config, src, dir, first);
  assert.is(a.ran, 42);
  const file = join(dir, 'results.jsonl');
  const full = readFileSync(file, 'utf8');
  const lines = full.trimEnd().split('\n');
  // a crash mid-write: the last row is cut in half
  writeFileSync(file, lines.slice(0, -1).join('\n') + '\n' + lines.at(-1)!.slice(0, 20));
  const again = counting();
  const b = await runSweep(config, src, dir, again);
  assert.is(b.ran, 1);
  assert.ok(again.calls() > 0 && again.calls() < first.calls() / 10, `${again.calls()} vs ${first.calls()} policy calls`);
  assert.equal(b.rows, a.rows);
  // and a third run has nothing to do
  const none = counting();
  assert.is((await runSweep(config, src, dir, none)).ran, 0);
  assert.is(none.calls(), 0);
  // a malformed line that is not the last is an error naming file and line
  writeFileSync(file, 'garbage\n' + full);
  const err = await runSweep(config, src, dir, none).then(
    () => null,
    (e: unknown) => e,
  );
  assert.ok(err instanceof FormatError && /results\.jsonl:1:/.test(err.message), String(err));
});

test('analysis: pool curves at every n ≤ N, search points per budget, costs on every axis', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sweep-'));
  const src = await loadSource(config.task);
  const { rows } = await runSweep(config, src, dir, counting());
  const { points, frontier } = analyze(config, src.items, rows);
  const of = (m: string) => points.filter((p) => p.method === m).map((p) => p.n);
  assert.equal(of(POOL_METHODS.best), [1, 2, 3, 4]);
  assert.equal(of(ORACLE), [1, 2, 3, 4]);
  assert.equal(of(POOL_METHODS.majority), [1, 2, 4]);
  assert.equal(of('beam beamWidth=2'), [2, 4]);
  for (const p of points) {
    assert.ok(p.tokens > 0 && p.policyCalls > 0 && p.prmCalls > 0, p.method);
    assert.ok(p.accuracy.lo <= p.accuracy.mean && p.accuracy.mean <= p.accuracy.hi);
    assert.is(p.problems, 3);
    assert.is(p.seeds, 2);
  }
  // pass@n bounds best-of-n from above, and n = 1 of every pool method is the same mean accuracy
  const at = (m: string, n: number) => points.find((p) => p.method === m && p.n === n)!.accuracy.mean;
  for (const n of [1, 2, 3, 4]) assert.ok(at(ORACLE, n) >= at(POOL_METHODS.best, n) - 1e-12);
  assert.ok(Math.abs(at(POOL_METHODS.best, 1) - at(POOL_METHODS.majority, 1)) < 1e-12);
  assert.ok(frontier.some((f) => f.bin === 'all' && f.n === 4));
});

test('token budgets: each search is capped at the budget in generated tokens', async () => {
  const c = parseConfig({
    name: 'tok',
    task: { kind: 'arith', problems: 2, lengths: [6] },
    policy: { kind: 'arith-sim' },
    prms: [{ spec: 'verifier', noise: 1 }],
    strategies: [{ strategy: 'beam', params: { n: 16, beamWidth: 4 } }],
    budgets: { axis: 'tokens', values: [50, 200] },
    bootstrap: { resamples: 100 },
  });
  const src = await loadSource(c.task);
  const { rows } = await runSweep(c, src, mkdtempSync(join(tmpdir(), 'tok-')), registryDeps(c));
  assert.is(rows.length, 4);
  for (const r of rows) assert.ok(r.tokens <= (r.kind === 'run' ? r.budget : Infinity), `${r.key}: ${r.tokens} tokens`);
  assert.ok(rows.some((r) => r.kind === 'run' && r.stoppedBy === 'tokens'));
});
test('a PRM run at some budgets only has its frontier at those budgets (pool estimators alone never make one)', async () => {
  const c = parseConfig({ ...JSON.parse(JSON.stringify(config)), prms: [{ spec: 'verifier', noise: 1, budgets: [4] }] });
  const src = await loadSource(c.task);
  const { rows } = await runSweep(c, src, mkdtempSync(join(tmpdir(), 'sweep-')), counting());
  const { points, frontier } = analyze(c, src.items, rows);
  // the pool still gives every n, but the per-N frontier sits only where the searches ran
  assert.ok(points.some((p) => p.method === POOL_METHODS.best && p.n === 2));
  assert.equal([...new Set(frontier.map((f) => f.n))], [4]);
});

test.run();

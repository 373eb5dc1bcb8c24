import { existsSync, readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InvalidOptionError } from '../../src/core/errors.ts';
import type { Policy } from '../../src/policy/types.ts';
import { runBench, type BenchConfigInput } from '../../src/runner/index.ts';
import { ArithPolicy, VerifierPRM } from '../../src/tasks/arith.ts';
import { fails, records, tmp, withoutWall } from './helpers.ts';

const base = (out: string, extra: Partial<BenchConfigInput> = {}): BenchConfigInput => ({
  dataset: 'arith',
  data: '12:5',
  policy: 'arith-sim',
  prm: 'verifier',
  strategy: 'beam',
  strategyOptions: { n: 4, beamWidth: 2 },
  seeds: [1, 2],
  concurrency: 4,
  out,
  ...extra,
});

test('runBench: one fsynced line per (problem, seed), summary and manifest', async () => {
  const out = tmp('bench');
  const r = await runBench(base(out));
  const recs = records(out);
  assert.is(recs.length, 24);
  assert.is(new Set(recs.map((x) => x.key)).size, 24);
  assert.ok(recs.every((x) => x.status === 'ok' && x.rule === 'exact-integer' && x.stats.waves === 5 && x.stats.policyCalls > 0));
  assert.is(r.summary.records, 24);
  assert.is(r.summary.n, 24);
  assert.is(r.summary.correct, recs.filter((x) => x.correct).length);
  assert.equal(Object.keys(r.summary.bySeed), ['1', '2']);
  const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
  assert.is(m.simulated, true);
  assert.is(m.config.strategy, 'beam');
  assert.match(m.configHash, /^[0-9a-f]{64}$/);
  assert.equal(withoutWall(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'))), withoutWall({ ...r.summary, simulated: true }));
  // problems share one scheduler: PRM batches span problems
  assert.ok(r.scheduler.largestPrmBatch > 4, `largest PRM batch ${r.scheduler.largestPrmBatch}`);
});

test('resume: finished keys are skipped, a torn last line is dropped and redone', async () => {
  const out = tmp('resume');
  const full = await runBench(base(out));
  const lines = readFileSync(join(out, 'results.jsonl'), 'utf8').split('\n').filter(Boolean);
  // keep 10 lines and half of the 11th, as a kill mid-write would
  writeFileSync(join(out, 'results.jsonl'), lines.slice(0, 10).join('\n') + '\n' + lines[10]!.slice(0, 30));
  let started: { todo: number; tornBytes: number } | undefined;
  const again = await runBench(base(out), { onStart: (s) => (started = s) });
  assert.is(started!.todo, 14);
  assert.is(started!.tornBytes, 30);
  assert.is(again.ran, 14);
  const recs = records(out);
  assert.is(recs.length, 24);
  assert.is(new Set(recs.map((x) => x.key)).size, 24);
  assert.equal(withoutWall(again.summary), withoutWall(full.summary));
  // nothing left: a third run does no work
  assert.is((await runBench(base(out))).ran, 0);
});

test('a changed config or dataset refuses to resume, naming what changed; run-only options do not', async () => {
  const out = tmp('refuse');
  await runBench(base(out, { data: '3:5' }));
  let e = await fails(runBench(base(out, { data: '3:5', strategyOptions: { n: 8, beamWidth: 2 } })));
  assert.instance(e, InvalidOptionError);
  assert.match(e.message, /different config \(changed: strategyOptions\)/);
  e = await fails(runBench(base(out, { data: '4:5' })));
  assert.match(e.message, /the dataset changed/);
  // concurrency and --save-trees change how, not what: the run resumes
  const r = await runBench(base(out, { data: '3:5', concurrency: 1, saveTrees: true }));
  assert.is(r.ran, 0);
});

/** Fails every call on the listed problems: an infrastructure failure, not a wrong answer. */
function flaky(bad: Set<string>): Policy {
  const p = new ArithPolicy({ errorRate: 0.3 });
  return {
    name: 'flaky',
    propose: async (r) => {
      if (bad.has(r.problem.id)) throw new Error('HTTP 500 from the server');
      return p.propose(r);
    },
  };
}

test('errors are recorded as errors, excluded from accuracy and counted; --retry-errors reruns only them', async () => {
  const out = tmp('errors');
  const bad = new Set(['arith-2-L5', 'arith-5-L5']);
  const models = async () => ({ policy: flaky(bad), prm: new VerifierPRM(), simulated: true, noPrm: false });
  const r = await runBench(base(out), { models });
  const errs = records(out).filter((x) => x.status === 'error');
  assert.equal(errs.map((x) => x.key).sort(), ['arith-2-L5#1', 'arith-2-L5#2', 'arith-5-L5#1', 'arith-5-L5#2']);
  assert.ok(
    errs.every(
      (x) =>
        !x.correct && x.rule === null && x.stats.policyCalls >= 1 && x.stats.policyErrors === x.stats.policyCalls && /search could not proceed/.test(x.error!),
    ),
  );
  assert.is(r.summary.errors, 4);
  assert.is(r.summary.n, 20);
  // without --retry-errors, a rerun leaves them alone
  assert.is((await runBench(base(out), { models })).ran, 0);
  bad.clear();
  let retried = 0;
  const again = await runBench(base(out, { retryErrors: true }), { models, onStart: (s) => (retried = s.retried) });
  assert.is(retried, 4);
  assert.is(again.ran, 4);
  const recs = records(out);
  assert.is(recs.length, 24);
  assert.is(new Set(recs.map((x) => x.key)).size, 24);
  assert.is(again.summary.errors, 0);
  assert.is(again.summary.n, 24);
});

test('the policy forgets each problem once, after its last seed has finished', async () => {
  const out = tmp('forget');
  const forgotten: string[] = [];
  const inner = new ArithPolicy();
  const policy: Policy = {
    name: 'arith-forget',
    propose: (r) => {
      assert.not.ok(forgotten.includes(r.problem.id), `${r.problem.id} forgotten while a seed still searches it`);
      return inner.propose(r);
    },
    forget: (id) => void forgotten.push(id),
  };
  await runBench(base(out), { models: async () => ({ policy, prm: new VerifierPRM(), simulated: true, noPrm: false }) });
  assert.is(forgotten.length, 12);
  assert.equal(new Set(forgotten), new Set(records(out).map((x) => x.id)));
});

test('--save-trees writes a tree file per record, before its line', async () => {
  const out = tmp('trees');
  await runBench(base(out, { data: '2:3', saveTrees: true, seeds: [7] }));
  const recs = records(out);
  assert.is(recs.length, 2);
  for (const r of recs) {
    const t = JSON.parse(readFileSync(join(out, r.tree!), 'utf8'));
    assert.is(t.schemaVersion, 1);
    assert.is(t.problem.id, r.id);
    assert.is(t.seed, '7');
  }
});

test('--prm none with majority vote: no PRM steps counted; filters and a missing data file', async () => {
  const out = tmp('none');
  const r = await runBench(base(out, { prm: 'none', strategy: 'best-of-n', strategyOptions: { n: 5 }, selection: 'majority', limit: 4, seeds: [1] }));
  assert.is(r.summary.records, 4);
  assert.is(r.summary.prmSteps.total, 0);
  assert.ok(r.summary.policyCalls.total > 0);
  const e = await fails(runBench({ ...base(tmp('missing')), dataset: 'gsm8k', data: '/nonexistent/test.jsonl' }));
  assert.match(e.message, /--data.*does not exist/);
  const e2 = await fails(runBench(base(tmp('bad'), { strategyOptions: { n: 0 } })));
  assert.match(e2.message, /beam\.n/);
  assert.not.ok(existsSync(join(tmp('x'), 'results.jsonl')));
});

test('results are appended as each finishes (a reported record is already in the file)', async () => {
  const out = tmp('stream');
  let seen = 0;
  await runBench(base(out, { data: '4:3', seeds: [1] }), {
    onResult: (r) => {
      seen++;
      const keys = readFileSync(join(out, 'results.jsonl'), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l).key);
      assert.ok(keys.includes(r.key) && keys.length >= seen);
    },
  });
  assert.is(seen, 4);
  appendFileSync(join(out, 'results.jsonl'), 'garbage\n{"x":1}\n');
  const e = await fails(runBench(base(out, { data: '4:3', seeds: [1] })));
  assert.match(e.message, /results\.jsonl:5/);
});

test('onLaunch: every (problem, seed) once, before its result', async () => {
  const launched: string[] = [];
  let results = 0;
  await runBench(base(tmp('launch'), { data: '6:3', seeds: [1, 2], concurrency: 3 }), {
    onLaunch: (k) => void launched.push(k),
    onResult: (r) => (results++, assert.ok(launched.includes(r.key), `${r.key} reported before its launch`)),
  });
  assert.is(results, 12);
  assert.equal([...launched].sort(), [...new Set(launched)].sort());
  assert.is(launched.length, 12);
});

test.run();

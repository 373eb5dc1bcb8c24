import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { beam, Scheduler, search } from '../../src/index.ts';
import { arithProblem } from '../../src/tasks/arith.ts';
import { arithPolicy, verifier } from './helpers.ts';
import { invalidOption as at } from '../helpers/rejects.ts';

// The scheduler's and the search's own options go through the option kit: errors name the field.
const base = { problem: arithProblem(1, { length: 3 }), policy: arithPolicy(), prm: verifier(), strategy: beam({ n: 4, beamWidth: 2 }) };

test('scheduler options: integers ≥ 1, unknown keys named', async () => {
  await at(() => new Scheduler({ concurrency: 0 }), 'scheduler.concurrency', /a positive integer, got 0/);
  await at(() => new Scheduler({ maxPrmBatch: 1.5 }), 'scheduler.maxPrmBatch', /a positive integer, got 1.5/);
  await at(() => new Scheduler({ concurency: 4 } as never), 'scheduler.concurency', /unknown option \(known: concurrency, maxPrmBatch\)/);
  const s = new Scheduler({ concurrency: 3 });
  assert.equal([s.concurrency, s.maxPrmBatch], [3, 1024]);
});

test('timeouts: numbers of ms > 0 or Infinity; budget axes ≥ 0; unknown keys named', async () => {
  await at(() => search({ ...base, timeouts: { policyMs: -1 } }), 'timeouts.policyMs', /a number > 0 or Infinity \(none\), got -1/);
  await at(() => search({ ...base, timeouts: { prmMs: '5' as never } }), 'timeouts.prmMs', /got "5"/);
  await at(() => search({ ...base, timeouts: { fooMs: 1 } as never }), 'timeouts.fooMs', /unknown option \(known: policyMs, prmMs\)/);
  await at(() => search({ ...base, budget: { nodes: -2 } }), 'budget.nodes', /a number ≥ 0, got -2/);
  await at(() => search({ ...base, budget: { node: 2 } as never }), 'budget.node', /unknown option/);
  await at(() => search({ ...base, budget: null as never }), 'budget', /expected an object/);
  const r = await search({ ...base, timeouts: { policyMs: Infinity, prmMs: 1e6 }, budget: { nodes: 5 } });
  assert.is(r.stats.stoppedBy, 'nodes');
});

test.run();

// A call that settles within two microtasks (an in-process model) gets no clock and no abort watch;
// one that is still running then gets both (Scheduler.arm).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Policy } from '../../src/policy/types.ts';
import type { PRM } from '../../src/reward/types.ts';
import { beam, mcts, Scheduler, search } from '../../src/index.ts';
import { sleep } from './helpers.ts';

const problem = { id: 'arming', text: 'x' };
/** Answers at once: k distinct steps, terminal at depth 4. */
const now: Policy = {
  name: 'now',
  propose: async (r) =>
    Array.from({ length: r.k }, (_, i) => ({ text: `s${i}`, tokens: 1, terminal: r.steps.length >= 3, ...(r.steps.length >= 3 ? { answer: String(i) } : {}) })),
};
const prm: PRM = { name: 'now', score: async (q) => q.map((r) => (r.step.length % 7) / 7) };

test('in-process models: no call of a beam or MCTS search is armed (each wave used to arm its PRM batch)', async () => {
  for (const strategy of [beam({ n: 8, beamWidth: 2 }), mcts({ simulations: 40, expansionWidth: 3 }), mcts({ simulations: 40, parallel: 4 })]) {
    const scheduler = new Scheduler();
    const r = await search({ problem, policy: now, prm, strategy, seed: 1, scheduler });
    assert.ok(r.stats.policyCalls > 3 && scheduler.stats.prmBatches > 3, `${strategy.name}: the search ran several waves`);
    assert.is(scheduler.stats.armed, 0, `${strategy.name}: calls armed`);
    assert.is(scheduler.deadlines.size, 0);
  }
});

test('a call still running after two microtasks is armed, and its deadline is dropped when it ends', async () => {
  const later: Policy = { name: 'later', propose: async (r) => (await sleep(2), now.propose(r)) };
  const scheduler = new Scheduler();
  const r = await search({ problem, policy: later, prm, strategy: beam({ n: 4, beamWidth: 2 }), seed: 1, scheduler });
  assert.is(scheduler.stats.armed, r.stats.policyCalls, 'every policy call waited on a timer; no PRM batch did');
  assert.is(scheduler.deadlines.size, 0);
});

test.run();

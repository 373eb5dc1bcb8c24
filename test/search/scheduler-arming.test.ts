// A call that settles within two microtasks (an in-process model) gets no clock and no abort watch;
// one that is still running then gets both (Scheduler.arm).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Policy, ProposeRequest } from '../../src/policy/types.ts';
import type { PRM, ScoreRequest } from '../../src/reward/types.ts';
import { beam, mcts, Scheduler, search } from '../../src/index.ts';
import { sleep } from './helpers.ts';

const problem = { id: 'arming', text: 'x' };
/** Answers at once: k distinct steps, terminal at depth 4. */
const steps = (r: ProposeRequest) =>
  Array.from({ length: r.k }, (_, i) => ({ text: `s${i}`, tokens: 1, terminal: r.steps.length >= 3, ...(r.steps.length >= 3 ? { answer: String(i) } : {}) }));
const scores = (q: readonly ScoreRequest[]) => q.map((r) => (r.step.length % 7) / 7);
const now: Policy = { name: 'now', propose: async (r) => steps(r) };
const prm: PRM = { name: 'now', score: async (q) => scores(q) };

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

test('a policy and a PRM that answer with plain arrays, not promises, are served as if they had resolved at once', async () => {
  // outside the types (JavaScript callers): the PRM's batch used to throw inside the scheduler and keep the PRM busy
  const policy = { name: 'sync', propose: steps } as unknown as Policy;
  const syncPRM = { name: 'sync', score: scores } as unknown as PRM;
  for (const [name, models] of [
    ['both', { policy, prm: syncPRM }],
    ['the PRM', { policy: now, prm: syncPRM }],
  ] as const) {
    const scheduler = new Scheduler();
    for (let i = 0; i < 2; i++) {
      const r = await search({ problem, ...models, strategy: beam({ n: 4, beamWidth: 2 }), seed: 1, scheduler });
      assert.is(r.stats.failures, 0, `${name}, search ${i}`);
      assert.ok(r.best?.terminal, `${name}, search ${i} finished`);
    }
  }
});

test.run();

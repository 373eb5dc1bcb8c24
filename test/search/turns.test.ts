// When a search yields to the event loop: only when it has not waited on its models for a slice (src/search/turn.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Policy } from '../../src/policy/types.ts';
import type { PRM } from '../../src/reward/types.ts';
import { beam, search } from '../../src/index.ts';
import { timerEpoch } from '../../src/search/turn.ts';
import { arithProblem } from '../../src/tasks/arith.ts';
import { sleep } from './helpers.ts';

const flat: PRM = { name: 'flat', score: async (q) => q.map(() => 0.5) };

test('a search waiting on a slow policy goes straight on to its next wave (no timer turn in between)', async () => {
  // each answer comes after 30 ms (over the 20 ms slice) and arms a 0 ms timer as it resolves: if the search
  // yielded to timers before its next call, that timer would have fired by then
  let late = 0;
  let calls = 0;
  let fired = true;
  const policy: Policy = {
    name: 'slow',
    propose: async (r) => {
      if (calls++ > 0 && fired) late++;
      await sleep(30);
      fired = false;
      setTimeout(() => (fired = true), 0);
      return [{ text: `step ${r.steps.length}`, tokens: 1, terminal: r.steps.length === 5 }];
    },
  };
  const r = await search({ problem: arithProblem(1), policy, prm: flat, strategy: beam({ n: 1, beamWidth: 1, maxDepth: 10 }), seed: 1 });
  assert.is(r.stats.policyCalls, 6);
  assert.is(late, 0, `${late} of ${calls - 1} waves waited a timer turn first`);
});

test('timerEpoch moves only once timers have run', async () => {
  const e = timerEpoch();
  await Promise.resolve();
  assert.is(timerEpoch(), e);
  await sleep(1);
  assert.ok(timerEpoch() > e);
});

test.run();

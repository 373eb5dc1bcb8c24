// The engine's promises under deadlines, aborts, hung calls and exhausted trees (issue 10).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SearchFailedError } from '../../src/core/errors.ts';
import type { Policy, ProposeRequest, StepProposal } from '../../src/policy/types.ts';
import type { PRM, ScoreRequest } from '../../src/reward/types.ts';
import { beam, bestFirst, greedy, mcts, parseTree, Scheduler, search, startSearch, stringifyTree } from '../../src/index.ts';
import { arithProblem } from '../../src/tasks/arith.ts';
import { arithPolicy, sleep, verifier } from './helpers.ts';

const long = arithProblem(5, { length: 100 });
/** In-process models with no end: k distinct steps per node, never terminal; a hash score. */
const endless: Policy = { name: 'endless', propose: async (r) => Array.from({ length: r.k }, (_, i) => ({ text: `s${i}`, tokens: 1, terminal: false })) };
const hashPRM: PRM = { name: 'hash', score: async (q) => q.map((r) => ((r.key.length * 7919 + r.step.length * 104729) % 1000) / 1000) };
const deep = 1 << 20;
/** Resolves `p`, or 'stuck' after `ms` (so a broken promise fails the test instead of hanging it). */
const within = <T>(p: Promise<T>, ms: number) => Promise.race([p, sleep(ms).then(() => 'stuck' as const)]);

test('wallMs stops a search with in-process models within one wave', async () => {
  for (const strategy of [
    beam({ n: 64, beamWidth: 8, maxDepth: deep }),
    mcts({ simulations: 1e9, parallel: 4, maxDepth: deep }),
    bestFirst({ maxDepth: deep }),
  ]) {
    const t0 = performance.now();
    const r = await within(search({ problem: long, policy: endless, prm: hashPRM, strategy, seed: 1, budget: { wallMs: 150 } }), 5000);
    const ms = performance.now() - t0;
    assert.is.not(r, 'stuck', `${strategy.name} never returned`);
    if (r === 'stuck') return;
    assert.is(r.stats.stoppedBy, 'wallMs', strategy.name);
    assert.ok(ms < 150 + 400, `${strategy.name}: ${ms.toFixed(0)} ms`);
    assert.ok(r.best, `${strategy.name}: anytime result`);
  }
});

test('an AbortSignal fired by a timer stops a search with in-process models', async () => {
  for (const strategy of [beam({ n: 64, beamWidth: 8, maxDepth: deep }), mcts({ simulations: 1e9, maxDepth: deep }), bestFirst({ maxDepth: deep })]) {
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(), 100);
    const t0 = performance.now();
    const r = await within(search({ problem: long, policy: endless, prm: hashPRM, strategy, seed: 1, signal: ctl.signal }), 5000);
    const ms = performance.now() - t0;
    assert.is.not(r, 'stuck', `${strategy.name} never returned`);
    if (r === 'stuck') return;
    assert.is(r.stats.stoppedBy, 'aborted', strategy.name);
    assert.ok(ms < 100 + 400, `${strategy.name}: ${ms.toFixed(0)} ms`);
  }
});

/** Two distinct steps per node, every second step terminal: a tree of 7 nodes at most. */
const tiny: Policy = {
  name: 'tiny',
  propose: async (r) =>
    Array.from({ length: Math.min(r.k, 2) }, (_, i) => ({
      text: `s${i}`,
      tokens: 1,
      terminal: r.steps.length >= 1,
      ...(r.steps.length >= 1 ? { answer: String(i) } : {}),
    })),
};

test('an exhausted tree ends MCTS and best-first with stoppedBy exhausted', async () => {
  const r = await within(
    search({ problem: long, policy: tiny, prm: verifier(1), strategy: mcts({ simulations: 1e9, parallel: 4 }), seed: 1, budget: { wallMs: 3000 } }),
    6000,
  );
  assert.is.not(r, 'stuck', 'mcts never returned');
  if (r === 'stuck') return;
  assert.is(r.stats.stoppedBy, 'exhausted');
  assert.ok(r.stats.wallMs < 2000, `${r.stats.wallMs} ms`);
  assert.is(r.stats.nodes, 7);
  const b = await search({ problem: long, policy: tiny, prm: verifier(1), strategy: bestFirst({ solutions: 10, expansionWidth: 2 }), seed: 1 });
  assert.is(b.stats.stoppedBy, 'exhausted');
});

test('the maxDepth cap is reported, not silent; with nothing finished the best is the deepest, never an inner node', async () => {
  const r = await search({ problem: long, policy: arithPolicy(0.2), prm: verifier(0), strategy: beam({ n: 4, beamWidth: 2 }), seed: 1 });
  assert.is(r.stats.stoppedBy, 'maxDepth');
  assert.is(r.best?.steps.length, 64);
  // constant scores: ties go deeper
  const flat: PRM = { name: 'flat', score: async (q) => q.map(() => 0.5) };
  const g = await search({ problem: long, policy: arithPolicy(0.2), prm: flat, strategy: greedy({ maxDepth: 5 }), seed: 1 });
  assert.is(g.stats.stoppedBy, 'maxDepth');
  assert.is(g.best?.steps.length, 5);
  // falling scores: the first step has the highest value, yet it never beats its own descendants
  const falling: PRM = { name: 'falling', score: async (q) => q.map((x) => 1 / (2 + x.prefix.length)) };
  const f = await search({ problem: long, policy: arithPolicy(0.2), prm: falling, strategy: greedy({ maxDepth: 6 }), seed: 1 });
  assert.is(f.best?.steps.length, 6);
});

test('a hung policy that ignores its signal times out, frees its slot, and never blocks a later search', async () => {
  const scheduler = new Scheduler({ concurrency: 1 });
  const inner = arithPolicy(0.3);
  const hung: Policy = { name: 'hung', propose: (r) => (r.nodeId === '0' ? new Promise<StepProposal[]>(() => {}) : inner.propose(r)) };
  const problem = arithProblem(3, { length: 4 });
  const a = search({ problem, policy: hung, prm: verifier(), strategy: greedy(), seed: 1, scheduler, timeouts: { policyMs: 100 } });
  const ok = await within(search({ problem, policy: inner, prm: verifier(), strategy: beam({ n: 4, beamWidth: 2 }), seed: 1, scheduler }), 4000);
  assert.is.not(ok, 'stuck', 'the healthy search waited for the hung one');
  const ra = await within(
    a.then(
      () => 'resolved',
      (e: unknown) => e,
    ),
    4000,
  );
  assert.instance(ra, SearchFailedError);
  assert.match((ra as Error).message, /timed out after 100 ms/);
  // a hung call on one node (the second call): that node fails, the search goes on and finishes
  let calls = 0;
  const some: Policy = { name: 'some', propose: (r) => (++calls === 2 ? new Promise<StepProposal[]>(() => {}) : inner.propose(r)) };
  const r = await within(
    search({ problem, policy: some, prm: verifier(), strategy: mcts({ simulations: 30 }), seed: 1, scheduler, timeouts: { policyMs: 100 } }),
    4000,
  );
  assert.is.not(r, 'stuck');
  if (r === 'stuck') return;
  const failed = r.tree.nodes.filter((n) => n.failed);
  assert.is(r.stats.failures, 1);
  assert.match(failed[0]?.failed ?? '', /policy some timed out after 100 ms/);
  assert.ok(r.best?.terminal);
});

test('PRM calls get the signal and a timeout; a hung PRM batch fails its nodes and the search goes on', async () => {
  let seen: AbortSignal | undefined;
  let calls = 0;
  const inner = verifier();
  const hungOnce: PRM = {
    name: 'hung-once',
    score: (reqs: readonly ScoreRequest[], signal?: AbortSignal) => {
      seen = signal;
      return ++calls === 2 ? new Promise<number[]>(() => {}) : inner.score(reqs);
    },
  };
  const problem = arithProblem(3, { length: 4 });
  const r = await within(
    search({ problem, policy: arithPolicy(0.3), prm: hungOnce, strategy: mcts({ simulations: 20 }), seed: 1, timeouts: { prmMs: 100 } }),
    4000,
  );
  assert.is.not(r, 'stuck');
  if (r === 'stuck') return;
  assert.instance(seen, AbortSignal);
  assert.ok(r.stats.failures >= 1 && r.tree.nodes.some((n) => /PRM.*timed out after 100 ms/.test(n.failed ?? '')));
  assert.ok(r.tree.root.visits >= 20);
  // aborting the search aborts the signal the PRM holds
  const ctl = new AbortController();
  let held: AbortSignal | undefined;
  const slowPRM: PRM = { name: 'slow', score: (reqs, signal) => ((held = signal), new Promise((res) => setTimeout(() => res(reqs.map(() => 0.5)), 1000))) };
  const run = startSearch({ problem, policy: arithPolicy(), prm: slowPRM, strategy: greedy(), seed: 1, signal: ctl.signal });
  await sleep(50);
  ctl.abort();
  const ra = await run.result;
  assert.is(ra.stats.stoppedBy, 'aborted');
  assert.ok(held?.aborted, 'the PRM signal was not aborted');
});

test('visit counts stay integers with fractional virtual loss; the tree parses back', async () => {
  const problem = arithProblem(2, { length: 6 });
  const r = await search({
    problem,
    policy: arithPolicy(0.4),
    prm: verifier(1),
    strategy: mcts({ simulations: 200, virtualLoss: 0.7, parallel: 16 }),
    seed: 1,
  });
  assert.ok(
    r.tree.nodes.every((n) => Number.isInteger(n.visits)),
    'a fractional visit count',
  );
  parseTree(stringifyTree(r), 't.json');
});

test('run.events() ends whenever it is called', async () => {
  const problem = arithProblem(2, { length: 4 });
  const run = startSearch({ problem, policy: arithPolicy(), prm: verifier(), strategy: beam({ n: 4, beamWidth: 2 }), seed: 1 });
  await sleep(5);
  const late: string[] = [];
  const done = within(
    (async () => {
      for await (const e of run.events()) late.push(e.type);
    })(),
    3000,
  );
  assert.is.not(await done, 'stuck', 'events() called late never ended');
  await run.result;
  assert.is(late[late.length - 1], 'done');
  // after the search ended: the stream gives the done event and ends
  const after: string[] = [];
  for await (const e of run.events()) after.push(e.type);
  assert.equal(after, ['done']);
});

test('a resumed search continues the same search: budgets and simulations count the whole tree', async () => {
  const problem = arithProblem(4, { length: 6 });
  const base = { problem, policy: arithPolicy(0.4), prm: verifier(1), seed: 5 } as const;
  const first = await search({ ...base, strategy: mcts({ simulations: 30, parallel: 2 }) });
  const cont = await search({ ...base, strategy: mcts({ simulations: 60, parallel: 2 }), resume: parseTree(stringifyTree(first)) });
  const straight = await search({ ...base, strategy: mcts({ simulations: 60, parallel: 2 }) });
  assert.is(stringifyTree(cont), stringifyTree(straight));
  const b1 = await search({ ...base, strategy: beam({ n: 8, beamWidth: 4 }), budget: { policyCalls: 3 } });
  assert.is(b1.stats.stoppedBy, 'policyCalls');
  const b2 = await search({ ...base, strategy: beam({ n: 8, beamWidth: 4 }), budget: { policyCalls: 5 }, resume: parseTree(stringifyTree(b1)) });
  assert.is(b2.stats.policyCalls, 5); // the loaded 3 count against the budget of 5
  const b3 = await search({ ...base, strategy: beam({ n: 8, beamWidth: 4 }), budget: { policyCalls: 5 } });
  assert.equal({ ...b2.stats, wallMs: 0 }, { ...b3.stats, wallMs: 0 });
  assert.equal(b2.best, b3.best);
});

test.run();

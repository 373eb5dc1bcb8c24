import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InvalidOptionError, SearchFailedError } from '../../src/core/errors.ts';
import { beam, bestFirst, bestOfN, dvts, greedy, mcts, parseTree, Scheduler, search, startSearch, stringifyTree } from '../../src/index.ts';
import type { Policy } from '../../src/policy/types.ts';
import { arithProblem } from '../../src/tasks/arith.ts';
import { arithPolicy, jittery, slow, spyPRM, verifier } from './helpers.ts';

const problem = arithProblem(11, { length: 8 });

test('same seed ⇒ byte-identical tree JSON whatever order responses arrive in', async () => {
  const specs = [
    beam({ n: 8, beamWidth: 2, lookahead: 1 }),
    mcts({ simulations: 30, parallel: 6 }),
    bestFirst({ parallel: 4 }),
    dvts({ n: 8, beamWidth: 2 }),
    bestOfN({ n: 8 }),
  ];
  for (const strategy of specs) {
    const jsons = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const r = await search({
        problem,
        policy: jittery(arithPolicy(0.4), 3),
        prm: verifier(1),
        strategy,
        seed: 42,
        scheduler: new Scheduler({ concurrency: 16 }),
      });
      jsons.add(stringifyTree(r));
    }
    assert.is(jsons.size, 1, `${strategy.name} differs across timings`);
  }
  const other = await search({ problem, policy: arithPolicy(0.4), prm: verifier(1), strategy: mcts({ simulations: 30, parallel: 6 }), seed: 43 });
  const same = await search({ problem, policy: arithPolicy(0.4), prm: verifier(1), strategy: mcts({ simulations: 30, parallel: 6 }), seed: 42 });
  assert.is.not(stringifyTree(other), stringifyTree(same));
});

test('each budget axis stops the search and is reported in stoppedBy', async () => {
  const run = (budget: object, policy: Policy = arithPolicy()) =>
    search({ problem, policy, prm: verifier(), strategy: beam({ n: 8, beamWidth: 4 }), seed: 1, budget });
  const full = await run({});
  assert.is(full.stats.stoppedBy, 'complete');
  const pc = await run({ policyCalls: 5 });
  assert.is(pc.stats.stoppedBy, 'policyCalls');
  assert.is(pc.stats.policyCalls, 5);
  const tk = await run({ tokens: 100 });
  assert.is(tk.stats.stoppedBy, 'tokens');
  assert.ok(tk.stats.tokens <= 100 && tk.stats.tokens > 80);
  const prm = await run({ prmCalls: 10 });
  assert.is(prm.stats.stoppedBy, 'prmCalls');
  assert.is(prm.stats.prmCalls, 10);
  const nodes = await run({ nodes: 9 });
  assert.is(nodes.stats.stoppedBy, 'nodes');
  assert.ok(nodes.stats.nodes <= 9);
  const t0 = Date.now();
  const wall = await run({ wallMs: 60 }, slow(arithPolicy(), 25));
  assert.is(wall.stats.stoppedBy, 'wallMs');
  assert.ok(Date.now() - t0 < 500);
  for (const r of [pc, tk, prm, nodes, wall]) assert.ok(r.best, `anytime result for ${r.stats.stoppedBy}`);
});

test('abort mid-search returns the best found so far', async () => {
  const ctl = new AbortController();
  const run = startSearch({ problem, policy: slow(arithPolicy(), 10), prm: verifier(), strategy: mcts({ simulations: 1000 }), seed: 1, signal: ctl.signal });
  setTimeout(() => ctl.abort(), 80);
  const r = await run.result;
  assert.is(r.stats.stoppedBy, 'aborted');
  assert.ok(r.best && r.best.steps.length >= 1);
  assert.ok(r.stats.nodes > 1 && r.tree.root.visits < 1000);
});

test('a policy failing on some nodes marks them failed and the search goes on', async () => {
  const inner = arithPolicy(0.3);
  const flaky: Policy = {
    name: 'flaky',
    propose: async (r) => {
      if (/\.1$/.test(r.nodeId)) throw new Error('server 503');
      return inner.propose(r);
    },
  };
  const r = await search({ problem, policy: flaky, prm: verifier(), strategy: mcts({ simulations: 60 }), seed: 3 });
  const failed = r.tree.nodes.filter((n) => n.failed);
  assert.ok(failed.length > 0 && failed.every((n) => /server 503/.test(n.failed!)));
  assert.is(r.stats.failures, failed.length);
  assert.ok(r.best?.terminal);
  const dead: Policy = {
    name: 'dead',
    propose: async () => {
      throw new Error('connection refused');
    },
  };
  try {
    await search({ problem, policy: dead, prm: verifier(), strategy: greedy(), seed: 1 });
    assert.unreachable();
  } catch (e) {
    assert.instance(e, SearchFailedError);
    assert.match((e as Error).message, /connection refused/);
  }
});

test('a PRM that fails or returns nonsense marks those nodes failed', async () => {
  let n = 0;
  const inner = verifier();
  const bad = {
    name: 'bad',
    score: async (reqs: readonly never[]) => {
      n++;
      if (n === 2) throw new Error('OOM');
      const s = await inner.score(reqs);
      if (n === 3) s[0] = NaN;
      return s;
    },
  };
  const r = await search({ problem, policy: arithPolicy(), prm: bad, strategy: mcts({ simulations: 20 }), seed: 1 });
  assert.ok(r.tree.nodes.some((x) => /OOM/.test(x.failed ?? '')));
  assert.ok(r.tree.nodes.some((x) => /not a probability/.test(x.failed ?? '')));
  assert.ok(r.best);
});

test('tree JSON round trip, and a loaded tree continues without re-scoring', async () => {
  const prm1 = spyPRM(verifier());
  const first = await search({ problem, policy: arithPolicy(), prm: prm1, strategy: beam({ n: 8, beamWidth: 4 }), seed: 9, budget: { policyCalls: 6 } });
  const text = stringifyTree(first);
  const loaded = parseTree(text, 'first.json');
  assert.is(JSON.stringify(loaded.json), text);
  assert.equal(loaded.tree.nodes, first.tree.nodes);
  assert.ok(Object.isFrozen(loaded.tree.nodes[1]));
  const prm2 = spyPRM(verifier());
  const cont = await search({ problem, policy: arithPolicy(), prm: prm2, strategy: beam({ n: 8, beamWidth: 4 }), seed: 9, resume: loaded });
  assert.is(cont.stats.stoppedBy, 'complete');
  assert.is(prm2.keys.length, cont.stats.nodes - first.stats.nodes); // only new nodes scored
  for (const n of first.tree.nodes.slice(1)) assert.is(cont.tree.get(n.id)!.score, n.score);
  // the continued search is the same as one run straight through
  const straight = await search({ problem, policy: arithPolicy(), prm: verifier(), strategy: beam({ n: 8, beamWidth: 4 }), seed: 9 });
  assert.equal(cont.best, straight.best);
  for (const n of first.tree.nodes) assert.is(first.tree.get(n.id), n);
  for (const bad of ['0.', '0.01', '1', '0.99', '', '0.1.x']) assert.is(first.tree.get(bad), undefined, bad);
  assert.throws(() => parseTree(text.replace('"schemaVersion":1', '"schemaVersion":9'), 'x.json'), /x\.json: schemaVersion/);
  assert.throws(() => parseTree(text.replace(/"score":[0-9.e-]+/, '"score":"high"'), 'x.json'), /x\.json: nodes\[1\]\.score/);
});

test('invalid options fail before any model call, naming the option', async () => {
  let calls = 0;
  const policy: Policy = { name: 'spy', propose: async () => (calls++, []) };
  const cases: [() => unknown, RegExp][] = [
    [() => beam({ n: 6, beamWidth: 4 }), /beam\.n/],
    [() => beam({ n: 8, beamWidth: 0 }), /beam\.beamWidth/],
    [() => mcts({ formula: 'ucb' as never }), /mcts\.formula/],
    [() => mcts({ simulaitons: 3 } as never), /mcts\.simulaitons/],
    [() => bestFirst({ depthPenalty: -1 }), /best-first\.depthPenalty/],
    [() => startSearch({ problem, policy, prm: verifier(), strategy: greedy(), budget: { tokens: -1 } }), /budget\.tokens/],
    [() => startSearch({ problem, policy, prm: verifier(), strategy: greedy(), budget: { time: 5 } as never }), /budget\.time/],
    [() => startSearch({ problem, policy, prm: verifier(), strategy: greedy(), aggregation: 'median' as never }), /aggregation/],
    [() => startSearch({ problem, policy, prm: verifier(), strategy: greedy(), selection: 'vote' as never }), /selection/],
  ];
  for (const [f, re] of cases) assert.throws(f, (e: unknown) => e instanceof InvalidOptionError && re.test((e as Error).message));
  await new Promise((r) => setTimeout(r, 10));
  assert.is(calls, 0);
});

test('events: typed emitter and AsyncIterable agree; PRM never asked twice for a node', async () => {
  const prm = spyPRM(verifier());
  const run = startSearch({ problem, policy: arithPolicy(), prm, strategy: mcts({ simulations: 20, parallel: 4 }), seed: 1 });
  let backups = 0;
  run.on('backup', () => backups++);
  const types: string[] = [];
  for await (const e of run.events()) types.push(e.type);
  const r = await run.result;
  assert.is(types[types.length - 1], 'done');
  assert.is(types.filter((t) => t === 'backup').length, backups);
  assert.ok(types.includes('expand') && types.includes('score') && types.includes('select'));
  assert.is(new Set(prm.keys).size, prm.keys.length);
  assert.is(prm.keys.length, r.stats.prmCalls);
});

test('concurrent searches share PRM batches through one scheduler; the concurrency cap holds', async () => {
  const scheduler = new Scheduler({ concurrency: 3 });
  const prm = spyPRM(verifier());
  const rs = await Promise.all(
    [1, 2, 3, 4].map((s) =>
      search({ problem: arithProblem(s), policy: jittery(arithPolicy(), 2), prm, strategy: beam({ n: 4, beamWidth: 2 }), seed: s, scheduler }),
    ),
  );
  const waves = rs.reduce((a, r) => a + r.tree.nodes.filter((n) => n.children.length).length, 0);
  assert.ok(prm.batches < waves, `${prm.batches} batches for ${waves} expansions`);
  assert.ok(scheduler.stats.peakInFlight <= 3);
});

test.run();

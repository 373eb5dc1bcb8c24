import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InvalidOptionError } from '../../src/core/errors.ts';
import { rebase, rebaseWidths, search } from '../../src/index.ts';
import { strategyByName } from '../../src/search/strategies/index.ts';
import { arithProblem, gradeArith } from '../../src/tasks/arith.ts';
import { arithPolicy, verifier } from './helpers.ts';

test('allocation on a hand-made frontier: softmax(value / T) shares of B, rounded as the paper does', () => {
  // T = 0.2: exp((v − 0.9)/0.2) = 1, e^−0.5, e^−2, e^−4 → shares of 8 = 4.545, 2.757, 0.615, 0.083
  const v = [0.9, 0.8, 0.5, 0.1];
  assert.equal(rebaseWidths(v, [1, 1, 1, 1], 8, 0.2, 'round'), [5, 3, 1, 0]);
  // largest remainder: floors 4, 2, 0, 0 and the two largest remainders (.757, .615) get one more each
  assert.equal(rebaseWidths(v, [1, 1, 1, 1], 8, 0.2, 'largest-remainder'), [4, 3, 1, 0]);
  // a lower temperature concentrates the budget: 16·(1, e^−1, e^−4, e^−8)/Σ = 11.54, 4.25, 0.21, 0.004
  assert.equal(rebaseWidths(v, [1, 1, 1, 1], 16, 0.1), [12, 4, 0, 0]);
  // a node merging 3 identical samples weighs 3 nodes
  assert.equal(rebaseWidths([0.5, 0.5], [3, 1], 8, 0.1), [6, 2]);
  // every width rounds to 0: the best node still gets one
  assert.equal(rebaseWidths([0.5, 0.7, 0.5], [1, 1, 1], 1, 1), [0, 1, 0]);
  assert.equal(rebaseWidths([0.5, 0.5], [1, 1], 0, 0.1), [0, 0]);
  // no overflow at tiny temperature
  assert.equal(rebaseWidths([1, 0.99], [1, 1], 4, 1e-4), [4, 0]);
});

test('options are validated and named', () => {
  assert.throws(
    () => rebase({ n: 0 }),
    (e: unknown) => e instanceof InvalidOptionError && e.option === 'rebase.n',
  );
  assert.throws(
    () => rebase({ n: 4, balanceTemperature: 0 }),
    (e: unknown) => e instanceof InvalidOptionError && e.option === 'rebase.balanceTemperature',
  );
  assert.throws(
    () => rebase({ n: 4, rounding: 'ceil' as never }),
    (e: unknown) => e instanceof InvalidOptionError && e.option === 'rebase.rounding',
  );
  assert.throws(
    () => rebase({ n: 4, beamWidth: 2 } as never),
    (e: unknown) => e instanceof InvalidOptionError && e.option === 'rebase.beamWidth',
  );
  assert.equal(strategyByName('rebase', { n: 4 }).config, { n: 4, balanceTemperature: 0.2, rounding: 'round', maxDepth: 64 });
});

test('finished solutions count against N: with largest-remainder exactly N samples finish', async () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    const problem = arithProblem(seed, { length: 6 });
    const r = await search({ problem, policy: arithPolicy(0.3), prm: verifier(1), strategy: rebase({ n: 12, rounding: 'largest-remainder' }), seed });
    const finished = r.tree.terminals().reduce((a, n) => a + n.count, 0);
    assert.is(finished, 12, `seed ${seed}`);
    // per depth, the widths asked for sum to N minus the solutions finished above that depth
    let done = 0;
    for (let d = 0; d < 6; d++) {
      const asked = r.tree.nodes.filter((n) => n.depth === d).reduce((a, n) => a + n.requested, 0);
      assert.is(asked, 12 - done, `seed ${seed} depth ${d}`);
      done += r.tree.nodes.filter((n) => n.depth === d + 1 && n.terminal).reduce((a, n) => a + n.count, 0);
    }
  }
});

test('golden: fixed seed gives this exact tree shape and allocation', async () => {
  const problem = arithProblem(3, { length: 5 });
  const r = await search({ problem, policy: arithPolicy(0.6), prm: verifier(6), strategy: rebase({ n: 8, balanceTemperature: 0.3 }), seed: 3 });
  const alloc = r.tree.nodes.filter((n) => n.requested > 0).map((n) => `${n.id}:${n.requested}`);
  console.log(`    ${JSON.stringify(alloc)} nodes=${r.stats.nodes} best=${r.best?.nodeId}`);
  assert.equal(alloc, GOLDEN_ALLOC);
  assert.is(r.stats.nodes, GOLDEN_NODES);
  assert.is(r.best?.nodeId, GOLDEN_BEST);
});

test('with a noiseless verifier REBASE solves what beam solves', async () => {
  let ok = 0;
  for (let s = 0; s < 10; s++) {
    const problem = arithProblem(s, { length: 10 });
    const r = await search({ problem, policy: arithPolicy(0.3), prm: verifier(0), strategy: rebase({ n: 8 }), seed: s });
    if (gradeArith(problem, r.best?.answer ?? null)) ok++;
  }
  assert.ok(ok >= 9, `solved ${ok}/10`);
});

// node id : children asked for (W_j); regenerate only for a deliberate change of the algorithm
const GOLDEN_ALLOC = ['0:8', '0.0:2', '0.1:3', '0.5:3', '0.1.0:7', '0.5.2:1', '0.1.0.1:4', '0.1.0.4:2', '0.5.2.0:2', '0.1.0.1.1:3', '0.5.2.0.1:4'];
const GOLDEN_NODES = 36;
const GOLDEN_BEST = '0.1.0.1.1.1';

test.run();

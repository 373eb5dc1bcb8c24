import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BudgetMeter } from '../../src/core/budget.ts';
import { FormatError } from '../../src/core/errors.ts';
import { NODE_FIELDS, NODE_KEYS } from '../../src/search/fields.ts';
import { beam, mcts, parseTree, search, stringifyTree } from '../../src/index.ts';
import { arithProblem } from '../../src/tasks/arith.ts';
import { arithPolicy, verifier } from './helpers.ts';

test('BudgetMeter: what is left on each axis, from a resumed start, and the clock', () => {
  let now = 0;
  const m = new BudgetMeter({ policyCalls: 5, tokens: 10, prmCalls: 3, nodes: 4, wallMs: 100 }, { policyCalls: 2, tokens: 4, prmCalls: 0 }, () => now);
  assert.is(m.policyCallsLeft(), 3);
  assert.ok(m.takeTokens(6));
  assert.not.ok(m.takeTokens(1)); // 11 > 10: nothing spent
  assert.is(m.used.tokens, 10);
  assert.is(m.prmCallsLeft(), 3);
  assert.ok(m.roomForNode(3));
  assert.is(m.spent(4), 'nodes');
  assert.is(m.spent(1), null);
  now = 100;
  assert.is(m.spent(1), 'wallMs');
  const free = new BudgetMeter({});
  assert.is(free.policyCallsLeft(), Infinity);
  assert.is(free.msLeft(), Infinity);
});

test('node fields are listed once: the table gives the JSON keys, in order, and parseTree checks every one', async () => {
  const r = await search({ problem: arithProblem(1, { length: 4 }), policy: arithPolicy(), prm: verifier(), strategy: mcts({ simulations: 10 }), seed: 1 });
  const json = JSON.parse(stringifyTree(r));
  for (const n of json.nodes) assert.equal(Object.keys(n), NODE_KEYS);
  assert.equal(Object.keys(r.tree.root), [...NODE_KEYS, 'children']);
  // a wrong type in any field is refused, naming that field
  const bad: Record<string, unknown> = {
    id: 7,
    parent: 3,
    depth: -1,
    text: null,
    tokens: 'x',
    prior: 'x',
    score: 2,
    value: 'x',
    visits: 1.5,
    q: 'x',
    terminal: 1,
    answer: 3,
    order: 0.5,
    count: 0,
    requested: -1,
    rollout: 'no',
    failed: 4,
  };
  assert.equal(Object.keys(bad).sort(), [...NODE_KEYS].sort());
  for (const k of NODE_KEYS) {
    const j = JSON.parse(stringifyTree(r));
    j.nodes[1][k] = bad[k];
    assert.throws(
      () => parseTree(j, 'x.json'),
      (e: unknown) => e instanceof FormatError && (e as Error).message.startsWith(`x.json: nodes[1].${k}: expected ${NODE_FIELDS[k].want}`),
      k,
    );
  }
  // round trip through the table, and a resumed beam search reads the restored fields
  const b = await search({ problem: arithProblem(1, { length: 4 }), policy: arithPolicy(), prm: verifier(), strategy: beam({ n: 4, beamWidth: 2 }), seed: 1 });
  assert.equal(parseTree(stringifyTree(b)).tree.nodes, b.tree.nodes);
});

test.run();

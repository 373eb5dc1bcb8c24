import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { beam, bestOfN, search, selections, type Candidate, type SearchResult, type SelectionName, type StrategySpec } from '../../src/index.ts';
import type { Policy, ProposeRequest } from '../../src/policy/types.ts';
import type { PRM, ScoreRequest } from '../../src/reward/types.ts';

// The engine ranks candidates with numeric tie keys; these check it against `selections`, which
// compares node ids as strings, on trees with more than ten siblings ('0.10' sorts before '0.2').

/** Two levels of `k` distinct steps each; the second level is terminal, answers repeat (votes tie too). */
const wide: Policy = {
  name: 'wide',
  propose: async (r: ProposeRequest) =>
    Array.from({ length: r.k }, (_, i) => {
      const terminal = r.steps.length === 1;
      return { text: `${r.nodeId}/${i}`, tokens: 1, terminal, ...(terminal ? { answer: String(i % 3) } : {}) };
    }),
};
/** Two score levels by the step's index (0, 2 and 10 tie), so most candidates tie on value. */
const coarse: PRM = { name: 'coarse', score: async (reqs: readonly ScoreRequest[]) => reqs.map((r) => (Number(r.step.split('/')[1]) % 2 ? 0.25 : 0.5)) };

/** What `selections` makes of the tree's terminals (in creation order), with their steps. */
function expected(r: SearchResult, selection: SelectionName) {
  const terms = r.tree.terminals();
  const cands: Candidate[] = terms.map((n) => ({ nodeId: n.id, answer: n.answer, value: n.value ?? 0, count: n.count }));
  return selections[selection](cands).map((c) => ({ ...c, steps: r.tree.steps(c.nodeId) }));
}

const specs: [string, StrategySpec][] = [
  ['beam 24×12', beam({ n: 24, beamWidth: 12, maxDepth: 2 })],
  ['beam 36×12', beam({ n: 36, beamWidth: 12, maxDepth: 2 })],
  ['best-of-n 12', bestOfN({ n: 12 })],
];

test('candidates come in the order selections rank them, ties by id as strings', async () => {
  for (const [name, strategy] of specs)
    for (const selection of Object.keys(selections) as SelectionName[]) {
      const r = await search({ problem: { id: 'p', text: 'wide' }, policy: wide, prm: coarse, strategy, selection, seed: 1 });
      const want = expected(r, selection);
      assert.ok(want.length > 11, `${name}: a tree with ties past ten siblings`);
      assert.equal(r.candidates, want, `${name}, ${selection}`);
      assert.is(r.best?.nodeId, want[0]!.nodeId, `${name}, ${selection}`);
      assert.equal(Object.keys(r.candidates[0]!), ['nodeId', 'answer', 'value', 'count', 'selectionScore', 'steps']);
    }
});

test('ties really fall to the id: creation order would rank differently', async () => {
  const r = await search({ problem: { id: 'p', text: 'wide' }, policy: wide, prm: coarse, strategy: specs[0]![1], seed: 1 });
  const ids = r.candidates.map((c) => c.nodeId);
  const byCreation = [...r.candidates].sort(
    (a, b) => b.selectionScore - a.selectionScore || b.value - a.value || r.tree.get(a.nodeId)!.order - r.tree.get(b.nodeId)!.order,
  );
  assert.not.equal(
    ids,
    byCreation.map((c) => c.nodeId),
  );
});

test('candidates are made on first read, once: the same on every read, in JSON, spreads and clones', async () => {
  const r = await search({ problem: { id: 'p', text: 'wide' }, policy: wide, prm: coarse, strategy: specs[0]![1], selection: 'weighted', seed: 1 });
  assert.type(Object.getOwnPropertyDescriptor(r, 'candidates')?.get, 'function');
  const first = r.candidates;
  assert.is(r.candidates, first);
  assert.equal(first, expected(r, 'weighted'));
  assert.equal(JSON.parse(JSON.stringify(r)).candidates, JSON.parse(JSON.stringify(first)));
  assert.equal(Object.keys(r), ['best', 'candidates', 'tree', 'stats', 'strategy', 'seed', 'aggregation', 'selection']);
  assert.is({ ...r }.candidates, first);
  assert.equal(structuredClone({ candidates: r.candidates }).candidates, first);
});

test.run();

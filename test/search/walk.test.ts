import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EndScan, idRanks } from '../../src/search/run/walk.ts';
import { idOf, TreeStore, type NodeRec } from '../../src/search/tree.ts';

const problem = { id: 'p', text: 'q' };
const add = (s: TreeStore, parent: NodeRec, terminal = false) => {
  const n = s.addStep(parent, `s${s.size}`, 1, terminal, terminal ? 'a' : null, null, false);
  n.score = 0.5;
  return n;
};

test('idRanks: the string order of ids, past ten siblings, for any subset, making no id', () => {
  const s = new TreeStore(problem);
  const kids = Array.from({ length: 12 }, () => add(s, s.root));
  const deep = [add(s, kids[1]!), add(s, kids[10]!), add(s, kids[2]!), add(s, kids[10]!)];
  const pickOrder = [deep[2]!, kids[11]!, deep[0]!, kids[0]!, deep[3]!, kids[2]!, deep[1]!];
  const ranks = idRanks(s, pickOrder);
  assert.ok(
    s.nodes.slice(1).every((n) => typeof n.tag === 'number'),
    'no id made',
  );
  const byRank = pickOrder.map((n, i) => [ranks[i]!, n] as const).sort((a, b) => a[0] - b[0]);
  const ids = byRank.map(([, n]) => idOf(n));
  assert.equal(ids, [...ids].sort()); // '0.10.0' < '0.11' < '0.2' …
  assert.equal(ids, ['0.0', '0.1.0', '0.10.0', '0.10.1', '0.11', '0.2', '0.2.0']);
  assert.equal([...ranks].sort(), [0, 1, 2, 3, 4, 5, 6]);
});

test('EndScan: usable terminals in creation order; capped while a usable open node at the cap waits', () => {
  const s = new TreeStore(problem);
  const ends = new EndScan(s, 2);
  const a = add(s, s.root);
  const t1 = add(s, s.root, true);
  const b = add(s, a);
  const t2 = add(s, a, true);
  const bad = add(s, a, true);
  bad.score = null; // its PRM call failed: never told
  for (const n of [a, t1, b, t2]) ends.scored(n);
  assert.equal(ends.scan().terminals, [t1, t2]);
  assert.ok(ends.scan().capped, 'b sits at depth 2 unexpanded');
  b.requested = 4;
  assert.not.ok(ends.scan().capped);
  b.requested = 0;
  b.failed = 'policy error';
  assert.not.ok(ends.scan().capped, 'a failed node does not wait');
  // a resumed store is read up front
  const again = new EndScan(s, 2);
  assert.equal(again.scan().terminals, [t1, t2]);
  assert.not.ok(again.scan().capped);
});

test.run();

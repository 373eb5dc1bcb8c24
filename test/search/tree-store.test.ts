import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { idOf, TreeStore, type NodeRec } from '../../src/search/tree.ts';

const problem = { id: 'p', text: 'q' };
const add = (s: TreeStore, parent: NodeRec, text: string) => s.addStep(parent, text, 1, false, null, null, false);

test('ids are path tags, made on first read, whatever order they are read in', () => {
  const s = new TreeStore(problem);
  const a = add(s, s.root, 'a');
  const b = add(s, s.root, 'b');
  const b0 = add(s, b, 'b0');
  const b1 = add(s, b, 'b1');
  const b10 = add(s, b1, 'b10');
  // a fresh record carries no id string (most are never read during a search), only its index
  assert.equal(
    s.nodes.map((n) => n.tag),
    ['0', 0, 1, 0, 1, 0],
  );
  assert.is(idOf(b10), '0.1.1.0'); // the deepest first: its ancestors' ids are made on the way
  assert.equal(
    s.nodes.map((n) => n.tag),
    ['0', 0, '0.1', 0, '0.1.1', '0.1.1.0'],
  );
  assert.is(idOf(b0), '0.1.0');
  assert.is(idOf(a), '0.0');
  assert.is(s.idOf(b1), '0.1.1');
  assert.is(idOf(b10), idOf(b10));
  for (const n of s.nodes) assert.is(s.get(idOf(n)), n);
});

test('the snapshot and its JSON fields carry the same ids', () => {
  const s = new TreeStore(problem);
  const x = add(s, s.root, 'x');
  add(s, x, 'y');
  add(s, s.root, 'z');
  const t = s.snapshot();
  assert.equal(
    t.nodes.map((n) => [n.id, n.parent, n.children]),
    [
      ['0', null, ['0.0', '0.1']],
      ['0.0', '0', ['0.0.0']],
      ['0.0.0', '0.0', []],
      ['0.1', '0', []],
    ],
  );
});

test('a path far deeper than the call stack gets its id without recursion', () => {
  const s = new TreeStore(problem);
  let n = s.root;
  for (let i = 0; i < 50_000; i++) n = add(s, n, `s${i}`);
  const id = idOf(n);
  assert.is(id.length, 1 + 2 * 50_000);
  assert.ok(id.startsWith('0.0.0.') && id.endsWith('.0'));
  assert.is(s.nodes[25_000]!.tag, '0' + '.0'.repeat(25_000));
});

test('a children array made at its expansion width holds only the children added, in order', () => {
  for (const width of [1, 2, 3, 4, 5, 8, 9, 20]) {
    for (const added of [1, 2, width - 1, width, width + 1, 2 * width + 3]) {
      if (added < 1) continue;
      const s = new TreeStore(problem);
      const kids = Array.from({ length: added }, (_, i) => s.addStep(s.root, `c${i}`, 1, false, null, null, false, width));
      const seen = s.root.children;
      assert.is(seen.length, added, `width ${width}, ${added} added`);
      assert.equal([...seen], kids);
      assert.equal(
        seen.map((k) => s.idOf(k)),
        kids.map((_, i) => `0.${i}`),
      );
      assert.is(s.childByText(s.root, `c${added - 1}`), kids[added - 1]);
      assert.is(s.snapshot().root.children.length, added);
    }
  }
});

test.run();

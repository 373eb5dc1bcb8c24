import { test } from 'uvu';
import * as assert from 'uvu/assert';
import seedrandom from 'seedrandom';
import { BinaryHeap } from '../../src/core/heap.ts';

type Item = { p: number; order: number };
const before = (a: Item, b: Item) => a.p > b.p || (a.p === b.p && a.order < b.order);

test('pops in priority order, ties by insertion order, interleaved with pushes', () => {
  const rng = seedrandom('heap');
  const h = new BinaryHeap(before);
  const ref: Item[] = [];
  let order = 0;
  for (let round = 0; round < 200; round++) {
    for (let i = 0; i < 1 + Math.floor(rng() * 5); i++) {
      const x = { p: Math.floor(rng() * 10), order: order++ }; // few distinct priorities: many ties
      h.push(x);
      ref.push(x);
    }
    ref.sort((a, b) => (before(a, b) ? -1 : 1));
    for (let i = 0; i < Math.floor(rng() * 4) && ref.length; i++) assert.equal(h.pop(), ref.shift());
    assert.is(h.size, ref.length);
    assert.equal(h.peek(), ref[0]);
  }
  while (ref.length) assert.equal(h.pop(), ref.shift());
  assert.is(h.pop(), undefined);
  assert.is(h.size, 0);
});

test('truncate keeps the best n and returns the rest in pop order; the heap still works', () => {
  const h = new BinaryHeap(before);
  [5, 1, 9, 3, 7, 9].forEach((p, order) => h.push({ p, order }));
  const dropped = h.truncate(3);
  assert.equal(
    dropped.map((x) => x.p),
    [5, 3, 1],
  );
  h.push({ p: 8, order: 6 });
  assert.equal(
    [h.pop(), h.pop(), h.pop(), h.pop()].map((x) => x?.order),
    [2, 5, 6, 4],
  );
  assert.equal(h.truncate(10), []);
});

test.run();

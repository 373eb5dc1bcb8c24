import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { NodeFlags } from '../../src/search/strategies/node-flags.ts';
import type { SearchNode } from '../../src/search/strategy.ts';

const node = (order: number) => ({ order }) as SearchNode;

test('bits are per node and per flag, and survive growth past the first block', () => {
  const f = new NodeFlags();
  const [A, B] = [1, 2];
  f.set(node(3), A);
  f.set(node(1000), B);
  f.set(node(3), B);
  assert.ok(f.has(node(3), A) && f.has(node(3), B));
  assert.not.ok(f.has(node(1000), A));
  assert.ok(f.has(node(1000), B));
  assert.not.ok(f.has(node(4), A) || f.has(node(4), B));
  assert.not.ok(f.has(node(1e6), A)); // past the end: unset, not an error
  for (let i = 0; i < 5000; i += 7) f.set(node(i), A);
  for (let i = 0; i < 5000; i++) assert.is(f.has(node(i), A), i % 7 === 0 || i === 3, `node ${i}`);
});

test.run();

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { levelBin, quantileBins } from '../../src/experiments/bins.ts';

test('quintile bins by rank: bin 1 holds the highest values, sizes differ by at most one, ties never empty a bin', () => {
  const items = Array.from({ length: 23 }, (_, i) => ({ id: `p${String(i).padStart(2, '0')}`, value: i < 12 ? 1 : 0 }));
  const b = quantileBins(items, 5);
  const sizes = [1, 2, 3, 4, 5].map((q) => [...b.values()].filter((x) => x === q).length);
  assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, JSON.stringify(sizes));
  assert.is(b.get('p00'), 1);
  assert.is(b.get('p22'), 5);
  // a higher value never lands in a harder bin
  for (const x of items) for (const y of items) if (x.value > y.value) assert.ok(b.get(x.id)! <= b.get(y.id)!);
});

test('MATH levels from numbers or "Level n"; bad ones name the field', () => {
  assert.is(levelBin('Level 3', 'level'), 3);
  assert.is(levelBin(5, 'level'), 5);
  assert.throws(() => levelBin('Level ?', 'items[3].level'), /items\[3\]\.level/);
});

test.run();

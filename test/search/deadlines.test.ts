import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Deadlines } from '../../src/search/deadlines.ts';
import { sleep } from './helpers.ts';

test('deadlines fire in time order, cancelled ones never, with one timer', async () => {
  const d = new Deadlines();
  const fired: string[] = [];
  d.add(60, () => fired.push('b'));
  const cancel = d.add(30, () => fired.push('never'));
  d.add(20, () => fired.push('a'));
  cancel();
  assert.is(d.size, 2);
  await sleep(40);
  assert.equal(fired, ['a']);
  d.add(5, () => fired.push('late-added, early due'));
  await sleep(60);
  assert.equal(fired, ['a', 'late-added, early due', 'b']);
  assert.is(d.size, 0);
});

test.run();

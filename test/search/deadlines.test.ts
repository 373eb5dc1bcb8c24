import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Deadlines } from '../../src/search/deadlines.ts';
import { sleep } from './helpers.ts';

test('deadlines fire in time order, cancelled ones never, with one timer re-armed for the earliest', async () => {
  const d = new Deadlines();
  const fired: string[] = [];
  d.add(600, () => fired.push('b'));
  const never = d.add(30, () => fired.push('never'));
  d.add(20, () => fired.push('a'));
  d.cancel(never);
  assert.is(d.size, 2);
  await sleep(150);
  assert.equal(fired, ['a']);
  d.add(5, () => fired.push('added later, due earlier'));
  await sleep(150);
  assert.equal(fired, ['a', 'added later, due earlier']);
  while (d.size) await sleep(50);
  assert.equal(fired, ['a', 'added later, due earlier', 'b']);
});

test.run();

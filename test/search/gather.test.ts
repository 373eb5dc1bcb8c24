import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Failure, Gather } from '../../src/search/run/gather.ts';

const hook = () => {
  const c = { settled: 0, settle: () => void c.settled++ };
  return c;
};

test('outcomes land by index whatever order they come in; wait resolves once all have', async () => {
  const g = new Gather<ReturnType<typeof hook>>(4, true);
  const calls = [hook(), hook(), hook()];
  const at = calls.map((c) => g.add(c));
  assert.equal(at, [0, 1, 2]);
  assert.is(g.size, 3);
  const w = g.wait();
  assert.instance(w, Promise);
  let done = false;
  void (w as Promise<boolean>).then(() => (done = true));
  g.settled(2, true, 'c');
  g.settled(0, false, new Error('x'));
  await Promise.resolve();
  assert.is(done, false, 'one call still open');
  g.settled(1, true, 'b');
  assert.is(await w, true);
  assert.is(g.values[1], 'b');
  assert.is(g.values[2], 'c');
  assert.instance(g.values[0], Failure);
  assert.is(((g.values[0] as Failure).error as Error).message, 'x');
  assert.equal(
    calls.map((c) => c.settled),
    [1, 1, 1],
    'each call is told once its outcome came',
  );
});

test('wait is true at once when everything settled already; stop wakes a waiter with false', async () => {
  const g = new Gather(1, false);
  g.settled(g.expect(), true, [0.5]);
  assert.is(g.wait(), true);
  const h = new Gather(1, false);
  h.expect();
  const w = h.wait() as Promise<boolean>;
  h.stop();
  assert.is(await w, false);
});

test('whenDone runs once every call has settled, even after stop (the PRM may release then)', () => {
  const g = new Gather(2, false);
  g.expect();
  g.expect();
  let ran = 0;
  void g.wait();
  g.stop();
  g.whenDone(() => ran++);
  g.settled(0, true, 1);
  assert.is(ran, 0);
  g.settled(1, true, 2);
  assert.is(ran, 1);
  const idle = new Gather(0, false);
  idle.whenDone(() => ran++);
  assert.is(ran, 2, 'nothing open: at once');
});

test.run();

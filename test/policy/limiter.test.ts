import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Limiter } from '../../src/policy/openai/limiter.ts';
import { limiterFor } from '../../src/policy/openai/limiter.ts';

const tick = () => new Promise((r) => setTimeout(r, 2));

test('caps work in flight and runs everything queued', async () => {
  const l = new Limiter(3);
  let now = 0,
    peak = 0;
  const done = await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      l.run(async () => {
        peak = Math.max(peak, ++now);
        await tick();
        now--;
        return i;
      }),
    ),
  );
  assert.equal(done, [...Array(10).keys()]);
  assert.is(peak, 3);
  assert.is(l.peak, 3);
  assert.is(l.inFlight, 0);
});

test('a queued task whose signal aborts leaves the queue; a failing task frees its slot', async () => {
  const l = new Limiter(1);
  let release!: () => void;
  const first = l.run(() => new Promise<void>((r) => (release = r)));
  const ac = new AbortController();
  const queued = l.run(async () => 'never', ac.signal);
  ac.abort(new Error('cancelled'));
  try {
    await queued;
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, 'cancelled');
  }
  release();
  await first;
  await l.run(async () => Promise.reject(new Error('x'))).catch(() => {});
  assert.is(await l.run(async () => 'next'), 'next');
});

test('adaptive: halves on throttle down to min, grows back by 1/limit per success', () => {
  const l = new Limiter(16, true, 2);
  l.onThrottle();
  assert.is(l.limit, 8);
  (l.onThrottle(), l.onThrottle(), l.onThrottle());
  assert.is(l.limit, 2);
  for (let i = 0; i < 4; i++) l.onSuccess();
  assert.ok(l.limit > 3 && l.limit < 4.1);
  const fixed = new Limiter(4);
  fixed.onThrottle();
  assert.is(fixed.limit, 4);
  assert.is(limiterFor('http://a', 4, false), limiterFor('http://a', 4, false), 'one cap per endpoint and settings');
  assert.is.not(limiterFor('http://a', 4, false), limiterFor('http://a', 9, true), 'other settings get their own');
});

test.run();

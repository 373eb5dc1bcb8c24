import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { backoffMs, classify, MalformedResponse, RetriesExhausted, retryAfter, sleep, withRetries, type RetryOptions } from '../../src/policy/openai/retry.ts';

const o: RetryOptions = { retries: 3, baseDelayMs: 100, maxDelayMs: 1000, retryAfterCapMs: 2000, rng: () => 0.5 };
const h = (v: Record<string, string>) => new Headers(v);

test('Retry-After: seconds, HTTP date, retry-after-ms; honoured up to the cap', () => {
  assert.is(retryAfter(h({ 'retry-after': '3' })), 3000);
  assert.is(retryAfter(h({ 'retry-after-ms': '150' })), 150);
  const d = retryAfter(h({ 'retry-after': new Date(Date.now() + 10_000).toUTCString() }))!;
  assert.ok(d > 8000 && d <= 10_000);
  assert.is(retryAfter(h({})), undefined);
  assert.is(retryAfter(h({ 'retry-after': 'soon' })), undefined);
  assert.is(backoffMs(0, { retry: true, status: 429, kind: 'http', retryAfterMs: 60_000, message: '' }, o), 2000 + 50);
  assert.is(backoffMs(0, { retry: true, status: 429, kind: 'http', retryAfterMs: 10, message: '' }, o), 10 + 50);
});

test('backoff: full jitter, doubling, capped', () => {
  const f = { retry: true, status: 500, kind: 'http' as const, message: '' };
  assert.equal(
    [0, 1, 2, 3, 10].map((a) => backoffMs(a, f, o)),
    [50, 100, 200, 400, 500],
  );
  assert.is(backoffMs(3, f, { ...o, rng: () => 0 }), 0);
});

test('classify: what is retried', () => {
  const err = (s: number) => APIError.generate(s, { error: { message: 'x' } }, undefined, h({}));
  assert.equal(
    [429, 500, 503, 408].map((s) => classify(err(s)).retry),
    [true, true, true, true],
  );
  assert.equal(
    [400, 401, 404, 422].map((s) => classify(err(s)).retry),
    [false, false, false, false],
  );
  assert.is(classify(new APIConnectionTimeoutError()).kind, 'timeout');
  assert.is(classify(new APIConnectionError({ message: 'reset' })).kind, 'connection');
  assert.is(classify(new MalformedResponse('no choices')).kind, 'malformed');
  assert.is(classify(new SyntaxError('Unexpected end of JSON')).retry, true);
  assert.is(classify(new APIUserAbortError()).kind, 'aborted');
  const ac = new AbortController();
  ac.abort();
  assert.is(classify(new APIConnectionError({ message: 'x' }), ac.signal).retry, false);
});

test('withRetries: succeeds after failures, gives up with the last failure, stops on abort', async () => {
  let n = 0;
  const seen: string[] = [];
  const v = await withRetries(
    async () => (n++ < 2 ? Promise.reject(new MalformedResponse('x')) : 'ok'),
    { ...o, baseDelayMs: 1 },
    undefined,
    (f) => seen.push(f.kind),
  );
  assert.equal([v, n, seen], ['ok', 3, ['malformed', 'malformed']]);
  try {
    await withRetries(async () => Promise.reject(APIError.generate(500, { error: { message: 'boom' } }, undefined, h({}))), {
      ...o,
      retries: 2,
      baseDelayMs: 1,
    });
    assert.unreachable();
  } catch (e) {
    assert.instance(e, RetriesExhausted);
    assert.is((e as RetriesExhausted).attempts, 3);
    assert.match((e as Error).message, '500 boom');
  }
  const ac = new AbortController();
  const p = withRetries(
    async () => Promise.reject(APIError.generate(429, undefined, undefined, h({ 'retry-after': '100' }))),
    { ...o, retryAfterCapMs: 100_000 },
    ac.signal,
  );
  setTimeout(() => ac.abort(new Error('stop')), 20);
  try {
    await p;
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, 'stop');
  }
  await sleep(1);
});

test.run();

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FormatError, HttpPRMError, InvalidOptionError } from '../../src/core/errors.ts';
import { HttpPRM, httpStepFormats, renderPrompt, type HttpPRMOptions } from '../../src/reward/http/index.ts';
import type { ScoreRequest } from '../../src/reward/types.ts';
import { rejects } from '../helpers/rejects.ts';

// A fake vLLM on 127.0.0.1:<random port>; each test installs its own handler.
type Handler = (req: { path: string; body: any }, res: ServerResponse) => void;
let handler: Handler = (_r, res) => res.end('{}');
const seen: { path: string; body: any }[] = [];
let inFlight = 0,
  maxInFlight = 0;
const server = createServer((req: IncomingMessage, res) => {
  let raw = '';
  req.on('data', (c) => (raw += c));
  req.on('end', () => {
    const r = { path: req.url ?? '', body: JSON.parse(raw) };
    seen.push(r);
    (inFlight++, (maxInFlight = Math.max(maxInFlight, inFlight)));
    res.on('close', () => inFlight--);
    handler(r, res);
  });
});
let base = '';

test.before(async () => {
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
test.before.each(() => {
  seen.length = 0;
  maxInFlight = 0;
});
test.after(async () => {
  server.closeAllConnections();
  await new Promise((ok) => server.close(ok));
});

const json = (res: ServerResponse, v: unknown, status = 200) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(v));
};
const req = (steps: string[], key = 'k'): ScoreRequest => ({
  problem: { id: 'p', text: 'What is 1+1?' },
  prefix: steps.slice(0, -1),
  step: steps[steps.length - 1]!,
  key,
});
const prm = (o: Partial<HttpPRMOptions>) => new HttpPRM({ baseUrl: base, model: 'm', format: 'qwen2.5-math-prm', retryDelayMs: 5, ...o });

test('prompts are rendered from the format table; tags inside texts are removed', () => {
  const f = httpStepFormats['math-shepherd'];
  assert.is(renderPrompt(f, 'Q?', ['a', 'b ки c']), 'Q? Step 1: a ки\nStep 2: b  c ки');
  assert.is(renderPrompt(httpStepFormats.plain, 'Q {steps}', ['a', 'b']), 'Q {steps}\n\na\n\nb');
  assert.match(
    renderPrompt(httpStepFormats['qwen2.5-math-prm'], 'Q', ['a', 'b']),
    /<\|im_start\|>user\nQ<\|im_end\|>\n<\|im_start\|>assistant\na<extra_0>b<extra_0><\|im_end\|>\n$/,
  );
});

test('qwen2.5-math-prm via /pooling: last step tag row, split into maxBatch requests, out-of-order indices', async () => {
  handler = ({ body }, res) => {
    const rows = (body.input as string[]).map((text, i) => {
      const n = text.split('<extra_0>').length - 1;
      // step j gets P(correct) = j / (j + 1); the second prompt of each request sends logits, not probabilities
      const data = Array.from({ length: n }, (_, j) => (i === 1 ? [0, Math.log(j + 1)] : [1 / (j + 2), (j + 1) / (j + 2)]));
      return { index: i, object: 'pooling', data };
    });
    json(res, { object: 'list', data: rows.reverse() });
  };
  const scores = await prm({ maxBatch: 2, baseUrl: `${base}/v1/`, extraBody: { task: 'token_classify' } }).score([
    req(['a']),
    req(['a', 'b']),
    req(['a', 'b', 'c']),
  ]);
  // 1 step → 1/2; 2 steps as logits [0, ln 2] → 2/3; 3 steps → 3/4
  assert.equal(
    scores.map((s) => +s.toFixed(12)),
    [0.5, +(2 / 3).toFixed(12), 0.75],
  );
  assert.equal(
    seen.map((s) => [s.path, s.body.input.length, s.body.model, s.body.task]),
    [
      ['/pooling', 2, 'm', 'token_classify'],
      ['/pooling', 1, 'm', 'token_classify'],
    ],
  );
});

test('math-shepherd via /v1/completions logprobs: P(+) vs P(-) after the last ки', async () => {
  handler = ({ body }, res) => {
    assert.equal([body.echo, body.max_tokens, body.logprobs], [true, 1, 20]);
    const choices = (body.prompt as string[]).map((text, index) => {
      const tokens = [...text.match(/\s*\S+/g)!, '\n']; // whitespace-led tokens, then one generated token
      let j = 0;
      const top = tokens.map((t, k) => {
        if (k === 0) return null;
        if (tokens[k - 1]!.trim() !== 'ки') return { [t]: -0.1 };
        j++; // verdict after tag j: P(+) : P(-) = j : 1, plus an unrelated token
        return { ' +': Math.log((0.5 * j) / (j + 1)), ' -': Math.log(0.5 / (j + 1)), ' Step': Math.log(0.5) };
      });
      return { index, text: '\n', logprobs: { tokens, token_logprobs: top.map(() => -0.1), top_logprobs: top } };
    });
    json(res, { choices });
  };
  const p = prm({ format: 'math-shepherd' });
  assert.equal(await p.score([req(['x = 1', 'y = 2', 'so 3']), req(['only'])]), [0.75, 0.5]);
  assert.is(seen[0]!.path, '/v1/completions');
  assert.is(seen[0]!.body.prompt[0], 'What is 1+1? Step 1: x = 1 ки\nStep 2: y = 2 ки\nStep 3: so 3 ки');
  assert.is(p.name, 'http:math-shepherd');
});

test('plain via /classify', async () => {
  handler = ({ body }, res) => json(res, { data: body.input.map((_: string, index: number) => ({ index, label: 'x', probs: [0.2, 0.8], num_classes: 2 })) });
  assert.equal(await prm({ format: 'plain' }).score([req(['a', 'b'])]), [0.8]);
  assert.is(seen[0]!.body.input[0], 'What is 1+1?\n\na\n\nb');
});

test('HTTP 500 then success: retried', async () => {
  let hits = 0;
  handler = ({ body }, res) => (++hits === 1 ? json(res, { error: 'overloaded' }, 500) : json(res, { data: body.input.map(() => ({ data: [[0.1, 0.9]] })) }));
  assert.equal(await prm({ retries: 2 }).score([req(['a'])]), [0.9]);
  assert.is(hits, 2);
});

test('errors: 500 past the retries, 400 not retried, typed with status and url', async () => {
  handler = (_r, res) => json(res, { error: 'boom' }, 500);
  let e = await rejects(prm({ retries: 1 }).score([req(['a'])]));
  assert.instance(e, HttpPRMError);
  assert.equal([(e as HttpPRMError).status, (e as HttpPRMError).url, seen.length], [500, `${base}/pooling`, 2]);
  assert.match(e.message, /HTTP 500: \{"error":"boom"\}/);
  seen.length = 0;
  handler = (_r, res) => json(res, { error: 'bad model' }, 400);
  e = await rejects(prm({ retries: 3 }).score([req(['a'])]));
  assert.equal([(e as HttpPRMError).status, seen.length], [400, 1]);
});

test('server never answers: fails after the timeout, bounded', async () => {
  handler = () => {}; // hold the request open
  const t0 = Date.now();
  const e = await rejects(prm({ timeoutMs: 150, retries: 1, retryDelayMs: 10 }).score([req(['a'])]));
  const took = Date.now() - t0;
  assert.instance(e, HttpPRMError);
  assert.is((e as HttpPRMError).status, null);
  assert.match(e.message, /no complete answer within 150 ms/);
  assert.ok(took >= 300 && took < 1500, `took ${took} ms`);
  assert.is(seen.length, 2);
});

test('malformed bodies: FormatError naming the field', async () => {
  handler = (_r, res) => json(res, { data: [{ index: 0, data: 'oops' }] });
  let e = await rejects(prm({}).score([req(['a', 'b'])]));
  assert.instance(e, FormatError);
  assert.match(e.message, /response from http:\/\/127\.0\.0\.1:\d+\/pooling: field `data\[0\]\.data`: expected 2 rows/);
  handler = (_r, res) => json(res, { data: [{ index: 0, data: [[0.5, 'x']] }] });
  e = await rejects(prm({}).score([req(['a'])]));
  assert.match(e.message, /field `data\[0\]\.data\[0\]`: expected an array of at least 2 class scores/);
  handler = (_r, res) => json(res, { results: [] });
  e = await rejects(prm({ format: 'plain' }).score([req(['a'])]));
  assert.match(e.message, /field `data`: expected an array of 1 items/);
  handler = (_r, res) => json(res, { choices: [{ index: 0, logprobs: { tokens: [' a'], top_logprobs: [null] } }] });
  e = await rejects(prm({ format: 'math-shepherd' }).score([req(['a'])]));
  assert.match(e.message, /field `choices\[0\]\.logprobs\.tokens`: found 0 step tags "ки", expected 1/);
  handler = (_r, res) => res.end('<html>gateway</html>');
  e = await rejects(prm({}).score([req(['a'])]));
  assert.match(e.message, /body is not JSON: <html>gateway<\/html>/);
});

test('concurrency caps requests in flight', async () => {
  handler = ({ body }, res) => setTimeout(() => json(res, { data: body.input.map(() => ({ data: [[0.5, 0.5]] })) }), 30);
  const out = await prm({ maxBatch: 1, concurrency: 2 }).score(['a', 'b', 'c', 'd', 'e'].map((s) => req([s])));
  assert.equal(out, [0.5, 0.5, 0.5, 0.5, 0.5]);
  assert.is(seen.length, 5);
  assert.is(maxInFlight, 2);
});

test('caller abort stops without retrying; bad options are InvalidOptionError', async () => {
  handler = () => {};
  const ac = new AbortController();
  setTimeout(() => ac.abort(new Error('search ended')), 50);
  const e = await rejects(prm({ timeoutMs: 5000, retries: 3 }).score([req(['a'])], ac.signal));
  assert.match(e.message, /search ended/);
  assert.is(seen.length, 1);
  assert.throws(
    () => prm({ format: 'nope' as never }),
    (x: unknown) => x instanceof InvalidOptionError && /format/.test((x as Error).message),
  );
  assert.throws(
    () => prm({ maxBatch: 0 }),
    (x: unknown) => x instanceof InvalidOptionError && /maxBatch/.test((x as Error).message),
  );
  assert.throws(
    () => prm({ baseUrl: 'not a url' }),
    (x: unknown) => x instanceof InvalidOptionError && /baseUrl/.test((x as Error).message),
  );
  assert.equal(await prm({}).score([]), []);
});

test.run();

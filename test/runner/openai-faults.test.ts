import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ResultRecord } from '../../src/runner/record.ts';
import { startFakeOpenAIServer, type FakeGenerate, type FakeServerOptions } from '../helpers/fake-openai-server.ts';
import { records, tmp, withoutWall } from './helpers.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = join(ROOT, 'src/cli/main.ts');

// Eight GSM8K-format problems; the fake model answers the even ones right and the odd ones off by one.
const N = 8;
const dir = tmp('openai');
const data = join(dir, 'gsm8k.jsonl');
writeFileSync(
  data,
  Array.from({ length: N }, (_, i) =>
    JSON.stringify({ question: `Problem Q${i}: what is ${i} + ${10 * i}?`, answer: `${i} + ${10 * i} = ${11 * i}\n#### ${11 * i}` }),
  ).join('\n') + '\n',
);

const generate: FakeGenerate = (prompt, { index }) => {
  const i = Number(/Problem Q(\d+)/.exec(prompt)![1]);
  const done = prompt.slice(prompt.lastIndexOf('<|im_start|>assistant\n')).split('\n\n').length - 1;
  if (done >= 2) return `So the answer is $\\boxed{${11 * i + (i % 2)}}$.`;
  return `Step ${done + 1}: partial sum ${i + index}.\n\nStep ${done + 2}: more`;
};

/** Runs `steptree bench --json` as a child process; resolves with its exit code, parsed stdout and stderr. */
function bench(args: string[]): Promise<{ code: number | null; out: Record<string, unknown> | null; err: string }> {
  const c = spawn(process.execPath, ['--import', 'tsx', MAIN, 'bench', ...args, '--json', '--no-progress'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '',
    err = '';
  c.stdout.on('data', (d) => (out += d));
  c.stderr.on('data', (d) => (err += d));
  return new Promise((res) => c.on('exit', (code) => res({ code, out: out.trim() ? JSON.parse(out.trim().split('\n').pop()!) : null, err })));
}

// a hang must outlast timeoutMs; without retries a slow cold start must not, hence two limits
const args = (url: string, out: string, extra: string[] = [], timeoutMs = 400) => [
  '--dataset',
  'gsm8k',
  '--data',
  data,
  '--policy',
  'openai',
  '--base-url',
  url,
  '--model',
  'fake',
  '--policy-option',
  `timeoutMs=${timeoutMs}`,
  '--policy-option',
  'retryBaseMs=5',
  '--policy-option',
  'retryMaxMs=40',
  '--prm',
  'none',
  '--strategy',
  'best-of-n',
  '--n',
  '4',
  '--selection',
  'majority',
  '--seeds',
  '1,2',
  '--concurrency',
  '4',
  '--out',
  out,
  ...extra,
];

async function withServer<T>(o: FakeServerOptions, f: (url: string) => Promise<T>): Promise<T> {
  const s = await startFakeOpenAIServer({ generate, ...o });
  try {
    return await f(s.url);
  } finally {
    await s.close();
  }
}
const outcome = (r: ResultRecord) => [r.key, r.status, r.prediction, r.correct, r.stats.tokens, r.stats.policyCalls];
const sorted = (dir: string) =>
  records(dir)
    .sort((a, b) => (a.key < b.key ? -1 : 1))
    .map(outcome);

let clean: { summary: Record<string, unknown>; recs: unknown[] };

test('openai through steptree bench, no faults: every (problem, seed) graded', async () => {
  const out = join(dir, 'clean');
  const r = await withServer({}, (url) => bench(args(url, out)));
  assert.is(r.code, 0, r.err);
  const s = r.out!;
  assert.equal([s.records, s.n, s.correct, s.errors], [2 * N, 2 * N, N, 0]);
  assert.is(s.simulated, false);
  const { policy: _p, ...summary } = s;
  clean = { summary: withoutWall(summary), recs: sorted(out) };
});

test('faults (500, 429 + Retry-After, a hang past the timeout, a reset, malformed JSON): the run finishes, retries are counted, answers are unchanged', async () => {
  const out = join(dir, 'faults');
  const faults: FakeServerOptions = { faults: ['500', '429', 'hang', 'reset', 'malformed'], faultRate: 0.15, faultSeed: 'f1', retryAfterS: 0 };
  const r = await withServer(faults, (url) => bench(args(url, out)));
  assert.is(r.code, 0, r.err);
  const policy = r.out!.policy as { retries: number; timeouts: number; throttled: number; failedCalls: number };
  assert.ok(policy.retries >= 5, `retries ${policy.retries}`);
  assert.ok(policy.timeouts >= 1 && policy.throttled >= 1, JSON.stringify(policy));
  assert.is(policy.failedCalls, 0);
  // no problem lost, nothing graded differently
  assert.equal(sorted(out), clean.recs);
  const { policy: _p, ...summary } = r.out!;
  assert.equal(withoutWall(summary), clean.summary);
});

test('calls that fail past their retries: error records, counted, never graded; --retry-errors reruns only them', async () => {
  const out = join(dir, 'errors');
  // retries off: the first requests fail for good; the server is healthy afterwards
  const noRetry = ['--policy-option', 'retries=0'];
  await withServer({ faults: Array(6).fill('500') }, async (url) => {
    const r = await bench(args(url, out, noRetry, 10_000));
    assert.is(r.code, 0, r.err);
    const recs = records(out);
    assert.is(recs.length, 2 * N);
    assert.is(new Set(recs.map((x) => x.key)).size, 2 * N);
    const errors = recs.filter((x) => x.status === 'error');
    assert.ok(errors.length >= 1, 'some (problem, seed) failed');
    assert.ok(errors.every((x) => x.prediction === null && x.correct === false && x.stats.policyErrors >= 1));
    assert.equal([r.out!.errors, r.out!.n, r.out!.records], [errors.length, 2 * N - errors.length, 2 * N]);
    assert.ok((r.out!.policyErrors as { total: number }).total >= errors.length);
    const again = await bench(args(url, out, [...noRetry, '--retry-errors'], 10_000));
    assert.is(again.code, 0, again.err);
    assert.match(again.err, new RegExp(`${errors.length} error record\\(s\\) to retry`));
    assert.is(again.out!.errors, 0);
    assert.equal(sorted(out), clean.recs);
  });
});

test.run();

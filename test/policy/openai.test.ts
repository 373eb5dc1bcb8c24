import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { PolicyError } from '../../src/core/errors.ts';
import { ResponseCache } from '../../src/policy/cache.ts';
import { OpenAIPolicy, type OpenAIPolicyOptions, type Transport } from '../../src/policy/openai/index.ts';
import { policyKinds } from '../../src/policy/registry.ts';
import type { ProposeRequest } from '../../src/policy/types.ts';
import { beam, search } from '../../src/index.ts';
import { defaultGenerate, startFakeOpenAIServer, type FakeServer, type FakeServerOptions } from '../helpers/fake-openai-server.ts';
import { invalidOption, rejects } from '../helpers/rejects.ts';

const servers: FakeServer[] = [];
async function serve(o: FakeServerOptions = {}) {
  const s = await startFakeOpenAIServer(o);
  servers.push(s);
  return s;
}
test.after.each(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const problem = { id: 'p1', text: 'What is 2 + 3?' };
const req = (steps: string[] = [], k = 1, extra: Partial<ProposeRequest> = {}): ProposeRequest => ({
  problem,
  steps,
  k,
  seed: `1/0/${steps.length}`,
  nodeId: `0.${steps.length}`,
  signal: new AbortController().signal,
  ...extra,
});
const policy = (s: FakeServer, o: Partial<OpenAIPolicyOptions> = {}) =>
  new OpenAIPolicy({ baseURL: s.url, model: 'qwen', retryBaseMs: 1, retryMaxMs: 5, timeoutMs: 2000, env: {}, ...o });
const bodies = (s: FakeServer) => s.requests.map((r) => r.body as Record<string, any>);

test('completions: template head + steps, each re-followed by the delimiter; the next prompt extends the last byte for byte', async () => {
  const s = await serve();
  const p = policy(s);
  const steps: string[] = [];
  for (let d = 0; d < 6; d++) {
    const [step] = await p.propose(req(steps));
    steps.push(step!.text);
    if (step!.terminal) break;
  }
  assert.is(steps.length, 4);
  const prompts = bodies(s).map((b) => b.prompt as string);
  assert.ok(
    prompts[0]!.startsWith(
      '<|im_start|>system\nPlease reason step by step, and put your final answer within \\boxed{}.<|im_end|>\n<|im_start|>user\nWhat is 2 + 3?<|im_end|>\n<|im_start|>assistant\n',
    ),
  );
  for (let i = 1; i < prompts.length; i++) assert.is(prompts[i], prompts[i - 1]! + steps[i - 1]! + '\n\n');
  assert.ok(steps.every((t) => !t.includes('\n\n')));
  assert.equal(bodies(s)[0]!.stop, ['\n\n']);
});

test('vLLM stop_reason: a delimiter ends a step, EOS ends the solution (with or without \\boxed); length is truncated', async () => {
  const texts: Record<string, string> = { a: 'First we add.\n\nrest', b: 'So it is 5.', c: 'We get \\boxed{5}.\n\nCheck: fine.', d: 'word '.repeat(50) };
  const s = await serve({ generate: (prompt) => texts[prompt.slice(-1)]! });
  // the fake model keys on the prompt's last character; a template whose head is the bare problem text puts the tag last
  const raw = async (tag: string, o: Partial<OpenAIPolicyOptions> = {}) => {
    const q = policy(s, { maxTokens: 10, boxedEnds: false, ...o });
    (q.o as { template: unknown }).template = { head: (t: string) => t, origin: 'test' };
    return (await q.propose({ ...req(), problem: { id: tag, text: tag } }))[0]!;
  };
  const a = await raw('a');
  assert.equal([a.text, a.terminal, a.truncated], ['First we add.', false, undefined]);
  const b = await raw('b');
  assert.equal([b.terminal, b.answer], [true, undefined]);
  const c = await raw('c');
  assert.equal([c.text, c.terminal], ['We get \\boxed{5}.', false]);
  const c2 = await raw('c', { boxedEnds: true });
  assert.equal([c2.terminal, c2.answer], [true, '5']);
  const d = await raw('d');
  assert.equal([d.terminal, d.truncated, d.tokens], [true, true, 10]);
  const blank = await serve({ generate: () => '\n\nStep' });
  const q = policy(blank);
  assert.equal(await q.propose(req([], 2)), []);
  assert.is(q.info().emptySteps, 2);
});

test('SGLang matched_stop (EOS as a token id) and llama.cpp (neither field: \\boxed decides)', async () => {
  for (const flavor of ['sglang', 'llamacpp'] as const) {
    const s = await serve({ flavor, generate: defaultGenerate(2) });
    const p = policy(s, { nMode: 'n' });
    const [first] = await p.propose(req());
    assert.is(first!.terminal, false, flavor);
    const [last] = await p.propose(req([first!.text]));
    assert.is(last!.terminal, true, flavor);
    assert.match(last!.answer!, /^1[0-3]$/);
  }
});

test('n: one request with n = k on vLLM; the probe sends fan-outs where n is ignored (distinct seeds per sample)', async () => {
  const v = await serve({ flavor: 'vllm' });
  const pv = policy(v);
  assert.is((await pv.propose(req([], 4))).length, 4);
  assert.equal(
    bodies(v).map((b) => [b.n, b.max_tokens]),
    [
      [2, 1],
      [4, 1024],
    ],
  ); // the probe, then the call
  assert.is(pv.info().probe, 'n');
  const l = await serve({ flavor: 'ollama' });
  const pl = policy(l);
  const props = await pl.propose(req([], 4));
  assert.is(props.length, 4);
  assert.is(l.requests.length, 5); // the probe + 4 fanned out
  assert.equal([pl.info().effectiveNMode, pl.info().probe], ['fanout', 'fanout']);
  const seeds = bodies(l)
    .slice(1)
    .map((b) => b.seed);
  assert.is(new Set(seeds).size, 4);
  assert.ok(new Set(props.map((p) => p.text)).size > 1);
  await pl.propose(req([], 3));
  assert.is(l.requests.length, 8); // no second probe
  const strict = policy(await serve({ flavor: 'llamacpp' }), { nMode: 'n' });
  assert.is((await strict.propose(req([], 4))).length, 1);
  // a probe that fails leaves it to the calls: one asks for n, gets one choice, fans out the rest
  const f = await serve({ flavor: 'llamacpp', faults: ['500', '500'] });
  const pf = policy(f, { retries: 1 });
  assert.is((await pf.propose(req([], 3))).length, 3);
  assert.equal([pf.info().probe, pf.info().effectiveNMode, pf.info().failedCalls], ['failed', 'fanout', 0]);
  assert.equal(
    bodies(f)
      .slice(2)
      .map((b) => b.n),
    [3, 1, 1],
  );
  // a server that refuses n > 1 gets fan-outs
  const r = await serve({ rejectN: true });
  const pr = policy(r);
  assert.is((await pr.propose(req([], 3))).length, 3);
  assert.equal([pr.info().probe, pr.info().failedCalls, bodies(r).map((b) => b.n)], ['fanout', 0, [2, 1, 1, 1]]);
});

test('probe under concurrency: decided once before any call with k > 1, so the requests sent do not depend on timing', async () => {
  const l = await serve({ flavor: 'ollama', latencyMs: 10 });
  const p = policy(l);
  const calls = Array.from({ length: 5 }, (_, i) => p.propose({ ...req([], 3), problem: { id: `c${i}`, text: `Q${i}` } }));
  assert.equal(
    (await Promise.all(calls)).map((x) => x.length),
    [3, 3, 3, 3, 3],
  );
  const ns = bodies(l).map((b) => b.n);
  assert.equal(ns, [2, ...Array(15).fill(1)]);
  const one = policy(await serve({ flavor: 'vllm' }));
  await one.propose(req([], 1));
  assert.equal([one.info().effectiveNMode, one.info().probe], ['n', null]); // k = 1 needs no probe
});

test('logprobs become the prior (mean token logprob); tokens add up to usage; prompt and cached tokens reported', async () => {
  const s = await serve({ reportCached: true });
  const p = policy(s, { nMode: 'n' });
  const props = await p.propose(req([], 3));
  const json = s.requests[0]!;
  assert.is(json.body!.logprobs, 1);
  for (const x of props) assert.ok(typeof x.logprob === 'number' && x.logprob < 0 && x.logprob >= -2);
  const info = p.info();
  assert.is(
    props.reduce((a, x) => a + x.tokens, 0),
    info.completionTokens,
  );
  assert.ok(props[0]!.promptTokens! > 0 && props[0]!.cachedTokens! > 0);
  assert.is(props[1]!.promptTokens, undefined); // once per call, not per sample
  assert.is(info.promptTokens, props[0]!.promptTokens);
  const noLp = policy(await serve(), { logprobs: false });
  assert.is((await noLp.propose(req()))[0]!.logprob, undefined);
  const priced = policy(await serve(), { pricing: { promptPerMTok: 1, completionPerMTok: 2 } });
  await priced.propose(req());
  const pi = priced.info();
  assert.is(pi.costUsd, (pi.promptTokens * 1 + pi.completionTokens * 2) / 1e6);
});

test('chat mode: assistant prefill with continue_final_message, the same steps as completions', async () => {
  const s = await serve();
  const chat = policy(s, { mode: 'chat' });
  const comp = policy(s);
  const [c0] = await chat.propose(req());
  const [p0] = await comp.propose(req());
  assert.is(c0!.text, p0!.text);
  const [c1] = await chat.propose(req([c0!.text]));
  const [p1] = await comp.propose(req([p0!.text]));
  assert.is(c1!.text, p1!.text);
  const b = bodies(s)[2]!;
  assert.equal(b.messages.at(-1), { role: 'assistant', content: `${c0!.text}\n\n` });
  assert.is(b.continue_final_message, true);
  assert.is(b.add_generation_prompt, false);
  assert.is(b.logprobs, true);
  assert.is(bodies(s)[0]!.continue_final_message, undefined);
});

for (const transport of ['node', 'sdk'] as const)
  test(`faults (${transport} transport): 500, 429 + Retry-After, a hang past the timeout, a reset, malformed JSON and a stalled body are retried`, async () => {
    const s = await serve({ faults: ['500', '429', 'hang', 'reset', 'malformed', 'stall'], retryAfterS: 0 });
    const p = policy(s, { timeoutMs: 300, retries: 6, nMode: 'n', transport });
    const props = await p.propose(req([], 2));
    assert.is(props.length, 2);
    const info = p.info();
    assert.is(info.transport, transport);
    assert.equal([info.requests, info.retries, info.throttled, info.timeouts, info.failedCalls], [7, 6, 1, 2, 0]);
  });

test('a call failing after its retries rejects with PolicyError and is counted; no hang', async () => {
  for (const fault of ['500', 'hang', 'stall', 'reset', 'malformed', '429'] as const) {
    const s = await serve({ faults: [fault, fault, fault], retryAfterS: 0 });
    const p = policy(s, { timeoutMs: 200, retries: 2 });
    const e = await rejects(p.propose(req()));
    assert.instance(e, PolicyError, fault);
    assert.is((e as PolicyError).nodeId, '0.0');
    assert.match(e.message, '3 attempts');
    assert.is(p.info().failedCalls, 1);
    assert.is(s.requests.length, 3);
  }
  const bad = await serve({ apiKey: 'right' });
  const p = policy(bad, { retries: 3 });
  assert.match((await rejects(p.propose(req()))).message, '401');
  assert.is(bad.requests.length, 1); // a 4xx other than 408/429 is not retried
});

test('an aborted request stops at once (during a hang and while waiting to retry)', async () => {
  const s = await serve({ faults: ['hang'] });
  const p = policy(s, { timeoutMs: 60_000 });
  const ac = new AbortController();
  const pending = p.propose(req([], 1, { signal: ac.signal }));
  setTimeout(() => ac.abort(), 50);
  assert.instance(await rejects(pending), PolicyError);
  const t = await serve({ faults: ['429'], retryAfterS: 60 });
  const q = policy(t, { retryAfterCapMs: 60_000 });
  const ac2 = new AbortController();
  const waiting = q.propose(req([], 1, { signal: ac2.signal }));
  setTimeout(() => ac2.abort(), 50);
  assert.match((await rejects(waiting)).message, /abort/i);
});

test('the API key comes from the named env var and never appears in errors or info', async () => {
  const key = 'sk-test-SECRET-4242';
  const ok = await serve({ apiKey: key });
  const p = policy(ok, { apiKeyEnv: 'MY_KEY', env: { MY_KEY: key } });
  await p.propose(req());
  assert.is(ok.requests[0]!.headers.authorization, `Bearer ${key}`);
  assert.not.match(JSON.stringify(p.info()), key);
  assert.not.match(JSON.stringify(p), key);
  assert.not.match(inspect(p, { depth: 8, showHidden: true }), key);
  const echo = await serve({ apiKey: 'other', echoAuth: true });
  const q = policy(echo, { apiKeyEnv: 'MY_KEY', env: { MY_KEY: key } });
  const e = await rejects(q.propose(req()));
  assert.match(e.message, 'unauthorized');
  assert.not.match(e.message, key);
  assert.not.match(String((e as { cause?: unknown }).cause), key);
  assert.not.match(JSON.stringify(q.info()), key);
});

test('concurrency is capped per endpoint; adaptive mode halves it on 429', async () => {
  const s = await serve({ latencyMs: 20 });
  const p = policy(s, { concurrency: 3 });
  await Promise.all(Array.from({ length: 12 }, (_, i) => p.propose({ ...req(), problem: { id: `c${i}`, text: `Q${i}` } })));
  assert.is(s.stats.peakInFlight, 3);
  const t = await serve({ faults: ['429', '429'], retryAfterS: 0 });
  const q = policy(t, { concurrency: 8, adaptiveConcurrency: true });
  await q.propose(req());
  assert.is((q as unknown as { limiter: { limit: number } }).limiter.limit < 8, true);
});

test('response cache: a repeated run makes no request and gets the same steps; samples are separate entries', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'steptree-cache-'));
  try {
    const s = await serve({ flavor: 'ollama' });
    const run = async () => {
      const p = policy(s, { cache: dir, nMode: 'fanout' });
      const a = await p.propose(req([], 3));
      const b = await p.propose(req([a[0]!.text], 2));
      await p.flush();
      return { a, b, info: p.info() };
    };
    const first = await run();
    assert.is(s.requests.length, 5);
    const second = await run();
    assert.is(s.requests.length, 5);
    assert.equal(second.a, first.a);
    assert.equal(second.b, first.b);
    assert.is(second.info.cacheHits, 5);
    assert.is(second.info.promptTokens, 0); // nothing paid twice
    const files = readdirSync(dir, { recursive: true }).map(String);
    assert.is(files.filter((f) => f.endsWith('.json')).length, 5);
    assert.is(files.filter((f) => f.endsWith('.tmp')).length, 0);
    // without a seed in the body, two draws at one node are still two entries
    const noSeed = policy(s, { cache: dir, sendSeed: false });
    await noSeed.propose(req([], 1, { seed: 'a' }));
    await noSeed.propose(req([], 1, { seed: 'b' }));
    assert.is(noSeed.info().cacheHits, 0);
    assert.is.not(ResponseCache.key({ a: 1, b: 2 }), ResponseCache.key({ a: 1, b: 3 }));
    assert.is(ResponseCache.key({ a: 1, b: 2 }), ResponseCache.key({ b: 2, a: 1 }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('registry: openai from options; unknown or missing options are named', async () => {
  const s = await serve();
  const p = await policyKinds.openai!.create({ seed: 3, options: { baseUrl: s.url, model: 'qwen', temperature: 0 } });
  assert.is((await p.propose(req())).length, 1);
  for (const [options, field] of [
    [{ model: 'm' }, '--base-url'],
    [{ baseURL: s.url }, '--model'],
    [{ baseURL: s.url, model: 'm', temprature: 1 }, 'policy.temprature'],
    [{ baseURL: s.url, model: 'm', nMode: 'x' }, 'policy.nMode'],
  ] as const) {
    await invalidOption(() => policyKinds.openai!.create({ seed: 1, options }), field);
  }
  assert.ok(!existsSync('undefined'));
});

test('a search over a server failing 30% of calls without retries finishes; failures are counted, not dropped', async () => {
  const s = await serve({ faultRate: 0.3, faultKinds: ['500', 'reset', 'malformed'], faultSeed: 'x' });
  const p = policy(s, { retries: 0 });
  const prm = { name: 'flat', score: async (r: readonly unknown[]) => r.map(() => 0.5) };
  const r = await search({ problem, policy: p, prm, strategy: beam({ n: 4, beamWidth: 2 }), seed: 1 });
  const info = p.info();
  assert.ok(info.failedCalls > 0);
  assert.is(r.stats.failures, info.failedCalls);
  assert.is(r.stats.policyCalls, info.calls);
});

test('wrapTransport sees every attempt (a retry resends the same body); transport is chosen through the registry; a non-function is named', async () => {
  const s = await serve({ faults: ['500', null] });
  const sent: string[] = [];
  const p = await policyKinds.openai!.create({
    seed: 1,
    options: {
      baseURL: s.url,
      model: 'qwen',
      transport: 'sdk',
      retryBaseMs: 1,
      wrapTransport: (t: Transport): Transport => ({ post: (path, body, o) => (sent.push(JSON.stringify(body)), t.post(path, body, o)) }),
    },
  });
  assert.is((await p.propose(req())).length, 1);
  assert.is(sent.length, 2);
  assert.is(sent[0], sent[1]);
  assert.is((p.info?.() as { transport: string }).transport, 'sdk');
  await invalidOption(() => policyKinds.openai!.create({ seed: 1, options: { baseURL: s.url, model: 'm', wrapTransport: 'log' } }), 'policy.wrapTransport');
});

test('option values are checked by the one option kit; errors name the field', async () => {
  const base = { baseURL: 'http://127.0.0.1:1/v1', model: 'm', env: {} };
  for (const [k, v, want] of [
    ['temperature', -1, /policy\.temperature.*a number ≥ 0, got -1/],
    ['topP', 0, /policy\.topP.*a number > 0 and ≤ 1, got 0/],
    ['maxTokens', 1.5, /policy\.maxTokens.*a positive integer, got 1\.5/],
    ['retries', -1, /policy\.retries.*a non-negative integer/],
    ['concurrency', '8', /policy\.concurrency.*got "8"/],
    ['logprobs', 'yes', /policy\.logprobs.*true or false/],
    ['mode', 'stream', /policy\.mode.*one of completions, chat/],
  ] as const) {
    await invalidOption(() => new OpenAIPolicy({ ...base, [k]: v } as OpenAIPolicyOptions), `policy.${k}`, want);
  }
  assert.is(new OpenAIPolicy({ ...base, topP: 1, temperature: 0, logprobs: false }).o.topP, 1);
});

test.run();

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MockLanguageModelV3 } from 'ai/test';
import { aiSdkPolicy, defaultAnswer, sampleSeed } from '../../src/policy/ai-sdk.ts';
import { beam, search, startSearch, type PRM } from '../../src/index.ts';

type CallOptions = Parameters<MockLanguageModelV3['doGenerate']>[0];
const userText = (o: CallOptions) => o.prompt.flatMap((m) => (m.role === 'user' ? m.content.flatMap((p) => (p.type === 'text' ? [p.text] : [])) : [])).join('');

/** A fake model for "count from 0 to 3": each step adds 1, or (on some seeds) 2, which is wrong. */
function counter(calls: CallOptions[], tokensPerStep = 7) {
  return new MockLanguageModelV3({
    doGenerate: async (o) => {
      calls.push(o);
      const steps = (/Steps so far:\n([\s\S]*?)\n\nNext step:/.exec(userText(o))?.[1] ?? '').split('\n\n').filter(Boolean);
      const last = steps.length ? Number(/= (\d+)/.exec(steps.at(-1)!)![1]) : 0;
      const next = last + (o.seed! % 3 === 0 ? 2 : 1);
      const text = next >= 3 ? `${last} + ${next - last} = ${next}. The answer is ${next}.` : `${last} + ${next - last} = ${next}`;
      // the model echoes the delimiter and goes on, as models do when a provider ignores stop sequences
      return {
        content: [{ type: 'text', text: `${text}\n\nand more` }],
        finishReason: { unified: 'stop', raw: 'stop' },
        usage: {
          inputTokens: { total: 20, noCache: 20, cacheRead: undefined, cacheWrite: undefined },
          outputTokens: { total: tokensPerStep, text: tokensPerStep, reasoning: undefined },
        },
        warnings: [],
      };
    },
  });
}

/** Step correct iff it adds 1. */
const addsOne: PRM = { name: 'adds-one', score: async (reqs) => reqs.map((r) => (/\+ 1 =/.test(r.step) ? 0.95 : 0.05)) };

test('searches with any AI SDK model: stop sequences, seeds per sample, usage into the token budget, signal passed', async () => {
  const calls: CallOptions[] = [];
  const problem = { id: 'count', text: 'Count from 0 to 3 in steps of 1.' };
  const r = await search({
    problem,
    policy: aiSdkPolicy({ model: counter(calls), temperature: 0.7 }),
    prm: addsOne,
    strategy: beam({ n: 4, beamWidth: 2 }),
    seed: 1,
    aggregation: 'min',
  });
  assert.equal(r.best?.steps, ['0 + 1 = 1', '1 + 1 = 2', '2 + 1 = 3. The answer is 3.']);
  assert.is(r.best?.answer, '3');
  assert.ok(calls.length > 4);
  for (const c of calls) {
    assert.equal(c.stopSequences, ['\n\n']);
    assert.is(c.temperature, 0.7);
    assert.ok(c.abortSignal instanceof AbortSignal, 'the search signal reaches the provider');
    assert.is(c.prompt[0]!.role, 'system');
  }
  assert.is(new Set(calls.map((c) => c.seed)).size > 1, true, 'samples at a node get distinct seeds');
  // every generation's output tokens are counted: duplicates merged into one node still cost their tokens
  assert.is(r.stats.tokens, calls.length * 7);
});

test('the token budget stops the search on the provider-reported usage', async () => {
  const calls: CallOptions[] = [];
  const r = await search({
    problem: { id: 'c', text: 'Count from 0 to 3.' },
    policy: aiSdkPolicy({ model: counter(calls, 50) }),
    prm: addsOne,
    strategy: beam({ n: 4, beamWidth: 2 }),
    seed: 2,
    budget: { tokens: 420 },
  });
  assert.is(r.stats.stoppedBy, 'tokens');
  assert.ok(r.stats.tokens <= 420 && r.stats.tokens > 0);
});

test('an abort reaches a hung generation; a failing model fails its node, counted', async () => {
  let sawAbort = false;
  const hung = new MockLanguageModelV3({
    doGenerate: (o) =>
      new Promise((_, reject) => o.abortSignal?.addEventListener('abort', () => ((sawAbort = true), reject(new Error('aborted'))), { once: true })),
  });
  const ctl = new AbortController();
  const run = startSearch({
    problem: { id: 'h', text: 'x' },
    policy: aiSdkPolicy({ model: hung, maxRetries: 0 }),
    prm: addsOne,
    strategy: beam({ n: 2, beamWidth: 1 }),
    signal: ctl.signal,
  });
  setTimeout(() => ctl.abort(), 20);
  const r = await run.result;
  assert.is(r.stats.stoppedBy, 'aborted');
  assert.ok(sawAbort, 'the provider call saw the abort');

  const broken = new MockLanguageModelV3({
    doGenerate: async () => {
      throw new Error('provider down');
    },
  });
  try {
    await search({
      problem: { id: 'b', text: 'x' },
      policy: aiSdkPolicy({ model: broken, maxRetries: 0 }),
      prm: addsOne,
      strategy: beam({ n: 2, beamWidth: 1 }),
    });
    assert.unreachable('no error');
  } catch (e) {
    assert.match((e as Error).message, /provider down/);
  }
});

test('answers, seeds and option checks', () => {
  assert.is(defaultAnswer('so x = \\boxed{\\frac{1}{2}}'), '\\frac{1}{2}');
  assert.is(defaultAnswer('Thus the answer is 42.'), '42');
  assert.is(defaultAnswer('3 + 4 = 7'), null);
  assert.is(sampleSeed('1/0/0', 0), sampleSeed('1/0/0', 0));
  assert.is.not(sampleSeed('1/0/0', 0), sampleSeed('1/0/0', 1));
  assert.throws(() => aiSdkPolicy({ model: counter([]), temperature: -1 }), /temperature/);
  assert.throws(() => aiSdkPolicy({ model: counter([]), delimiter: '' }), /delimiter/);
  assert.throws(() => aiSdkPolicy({} as never), /model/);
});

test.run();

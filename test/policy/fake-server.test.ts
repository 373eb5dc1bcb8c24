import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fakeTokens, startFakeOpenAIServer, type FakeServerOptions } from '../helpers/fake-openai-server.ts';

async function call(o: FakeServerOptions, path: string, body: unknown, faults = 0) {
  const s = await startFakeOpenAIServer(o);
  try {
    const out: { status: number; text: string }[] = [];
    for (let i = 0; i <= faults; i++) {
      const r = await fetch(s.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).catch(
        (e: Error) => ({ status: -1, text: async () => e.message }),
      );
      out.push({ status: r.status, text: await r.text() });
    }
    return { out, json: () => JSON.parse(out[out.length - 1]!.text), stats: { ...s.stats } };
  } finally {
    await s.close();
  }
}
const gen = () => 'Step one.\n\nStep two.';

test('vLLM completions: stop string dropped, stop_reason, usage, logprobs with offsets; n choices', async () => {
  const r = await call({ generate: gen }, '/completions', { model: 'm', prompt: 'P', stop: ['\n\n'], n: 2, logprobs: 1 });
  const j = r.json();
  assert.is(j.choices.length, 2);
  assert.equal([j.choices[0].text, j.choices[0].finish_reason, j.choices[0].stop_reason], ['Step one.', 'stop', '\n\n']);
  assert.equal(j.choices[0].logprobs.tokens, ['Step', ' one.']);
  assert.equal(j.choices[0].logprobs.text_offset, [1, 5]);
  assert.equal(j.usage, { prompt_tokens: 1, completion_tokens: 4, total_tokens: 5 });
  const eos = (await call({ generate: () => 'done.' }, '/completions', { prompt: 'P', stop: ['\n\n'] })).json().choices[0];
  assert.equal([eos.finish_reason, eos.stop_reason], ['stop', null]);
  const len = (await call({ generate: gen }, '/completions', { prompt: 'P', max_tokens: 1 })).json().choices[0];
  assert.equal([len.text, len.finish_reason, len.stop_reason], ['Step', 'length', null]);
});

test('SGLang matched_stop, llama.cpp/Ollama ignore n, chat format with prefill', async () => {
  const s = (await call({ flavor: 'sglang', generate: () => 'end' }, '/completions', { prompt: 'P', stop: ['\n\n'] })).json().choices[0];
  assert.equal([s.matched_stop, 'stop_reason' in s], [151643, false]);
  const l = (await call({ flavor: 'llamacpp', generate: gen }, '/completions', { prompt: 'P', n: 4, stop: ['\n\n'] })).json();
  assert.equal([l.choices.length, 'stop_reason' in l.choices[0], 'matched_stop' in l.choices[0]], [1, false, false]);
  let seen = '';
  const c = (
    await call({ generate: (p) => ((seen = p), 'ok'), reportCached: true }, '/chat/completions', {
      messages: [
        { role: 'user', content: 'Q' },
        { role: 'assistant', content: 'A\n\n' },
      ],
      continue_final_message: true,
      add_generation_prompt: false,
      logprobs: true,
    })
  ).json();
  assert.is(seen, '<|im_start|>user\nQ<|im_end|>\n<|im_start|>assistant\nA\n\n');
  assert.equal(c.choices[0].message, { role: 'assistant', content: 'ok' });
  assert.is(c.choices[0].logprobs.content[0].token, 'ok');
  assert.ok(c.usage.prompt_tokens_details.cached_tokens >= 0);
});

test('faults: scripted kinds answer as announced, then normal service', async () => {
  const r = await call({ faults: ['500', '429', 'malformed', 'reset'], retryAfterS: 2, generate: gen }, '/completions', { prompt: 'P' }, 4);
  assert.equal(
    r.out.map((o) => o.status),
    [500, 429, 200, -1, 200],
  );
  assert.throws(() => JSON.parse(r.out[2]!.text));
  assert.equal(JSON.parse(r.out[0]!.text).error.code, 500);
  assert.is(r.stats.faults, 4);
  const rate = await call({ faultRate: 1, faultKinds: ['500'] }, '/completions', { prompt: 'P' }, 2);
  assert.equal(
    rate.out.map((o) => o.status),
    [500, 500, 500],
  );
});

test('a hung request is cut when the server closes', async () => {
  const s = await startFakeOpenAIServer({ faults: ['hang'] });
  const pending = fetch(s.url + '/completions', { method: 'POST', body: '{}' }).then(
    () => 'answered',
    () => 'cut',
  );
  await new Promise((r) => setTimeout(r, 30));
  await s.close();
  assert.is(await pending, 'cut');
  assert.equal(fakeTokens('a b\n\nc'), ['a', ' b', '\n\n', 'c']);
});

test.run();

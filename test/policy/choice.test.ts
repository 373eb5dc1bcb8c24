import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { FormatError } from '../../src/core/errors.ts';
import { ChatTemplate, DEFAULT_SYSTEM, MalformedResponse, parseChoices, splitTokens, toProposal, QWEN25_MATH_TEMPLATE } from '../../src/policy/openai/index.ts';
import { DATA } from './data.ts';

const D = ['\n\n'];
const rules = { boxedEnds: true };

test('step end vs solution end, per server', () => {
  const ended = (c: Record<string, unknown>) => parseChoices({ choices: [{ index: 0, text: 'x', ...c }] }, false, D)[0]!.endedBy;
  assert.is(ended({ finish_reason: 'stop', stop_reason: '\n\n' }), 'delimiter'); // vLLM
  assert.is(ended({ finish_reason: 'stop', stop_reason: null }), 'eos');
  assert.is(ended({ finish_reason: 'stop', stop_reason: 151643 }), 'eos'); // a stop token id
  assert.is(ended({ finish_reason: 'stop', matched_stop: '\n\n' }), 'delimiter'); // SGLang
  assert.is(ended({ finish_reason: 'stop', matched_stop: 151645 }), 'eos');
  assert.is(ended({ finish_reason: 'stop' }), 'unknown'); // llama.cpp, Ollama
  assert.is(ended({ finish_reason: 'length', stop_reason: null }), 'length');
  assert.is(ended({ finish_reason: 'stop', stop_reason: 'Question:' }), 'eos'); // another stop string the user set
});

test('proposals: terminal rules, answer from the whole trajectory, mean logprob prior', () => {
  const [c] = parseChoices(
    { choices: [{ text: 'so \\boxed{7}.', finish_reason: 'stop', stop_reason: '\n\n', logprobs: { tokens: ['a', 'b'], token_logprobs: [-1, -3] } }] },
    false,
    D,
  );
  const p = toProposal(c!, ['first'], 2, rules);
  assert.equal(p, { text: 'so \\boxed{7}.', tokens: 2, terminal: true, answer: '7', logprob: -2 });
  assert.is(toProposal(c!, [], 2, { boxedEnds: false }).terminal, false);
  const [u] = parseChoices({ choices: [{ text: 'no box', finish_reason: 'stop' }] }, false, D);
  assert.is(toProposal(u!, ['\\boxed{1} earlier'], 1, rules).terminal, false);
  const [e] = parseChoices(
    { choices: [{ message: { content: 'done' }, finish_reason: 'stop', stop_reason: null, logprobs: { content: [{ token: 'd', logprob: -0.5 }] } }] },
    true,
    D,
  );
  assert.equal(toProposal(e!, ['x = \\boxed{4}'], 1, rules), { text: 'done', tokens: 1, terminal: true, answer: '4', logprob: -0.5 });
  const [t] = parseChoices({ choices: [{ text: 'cut', finish_reason: 'length' }] }, false, D);
  assert.equal(toProposal(t!, [], 9, rules), { text: 'cut', tokens: 9, terminal: true, truncated: true });
});

test('malformed bodies are named', () => {
  for (const bad of [null, {}, { choices: 'x' }, { choices: [1] }, { choices: [{ text: 3 }] }])
    assert.throws(
      () => parseChoices(bad, false, D),
      (e: unknown) => e instanceof MalformedResponse,
    );
  assert.throws(() => parseChoices({ choices: [{ text: 'x' }] }, true, D), /message\.content/);
});

test('splitTokens sums to usage', () => {
  const cs = parseChoices({ choices: [{ text: 'aaaa' }, { text: 'aaaaaaaaaaaa' }, { text: '' }] }, false, D);
  const t = splitTokens(cs, 10);
  assert.is(
    t.reduce((a, b) => a + b, 0),
    10,
  );
  assert.ok(t[1]! > t[0]!);
  assert.equal(splitTokens(cs.slice(0, 1), 5), [5]);
  assert.equal(splitTokens(cs, undefined), [1, 3, 0]);
});

test('chat template: built-in Qwen2.5-Math ChatML; a tokenizer_config.json renders the same; errors name the file', () => {
  const t = new ChatTemplate(QWEN25_MATH_TEMPLATE);
  assert.is(t.head('Q?', DEFAULT_SYSTEM), `<|im_start|>system\n${DEFAULT_SYSTEM}<|im_end|>\n<|im_start|>user\nQ?<|im_end|>\n<|im_start|>assistant\n`);
  assert.is(t.render([{ role: 'user', content: 'Q' }], false), `<|im_start|>system\n${DEFAULT_SYSTEM}<|im_end|>\n<|im_start|>user\nQ<|im_end|>\n`);
  const cfg = resolve(DATA, 'tiny-prm/qwen2-prm/tokenizer_config.json');
  if (existsSync(cfg)) assert.is(ChatTemplate.fromTokenizerConfig(cfg).head('Q?', 'S'), t.head('Q?', 'S'));
  else console.log(`  (skipped the tokenizer_config.json case: ${cfg} is absent)`);
  assert.throws(
    () => ChatTemplate.fromTokenizerConfig('/nonexistent/tokenizer_config.json'),
    (e: unknown) => e instanceof FormatError && /nonexistent/.test(String(e)),
  );
  assert.throws(
    () => new ChatTemplate('{% for %}'),
    (e: unknown) => e instanceof FormatError,
  );
});

test.run();

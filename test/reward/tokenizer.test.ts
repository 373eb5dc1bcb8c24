import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ByteTokenizer, createNet, loadHFTokenizer, loadNet, saveNet, selectBackend } from '../../src/reward/tfjs/index.ts';
import { BOS_ID } from '../../src/reward/tfjs/tokenizer.ts';
import { FormatError, MissingDependencyError } from '../../src/core/errors.ts';
import { tinyArch } from './tfjs-helpers.ts';

/** A minimal WordLevel tokenizer.json, the format `tokenizers` writes. */
const wordLevel = {
  version: '1.0',
  truncation: null,
  padding: null,
  added_tokens: [{ id: 0, content: '[UNK]', single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }],
  normalizer: null,
  pre_tokenizer: { type: 'Whitespace' },
  post_processor: null,
  decoder: null,
  model: { type: 'WordLevel', vocab: { '[UNK]': 0, x: 1, '=': 2, '2': 3, '+': 4, '3': 5, '5': 6 }, unk_token: '[UNK]' },
};
let dir = '';
test.before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'steptree-tok-'));
  await writeFile(path.join(dir, 'tokenizer.json'), JSON.stringify(wordLevel));
});
test.after(() => rm(dir, { recursive: true, force: true }));

test('byte tokenizer: BOS + UTF-8 bytes, truncated, never empty', () => {
  const t = new ByteTokenizer();
  assert.is(t.vocabSize, 260);
  assert.equal(t.encode('', 8), [BOS_ID]);
  assert.equal(t.encode('A', 8), [BOS_ID, 65 + 4]);
  assert.equal(t.encode('é', 8), [BOS_ID, 0xc3 + 4, 0xa9 + 4]);
  assert.is(t.encode('x'.repeat(100), 16).length, 16);
});

test('HuggingFace tokenizer.json runs on this Node via @huggingface/tokenizers; unknown words map to [UNK]', async () => {
  const t = await loadHFTokenizer(path.join(dir, 'tokenizer.json'));
  assert.is(t.vocabSize, 7);
  assert.equal(t.encode('x + 3 = 5 wat', 32), [1, 4, 5, 2, 6, 0]);
  assert.equal(t.encode('', 32), [0]);
  assert.equal(t.spec, { type: 'hf', file: 'tokenizer.json' });
});

test('missing package and bad file are typed errors', async () => {
  try {
    await loadHFTokenizer(path.join(dir, 'tokenizer.json'), {
      load: async () => {
        throw new Error("Cannot find package '@huggingface/tokenizers'");
      },
    });
    assert.unreachable();
  } catch (e) {
    assert.instance(e, MissingDependencyError);
    assert.match((e as Error).message, /needs the npm package `@huggingface\/tokenizers`/);
  }
  try {
    await loadHFTokenizer(path.join(dir, 'nope.json'));
    assert.unreachable();
  } catch (e) {
    assert.instance(e, FormatError);
    assert.match((e as Error).message, /nope\.json/);
  }
});

test('a model with a HF tokenizer saves a copy of tokenizer.json and loads bit-exact', async () => {
  await selectBackend('wasm');
  const tokenizer = await loadHFTokenizer(path.join(dir, 'tokenizer.json'));
  const net = createNet({ seed: 9, arch: tinyArch, tokenizer });
  const scores = await net.scoreTrajectory('x + 3 = 5', ['x = 5 + 3', 'x = 2']);
  const where = path.join(dir, 'model');
  await saveNet(net, where);
  net.dispose();
  assert.equal(JSON.parse(await readFile(path.join(where, 'tokenizer.json'), 'utf8')), wordLevel);
  const back = await loadNet(where);
  assert.is(back.config.vocabSize, 7);
  assert.is(back.config.patch, 1, 'no byte patching for word-level tokens');
  assert.equal(await back.scoreTrajectory('x + 3 = 5', ['x = 5 + 3', 'x = 2']), scores);
  back.dispose();
});

test.run();

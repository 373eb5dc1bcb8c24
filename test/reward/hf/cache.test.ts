import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { FormatError } from '../../../src/core/errors.ts';
import { renderPrompt, stepFormats, stepSegment } from '../../../src/reward/formats.ts';
import { KvCache, makeRecord, plan } from '../../../src/reward/hf/cache.ts';
import { HfText } from '../../../src/reward/hf/index.ts';
import { hasTinyQwen, TINY_QWEN } from './helpers.ts';

const chunk = (len: number) => ({ k: [tf.zeros([1, len, 2]) as tf.Tensor3D], v: [tf.zeros([1, len, 2]) as tf.Tensor3D], len });

test('plan: reuses the parent chain as far as ids agree and chunks are alive; always runs the last id', async () => {
  const tensors0 = tf.memory().numTensors; // other suites in this process may hold tensors
  await tf.setBackend('cpu');
  const cache = new KvCache(1 << 20);
  const root = makeRecord([1, 2, 3], { past: [], m: 0 }, chunk(3));
  cache.set('root', root);
  const p1 = plan(root, [1, 2, 3, 4, 5]);
  assert.is(p1.m, 3);
  const child = makeRecord([1, 2, 3, 4, 5], p1, chunk(2));
  cache.set('child', child);
  assert.is(plan(child, [1, 2, 3, 4, 5, 6]).m, 5, 'the whole chain');
  assert.is(plan(child, [1, 2, 3, 9, 9]).m, 3, 'ids diverge inside the child: only the root');
  assert.equal(
    plan(child, [1, 2, 9]).past.map((p) => p.n),
    [2],
    'a root chunk used in part',
  );
  assert.is(plan(child, [1, 2, 3, 4, 5]).m, 4, 'the last id is always run');
  cache.delete('root');
  assert.is(plan(child, [1, 2, 3, 4, 5, 6]).m, 0, 'an evicted ancestor ends the reuse');
  assert.is(plan(undefined, [1]).m, 0);
  cache.clear();
  assert.is(tf.memory().numTensors, tensors0);
});

test('KvCache: LRU eviction by bytes, trim by key prefix, release disposes at once', async () => {
  const tensors0 = tf.memory().numTensors; // other suites in this process may hold tensors
  await tf.setBackend('cpu');
  const c = new KvCache(3 * 2 * 2 * 4 * 2); // three records of len 2
  for (const k of ['a', 'b', 'c']) c.set(k, makeRecord([1], { past: [], m: 0 }, chunk(2)));
  c.get('a'); // a is now the most recent
  c.set('d', makeRecord([1], { past: [], m: 0 }, chunk(2)));
  c.evict();
  assert.ok(c.get('b') === undefined && c.get('a') && c.get('c') && c.get('d'), 'b was least recently used');
  assert.is(c.evictions, 1);
  c.trim('a', 0);
  assert.is(c.get('a'), undefined);
  c.clear();
  assert.is(tf.memory().numTensors, tensors0);
});

test('formats: the rlhflow turn layout (problem and a space, then one user turn per step, + answered before the next)', () => {
  const tensors0 = tf.memory().numTensors; // other suites in this process may hold tensors
  const H = (r: string) => `<|start_header_id|>${r}<|end_header_id|>\n\n`;
  assert.is(
    renderPrompt(stepFormats.rlhflow, 'P', ['x', 'y']),
    `<|begin_of_text|>${H('user')}P x<|eot_id|>${H('assistant')}+<|eot_id|>${H('user')}y<|eot_id|>${H('assistant')}`,
  );
  assert.is(stepSegment(stepFormats['math-shepherd'], 'b ки c', 1), '\nStep 2: b  c ки');
});

test('a format whose step text does not end on its tag is refused (tiny qwen2 tokenizer)', () => {
  const tensors0 = tf.memory().numTensors; // other suites in this process may hold tensors
  if (!hasTinyQwen) return console.log('SKIP: tiny-prm data absent');
  const text = HfText.load(TINY_QWEN, { ...stepFormats['qwen2.5-math-prm'], stepTemplate: '{step}<extra_0> done' });
  assert.throws(
    () => text.encodeThrough('Q', ['a']),
    (e: unknown) => e instanceof FormatError && /step tag/.test((e as Error).message),
  );
  const ok = HfText.load(TINY_QWEN, stepFormats['qwen2.5-math-prm']);
  assert.is(ok.encodeThrough('Q <extra_0> x', ['a<extra_0>b']).filter((id) => id === 316).length, 1, 'tags inside texts are removed');
});

test.run();

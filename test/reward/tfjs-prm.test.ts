import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs-core';
import { createNet, selectBackend, TfjsPRM } from '../../src/reward/tfjs/index.ts';
import type { ScoreRequest } from '../../src/reward/types.ts';
import { tinyArch } from './tfjs-helpers.ts';

const problem = { id: 'p1', text: 'Compute 12 * 7 + 3.' };
const steps = ['12 * 7 = 84', '84 + 3 = 87', 'So the answer is 87.', 'Ünïcödé ✓ step', ''];
const near = (a: number[], b: number[], tol = 1e-5) => a.length === b.length && a.every((v, i) => Math.abs(v - b[i]!) <= tol);

/** Request for steps[i] of a chain whose node keys are `${tag}${i}`. */
const req = (tag: string, i: number, list = steps, p = problem): ScoreRequest => ({
  problem: p,
  prefix: list.slice(0, i),
  step: list[i]!,
  key: `${tag}${i}`,
  parentKey: i ? `${tag}${i - 1}` : undefined,
});

test('incremental scoring (one GRU step from the cached parent) equals full scoring within 1e-5', async () => {
  await selectBackend('wasm');
  // + a local check (its logit rides in the text vector) and the default architecture
  for (const arch of [
    tinyArch,
    { ...tinyArch, patch: 1, layers: 2, maxStepTokens: 30 },
    { ...tinyArch, patch: 1, features: { digitSlots: { places: 3, numbers: 3, bind: true }, localCheck: { hidden: 8 } } },
    {},
  ]) {
    const net = createNet({ seed: 7, arch });
    const prm = new TfjsPRM(net);
    const full = await net.scoreTrajectory(problem.text, steps);
    const inc: number[] = [];
    for (let i = 0; i < steps.length; i++) inc.push(...(await prm.score([req('a', i)])));
    assert.ok(near(full, inc), `${full} vs ${inc}`);
    assert.ok(inc.every((s) => s > 0 && s < 1));
    prm.dispose();
  }
});

test('a batch mixing depths, problems and duplicate texts scores like one-at-a-time', async () => {
  const prm = new TfjsPRM(createNet({ seed: 3, arch: tinyArch }));
  const other = { id: 'p2', text: 'What is 2 + 2?' };
  const solo: number[] = [];
  for (let i = 0; i < 3; i++) solo.push(...(await prm.score([req('s', i)])));
  const [o0] = await prm.score([req('o', 0, ['2 + 2 = 4'], other)]);
  const prm2 = new TfjsPRM(prm.net);
  const first = await prm2.score([req('s', 0), req('o', 0, ['2 + 2 = 4'], other), req('t', 0)]);
  const second = await prm2.score([req('s', 1), req('t', 1)]);
  const third = await prm2.score([req('s', 2), req('o', 1, ['2 + 2 = 4', 'so 4'], other)]); // mixed depths
  assert.ok(near([first[0]!, second[0]!, third[0]!], solo), 'same chain in mixed batches');
  assert.ok(near([first[1]!], [o0!]), 'other problem');
  assert.is(first[0], first[2], 'duplicate step text under the same parent scores identically');
  assert.is(second[0], second[1]);
  prm.dispose();
});

test('an unknown parentKey falls back to encoding the prefix, and caches it for siblings', async () => {
  const prm = new TfjsPRM(createNet({ seed: 5, arch: tinyArch }));
  const full = await prm.net.scoreTrajectory(problem.text, steps);
  const loaded = (i: number, key: string): ScoreRequest => ({ problem, prefix: steps.slice(0, i), step: steps[i]!, key, parentKey: 'from-disk' });
  const [a, b] = await prm.score([loaded(3, 'x'), loaded(3, 'y')]);
  assert.ok(near([a!, b!], [full[3]!, full[3]!]));
  assert.is(prm.cachedStates, 3); // from-disk, x, y
  const noKey = await prm.score([
    { problem, prefix: steps.slice(0, 2), step: steps[2]!, key: 'z' },
    { ...loaded(4, 'w'), parentKey: 'other-disk' },
  ]);
  assert.ok(near(noKey, [full[2]!, full[4]!]));
  prm.release(['from-disk', 'x', 'y', 'z', 'w', 'other-disk']);
  assert.is(prm.cachedStates, 0);
  prm.dispose();
});

test('numTensors stays flat over 1,000 small searches; release() empties the cache', async () => {
  const prm = new TfjsPRM(createNet({ seed: 1, arch: tinyArch }), { problemCacheSize: 8 });
  await prm.score([req('warm', 0)]);
  prm.release(['warm0']);
  const before = tf.memory().numTensors;
  for (let s = 0; s < 1000; s++) {
    const p = { id: `q${s}`, text: `problem ${s}: add ${s} and ${s % 7}` };
    const keys = [`${s}/a`, `${s}/b`, `${s}/a/a`, `${s}/a/b`];
    await prm.score([
      { problem: p, prefix: [], step: `${s} + ${s % 7}`, key: keys[0]! },
      { problem: p, prefix: [], step: `${s} - 1`, key: keys[1]! },
    ]);
    await prm.score([
      { problem: p, prefix: [`${s} + ${s % 7}`], step: `= ${s + (s % 7)}`, key: keys[2]!, parentKey: keys[0] },
      { problem: p, prefix: [`${s} + ${s % 7}`], step: 'done', key: keys[3]!, parentKey: keys[0] },
    ]);
    prm.release(keys);
  }
  assert.is(tf.memory().numTensors, before);
  assert.is(prm.cachedStates, 0);
  prm.dispose();
});

test('info() reports backend, params, model path; an aborted signal rejects; empty batch is fine', async () => {
  const prm = new TfjsPRM(createNet({ seed: 1, arch: tinyArch }), { modelPath: '/models/x' });
  const info = prm.info();
  assert.is(info.backend, 'wasm');
  assert.is(info.modelPath, '/models/x');
  assert.ok((info.params as number) > 1000);
  assert.equal(await prm.score([]), []);
  const ac = new AbortController();
  ac.abort(new Error('stop'));
  try {
    await prm.score([req('ab', 0)], ac.signal);
    assert.unreachable();
  } catch (e) {
    assert.is((e as Error).message, 'stop');
  }
  prm.dispose();
});

test.run();

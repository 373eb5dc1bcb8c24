import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs-core';
import { mkdtemp, readFile, rm, writeFile, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createNet, loadNet, saveNet, selectBackend, TfjsPRM, FORMAT_VERSION } from '../../src/reward/tfjs/index.ts';
import { ModelConfigError } from '../../src/core/errors.ts';
import { tinyArch } from './tfjs-helpers.ts';

const problem = { id: 'p', text: 'Solve x + 3 = 5.' };
const steps = ['x = 5 - 3', 'x = 2', 'Check: 2 + 3 = 5 ✓'];
let dir = '';

test.before(async () => {
  await selectBackend('wasm');
  dir = await mkdtemp(path.join(tmpdir(), 'steptree-io-'));
});
test.after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Save a fresh tiny model to dir/name and return its trajectory scores. */
async function saved(name: string): Promise<{ where: string; scores: number[] }> {
  const net = createNet({ seed: 11, arch: tinyArch });
  const scores = await net.scoreTrajectory(problem.text, steps);
  const where = path.join(dir, name);
  await saveNet(net, where, { note: 'test' });
  net.dispose();
  return { where, scores };
}

async function expectConfigError(where: string, file: string, pattern: RegExp): Promise<void> {
  const n = tf.memory().numTensors;
  try {
    (await loadNet(where)).dispose();
    assert.unreachable('should have thrown');
  } catch (e) {
    assert.instance(e, ModelConfigError);
    assert.is((e as ModelConfigError).where, path.join(where, file));
    assert.match((e as Error).message, pattern);
  }
  assert.is(tf.memory().numTensors, n, 'a failed load leaks no tensors');
}

test('round trip: model.json + weights.bin + config.json; loaded scores are bit-exact', async () => {
  const { where, scores } = await saved('rt');
  const cfg = JSON.parse(await readFile(path.join(where, 'config.json'), 'utf8'));
  assert.is(cfg.version, FORMAT_VERSION);
  assert.equal(cfg.tokenizer, { type: 'bytes' });
  assert.equal(cfg.stepFormat, { trim: true });
  assert.is(cfg.architecture.dModel, 16);
  const manifest = JSON.parse(await readFile(path.join(where, 'model.json'), 'utf8'));
  assert.equal(manifest.weightsManifest[0].paths, ['weights.bin']);
  const prm = await TfjsPRM.load(where, { backend: 'wasm' });
  assert.equal(await prm.net.scoreTrajectory(problem.text, steps), scores);
  const inc: number[] = [];
  for (let i = 0; i < steps.length; i++)
    inc.push(...(await prm.score([{ problem, prefix: steps.slice(0, i), step: steps[i]!, key: `k${i}`, parentKey: i ? `k${i - 1}` : undefined }])));
  assert.ok(inc.every((v, i) => Math.abs(v - scores[i]!) <= 1e-5));
  assert.is(prm.info().modelPath, where);
  prm.dispose();
});

test('version, architecture and step-format mismatches name config.json', async () => {
  const { where } = await saved('bad-cfg');
  const cfgPath = path.join(where, 'config.json');
  const orig = JSON.parse(await readFile(cfgPath, 'utf8'));
  const write = (c: unknown) => writeFile(cfgPath, JSON.stringify(c));
  await write({ ...orig, version: 99 });
  await expectConfigError(where, 'config.json', /format version 99 is not supported/);
  await write({ ...orig, architecture: { ...orig.architecture, hidden: 'big' } });
  await expectConfigError(where, 'config.json', /architecture\.hidden: expected an integer/);
  await write({ ...orig, architecture: { ...orig.architecture, vocabSize: 300 } });
  await expectConfigError(where, 'config.json', /vocabSize is 300 but the tokenizer has 260/);
  await write({ ...orig, stepFormat: undefined });
  await expectConfigError(where, 'config.json', /stepFormat/);
  await write({ ...orig, tokenizer: { type: 'hf', file: 'tokenizer.json' } });
  await expectConfigError(where, 'tokenizer.json', /tokenizer file named in .*config\.json is missing/);
  await writeFile(cfgPath, '{ not json');
  await expectConfigError(where, 'config.json', /invalid JSON/);
});

test('weights that do not fit the architecture name model.json; missing files are named', async () => {
  const { where } = await saved('bad-w');
  const cfgPath = path.join(where, 'config.json');
  const orig = JSON.parse(await readFile(cfgPath, 'utf8'));
  await writeFile(cfgPath, JSON.stringify({ ...orig, architecture: { ...orig.architecture, hidden: 8 } }));
  await expectConfigError(where, 'model.json', /weight "h0\.w" is float32\[16,16\] but the architecture .* needs float32\[16,8\]/);
  await writeFile(cfgPath, JSON.stringify({ ...orig, architecture: { ...orig.architecture, layers: 2 } }));
  await expectConfigError(where, 'model.json', /missing weight "l1\.ln1\.g"/);
  await writeFile(cfgPath, JSON.stringify(orig));
  await unlink(path.join(where, 'weights.bin'));
  await expectConfigError(where, 'weights.bin', /cannot read weights/);
  await unlink(path.join(where, 'model.json'));
  await expectConfigError(where, 'model.json', /missing file/);
  await unlink(cfgPath);
  await expectConfigError(where, 'config.json', /missing file/);
});

test.run();

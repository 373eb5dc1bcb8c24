import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs-core';
import { createNet, selectBackend, trainPRM, TfjsPRM, type TrainProgress } from '../../src/reward/tfjs/index.ts';
import { FormatError, InvalidOptionError } from '../../src/core/errors.ts';
import { syntheticExamples, tinyArch } from './tfjs-helpers.ts';

const examples = syntheticExamples(64);

test.before(async () => {
  await selectBackend('wasm');
});

test('a tiny run on synthetic data lowers train and validation loss, reports progress, leaks nothing', async () => {
  const net = createNet({ seed: 1, arch: tinyArch });
  const n = tf.memory().numTensors;
  const progress: TrainProgress[] = [];
  const t0 = Date.now();
  const log = await trainPRM(examples, { net, epochs: 8, batchSize: 16, lr: 1e-2, seed: 1, valSplit: 0.25, onProgress: (p) => progress.push(p) });
  const ms = Date.now() - t0;
  assert.is(log.length, 8);
  assert.ok(log[7]!.trainLoss < log[0]!.trainLoss * 0.6, JSON.stringify(log));
  assert.ok(log[7]!.valLoss! < log[0]!.valLoss!, JSON.stringify(log));
  assert.is(progress.length, 8 * 3); // 48 train examples / 16 → 3 batches an epoch
  assert.equal(progress.at(-1), { ...progress.at(-1)!, epoch: 8, epochs: 8, batch: 3, batches: 3 });
  assert.is(tf.memory().numTensors, n);
  assert.ok(ms < 10_000, `took ${ms} ms`);
  // The trained PRM now separates a right step from a wrong one.
  const prm = new TfjsPRM(net);
  const [good, bad] = await prm.score([
    { problem: { id: 'x', text: 'add 3 and 4' }, prefix: [], step: '3+4=7 ok', key: 'g' },
    { problem: { id: 'x', text: 'add 3 and 4' }, prefix: [], step: '3+4=8 bad', key: 'b' },
  ]);
  assert.ok(good! > bad!, `${good} vs ${bad}`);
  net.dispose();
});

test('same seed → same log; rank loss and soft labels train too', async () => {
  const run = async (opts: { loss?: 'bce' | 'rank'; labels?: 'hard' | 'soft'; seed?: number }) => {
    const net = createNet({ seed: 2, arch: tinyArch });
    const log = await trainPRM(examples.slice(0, 24), { net, epochs: 3, batchSize: 8, lr: 1e-2, valSplit: 0, ...opts });
    net.dispose();
    return log;
  };
  const a = await run({ seed: 4 }),
    b = await run({ seed: 4 });
  assert.equal(a, b);
  assert.is(a[0]!.valLoss, null);
  const rank = await run({ loss: 'rank', seed: 4 });
  assert.ok(rank[2]!.trainLoss < rank[0]!.trainLoss, JSON.stringify(rank));
  assert.ok(rank[0]!.trainLoss > a[0]!.trainLoss, 'rank adds its term to BCE');
  const soft = syntheticExamples(24).map((e) => ({ ...e, labels: e.labels.map((l, i) => (i === 0 ? null : (l ?? 0) * 0.9 + 0.05)) }));
  const net = createNet({ seed: 2, arch: tinyArch });
  const slog = await trainPRM(soft, { net, epochs: 3, batchSize: 8, lr: 1e-2, valSplit: 0, labels: 'soft', seed: 4 });
  assert.ok(slog[2]!.trainLoss < slog[0]!.trainLoss, JSON.stringify(slog));
  net.dispose();
});

test('early stopping stops after `patience` epochs without improvement and restores the best weights', async () => {
  const net = createNet({ seed: 3, arch: tinyArch });
  // lr so high that validation loss gets worse quickly
  const log = await trainPRM(examples, { net, epochs: 12, batchSize: 8, lr: 0.3, seed: 3, valSplit: 0.25, patience: 2 });
  const best = Math.min(...log.map((l) => l.valLoss!));
  const bestAt = log.findIndex((l) => l.valLoss === best);
  assert.ok(log.length < 12, JSON.stringify(log));
  assert.is(log.length, bestAt + 1 + 2);
  net.dispose();
});

test('the local check trains on its own loss, only on steps whose prefix is labelled right', async () => {
  // step 2 follows a wrong step 1, so its label (0 or 1) must not reach the check, while the GRU learns from it
  const arch = { ...tinyArch, patch: 1, features: { digitSlots: { places: 2, numbers: 3, bind: true }, localCheck: { hidden: 8 } } };
  const run = async (later: number) => {
    const net = createNet({ seed: 2, arch });
    const exs = Array.from({ length: 16 }, (_, i) => ({
      problem: `p${i}`,
      steps: [`${i} + 1 = ${i + 2}`, `${i + 2} * 2 = ${2 * i + 4}`],
      labels: [i % 3 ? 1 : 0, i % 3 ? 1 : later],
    }));
    await trainPRM(exs, { net, epochs: 2, batchSize: 8, lr: 1e-2, seed: 1, valSplit: 0 });
    const w = (n: string) => Array.from(net.params[n]!.dataSync());
    const fresh = createNet({ seed: 2, arch });
    const out = { check: w('check.w1').concat(w('check.w2')), init: fresh.params['check.w1']!.dataSync()[0], gru: w('gru.w') };
    net.dispose();
    fresh.dispose();
    return out;
  };
  const a = await run(0),
    b = await run(1);
  assert.equal(a.check, b.check, 'the check never saw the later labels');
  assert.ok(a.check[0] !== a.init, 'the check trained');
  assert.ok(
    a.gru.some((v, i) => v !== b.gru[i]),
    'the GRU did see them',
  );
});

test('bad examples and options are typed errors naming the field', async () => {
  const net = createNet({ seed: 1, arch: tinyArch });
  const bad = async (ex: unknown[], opts: Record<string, unknown>, type: Function, pattern: RegExp) => {
    try {
      await trainPRM(ex as never, { net, epochs: 1, ...opts });
      assert.unreachable();
    } catch (e) {
      assert.instance(e, type);
      assert.match((e as Error).message, pattern);
    }
  };
  await bad([{ problem: 'p', steps: ['a', 'b'], labels: [1] }], {}, FormatError, /examples\[0\]\.labels: expected 2 labels/);
  await bad([{ problem: 'p', steps: ['a'], labels: [1.5] }], {}, FormatError, /examples\[0\]\.labels\[0\]/);
  await bad(examples, { loss: 'hinge' }, InvalidOptionError, /`loss`/);
  await bad(examples, { valSplit: 1 }, InvalidOptionError, /`valSplit`/);
  await bad(examples, { lr: -1 }, InvalidOptionError, /`lr`/);
  await bad([], {}, InvalidOptionError, /`examples`/);
  net.dispose();
});

test.run();

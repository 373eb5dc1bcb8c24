import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs-core';
import seedrandom from 'seedrandom';
import { checkCounts, createNet, digitPlaces, padBatch, selectBackend, TfjsPRM, type PRMNet } from '../../src/reward/tfjs/index.ts';
import { InvalidOptionError } from '../../src/core/errors.ts';
import { BYTE_OFFSET } from '../../src/reward/tfjs/tokenizer.ts';
import { hostInputBackends } from '../../src/reward/tfjs/infer.ts';
import { tinyArch } from './tfjs-helpers.ts';

const problem = 'Start with 17. Add 5, then multiply by 3.';
const steps = ['17 + 5 = 22', '22 * 3 = 66', 'The answer is 66.'];

test.before(async () => {
  await selectBackend('wasm');
});

/** Every weight set to seeded noise: fresh LayerNorms (gain 1, bias 0) would hide a wrong fold. */
function randomize(net: PRMNet, seed: string): void {
  const rng = seedrandom(seed);
  for (const v of Object.values(net.params))
    v.assign(
      tf.tensor(
        Float32Array.from({ length: v.size }, () => (rng() * 2 - 1) * 0.5),
        v.shape,
      ),
    );
}

/** Scores by the training graph (unfolded weights, gather/one-hot input, matmul + add) and by the inference path. */
async function bothPaths(net: PRMNet): Promise<{ train: number[]; infer: number[] }> {
  net.training = true;
  const train = await net.scoreTrajectory(problem, steps);
  net.training = false;
  return { train, infer: await net.scoreTrajectory(problem, steps) };
}

test('the inference path (folded LayerNorms, fused kernels, host input tables) computes the training graph', async () => {
  for (const arch of [
    tinyArch,
    { ...tinyArch, patch: 1, layers: 2, features: { digitSlots: { places: 3, numbers: 1, bind: false } } },
    { ...tinyArch, patch: 2, features: { digitSlots: { places: 4, numbers: 3, bind: false } } },
    { ...tinyArch, patch: 1, features: { digitSlots: { places: 3, numbers: 3, bind: true }, bagHead: { hidden: 16 }, localCheck: { hidden: 8 } } },
  ]) {
    const net = createNet({ seed: 5, arch });
    randomize(net, 'a');
    const a = await bothPaths(net);
    assert.ok(
      a.train.every((s, i) => Math.abs(s - a.infer[i]!) < 1e-5),
      `${JSON.stringify(arch)}: ${a.train} vs ${a.infer}`,
    );
    // new weights (as after training) must rebuild the derived inference weights, not reuse stale ones
    randomize(net, 'b');
    const b = await bothPaths(net);
    assert.ok(
      b.train.every((s, i) => Math.abs(s - b.infer[i]!) < 1e-5),
      `after new weights: ${b.train} vs ${b.infer}`,
    );
    assert.ok(
      b.infer.some((s, i) => Math.abs(s - a.infer[i]!) > 1e-3),
      'the scores moved with the weights',
    );
    net.dispose();
  }
});

test('the device-side input path (GPU backends: gather, patch kernel, positions) equals the host lookup', async () => {
  for (const arch of [
    tinyArch,
    { ...tinyArch, patch: 1, features: { digitSlots: { places: 3, numbers: 2, bind: false } } },
    { ...tinyArch, patch: 1, features: { digitSlots: { places: 3, numbers: 3, bind: true }, bagHead: { hidden: 16 }, localCheck: { hidden: 8 } } },
  ]) {
    const make = () => {
      const n = createNet({ seed: 9, arch });
      randomize(n, 'c');
      return n;
    };
    const host = make();
    const a = await host.scoreTrajectory(problem, steps);
    hostInputBackends.delete('wasm');
    try {
      const device = make();
      const b = await device.scoreTrajectory(problem, steps);
      assert.ok(
        a.every((s, i) => Math.abs(s - b[i]!) < 1e-5),
        `${JSON.stringify(arch)}: ${a} vs ${b}`,
      );
      device.dispose();
    } finally {
      hostInputBackends.add('wasm');
    }
    host.dispose();
  }
});

test('inference weights are built once per weight version, and dispose() frees them', async () => {
  const before = tf.memory().numTensors;
  const net = createNet({ seed: 5, arch: tinyArch });
  const prm = new TfjsPRM(net);
  await prm.score([{ problem: { id: 'p', text: problem }, prefix: [], step: steps[0]!, key: 'a' }]);
  const warm = tf.memory().numTensors;
  for (let i = 0; i < 20; i++) await prm.score([{ problem: { id: 'p', text: problem }, prefix: [steps[0]!], step: `${i}`, key: `k${i}`, parentKey: 'a' }]);
  assert.is(tf.memory().numTensors, warm);
  prm.dispose();
  assert.is(tf.memory().numTensors, before);
});

test('digit places count from the right within each run of digits, and number slots from the end, capped', () => {
  const enc = (s: string) => [1, ...[...Buffer.from(s)].map((b) => b + BYTE_OFFSET)];
  const batch = padBatch([enc('x 120 + 7 = 12345'), enc('9')], 32);
  const places = digitPlaces(batch, 4);
  const row = (b: number, n: number) => Array.from(places.subarray(b * batch.L, b * batch.L + n));
  // BOS, x, ' ', 1 2 0, ' ', +, ' ', 7, ' ', =, ' ', 1 2 3 4 5 (the 5th place is capped at 4)
  assert.equal(row(0, 18), [0, 0, 0, 3, 2, 1, 0, 0, 0, 1, 0, 0, 0, 4, 4, 3, 2, 1]);
  assert.equal(row(1, 3), [0, 1, 0]);
  // with number slots (counted from the end: 12345 is 1, 7 is 2, 120 is 3) the row is slot·places + place
  const joint = digitPlaces(batch, 4, 3);
  assert.equal(Array.from(joint.subarray(0, 18)), [0, 0, 0, 11, 10, 9, 0, 0, 0, 5, 0, 0, 0, 4, 4, 3, 2, 1]);
  // bound: one row per (slot, place, digit value), 1 + row·10 + digit
  const bound = digitPlaces(batch, 4, 3, true);
  assert.equal(Array.from(bound.subarray(0, 18)), [0, 0, 0, 102, 93, 81, 0, 0, 0, 48, 0, 0, 0, 32, 33, 24, 15, 6]);
  assert.throws(
    () => createNet({ arch: { features: { digitSlots: { places: -1, numbers: 1, bind: false } } } }),
    (e: unknown) => e instanceof InvalidOptionError && /arch\.features\.digitSlots\.places/.test((e as Error).message),
  );
  // a version 1 knob on the architecture itself is refused with a pointer to features
  assert.throws(
    () => createNet({ arch: { places: 3 } as never }),
    (e: unknown) => e instanceof InvalidOptionError && /arch\.places.*features/.test((e as Error).message),
  );
});

test('the bag head starts as a no-op (zero output layer), so adding it leaves an untrained net unchanged', async () => {
  const digitSlots = { places: 3, numbers: 3, bind: true };
  const plain = createNet({ seed: 4, arch: { ...tinyArch, patch: 1, features: { digitSlots } } }),
    headed = createNet({ seed: 4, arch: { ...tinyArch, patch: 1, features: { digitSlots, bagHead: { hidden: 16 } } } });
  const a = await plain.scoreTrajectory(problem, steps),
    b = await headed.scoreTrajectory(problem, steps);
  assert.ok(
    a.every((s, i) => Math.abs(s - b[i]!) < 1e-6),
    `${a} vs ${b}`,
  );
  randomize(headed, 'h'); // and once trained it is part of the score
  const c = await headed.scoreTrajectory(problem, steps);
  headed.params['head.w2']!.assign(tf.zerosLike(headed.params['head.w2']!));
  const d = await headed.scoreTrajectory(problem, steps);
  assert.ok(
    c.some((s, i) => Math.abs(s - d[i]!) > 1e-3),
    'the head moves the scores',
  );
  plain.dispose();
  headed.dispose();
  assert.throws(
    () => createNet({ arch: { features: { digitSlots: { places: 3, numbers: 1, bind: 1 as never } } } }),
    (e: unknown) => e instanceof InvalidOptionError && /digitSlots\.bind/.test((e as Error).message),
  );
  assert.throws(
    () => createNet({ arch: { features: { bagHead: { hidden: 0 } } } }),
    (e: unknown) => e instanceof InvalidOptionError && /bagHead\.hidden/.test((e as Error).message),
  );
  assert.throws(
    () => createNet({ arch: { features: { bag: {} } as never } }),
    (e: unknown) => e instanceof InvalidOptionError && /features\.bag`: unknown/.test((e as Error).message),
  );
});

test('the local check counts a step\'s bound digits and symbols, not its spaces, "=" or BOS; its logit is a term of the score and a GRU input', async () => {
  const enc = (s: string) => [1, ...[...Buffer.from(s)].map((b) => b + BYTE_OFFSET)];
  const batch = padBatch([enc('12 + 7 = 19'), enc('7')], 16);
  batch.places = digitPlaces(batch, 2, 3, true);
  const R = 60 + 260,
    counts = checkCounts(batch, 60, 260);
  const nonzero = (b: number) => [...counts.subarray(b * R, (b + 1) * R).entries()].filter(([, v]) => v).map(([i, v]) => `${i}:${v}`);
  // rows (slot·2 + place − 1)·10 + digit: 19 is slot 0 (9 units → 9, 1 tens → 11), 7 slot 1 (27), 12 slot 2 (42, 51)
  assert.equal(nonzero(0), ['9:1', '11:1', '27:1', '42:1', '51:1', `${60 + 43 + BYTE_OFFSET}:1`]); // + '+'
  assert.equal(nonzero(1), ['7:1']);
  const arch = { ...tinyArch, patch: 1, features: { digitSlots: { places: 3, numbers: 3, bind: true }, localCheck: { hidden: 8 } } };
  const net = createNet({ seed: 4, arch });
  randomize(net, 'k');
  const logit = (p: number) => Math.log(p / (1 - p));
  const shifts = async () => {
    const a = await net.scoreTrajectory(problem, steps);
    net.params['check.b2']!.assign(tf.add(net.params['check.b2']!, 1));
    const b = await net.scoreTrajectory(problem, steps);
    return a.map((s, i) => logit(b[i]!) - logit(s));
  };
  // the GRU reads the check logit through cond.w's row d (after the step's d features); the logit term alone moves every step's logit by exactly 1
  const row = (w: number) =>
    tf.concat([tf.slice(net.params['cond.w']!, [0, 0], [16, -1]), tf.fill([1, 16], w), tf.slice(net.params['cond.w']!, [16 + 1, 0], [-1, -1])]);
  net.params['cond.w']!.assign(row(0));
  const alone = await shifts();
  assert.ok(
    alone.every((d) => Math.abs(d - 1) < 1e-3),
    `check bias +1, GRU row zero: ${alone}`,
  );
  net.params['cond.w']!.assign(row(0.5));
  const read = await shifts();
  assert.ok(
    read.some((d) => Math.abs(d - 1) > 1e-2),
    `the GRU reads the check too: ${read}`,
  );
  net.dispose();
  for (const digitSlots of [undefined, { places: 3, numbers: 3, bind: false }])
    assert.throws(
      () => createNet({ arch: { ...tinyArch, features: { digitSlots, localCheck: { hidden: 8 } } } }),
      (e: unknown) => e instanceof InvalidOptionError && /arch\.features\.localCheck.*bind/.test((e as Error).message),
    );
});

test.run();

// Model files of format version 1 (the five flat knobs on the architecture) still load, with the same weights and
// the same scores as the version 2 layout (features); the shipped model scores as it did before the change.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_MODEL } from '../../src/cli/prm.ts';
import { ModelConfigError } from '../../src/core/errors.ts';
import { createNet, featuresFromKnobs, loadNet, saveNet, selectBackend, TfjsPRM, type PRMNet } from '../../src/reward/tfjs/index.ts';
import { arithProblem, ArithPolicy } from '../../src/tasks/arith.ts';
import { tinyArch } from './tfjs-helpers.ts';

let dir = '';
test.before(async () => {
  await selectBackend('wasm', { log: () => {} });
  dir = await mkdtemp(path.join(tmpdir(), 'steptree-features-'));
});
test.after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The architecture of models/arith-prm as version 1 wrote it (git: models/arith-prm/config.json before version 2). */
const SHIPPED_V1_ARCH = {
  encoder: 'transformer',
  vocabSize: 260,
  dModel: 64,
  heads: 2,
  layers: 1,
  ffn: 128,
  hidden: 64,
  maxStepTokens: 256,
  maxProblemTokens: 32,
  patch: 1,
  places: 3,
  numbers: 3,
  head: 256,
  check: 1024,
  bindDigits: true,
};

/** Copy a model folder, rewriting its config.json and model.json to version 1 with the given flat architecture. */
async function asVersion1(from: string, to: string, arch: Record<string, unknown>): Promise<void> {
  await mkdir(to, { recursive: true });
  await copyFile(path.join(from, 'weights.bin'), path.join(to, 'weights.bin'));
  const cfg = JSON.parse(await readFile(path.join(from, 'config.json'), 'utf8'));
  await writeFile(path.join(to, 'config.json'), JSON.stringify({ ...cfg, version: 1, architecture: arch }, null, 2));
  const model = JSON.parse(await readFile(path.join(from, 'model.json'), 'utf8'));
  await writeFile(path.join(to, 'model.json'), JSON.stringify({ ...model, modelTopology: { architecture: arch } }, null, 1));
}

/** Full and incremental scores of a few arith trajectories (policy error rate 0.3, so right and wrong steps). */
async function scores(net: PRMNet): Promise<number[][]> {
  const prm = new TfjsPRM(net),
    policy = new ArithPolicy({ errorRate: 0.3, seed: 5 }),
    out: number[][] = [];
  for (let s = 0; s < 3; s++) {
    const problem = arithProblem(`snap-${s}`),
      steps: string[] = [];
    for (let i = 0; i < 8; i++) steps.push(policy.proposeSync({ problem, steps, k: 1, seed: `${s}/${i}` })[0]!.text);
    out.push(await net.scoreTrajectory(problem.text, steps));
    out.push(
      await prm.score(steps.map((step, i) => ({ problem, prefix: steps.slice(0, i), step, key: `t${s}.${i}`, parentKey: i ? `t${s}.${i - 1}` : undefined }))),
    );
  }
  return out;
}

test('the shipped model in the version 1 layout loads with the same features and gives identical scores', async () => {
  const old = path.join(dir, 'arith-v1');
  await asVersion1(DEFAULT_MODEL, old, SHIPPED_V1_ARCH);
  const a = await loadNet(DEFAULT_MODEL),
    b = await loadNet(old);
  assert.equal(b.config, a.config);
  assert.equal(a.config.features, {
    digitSlots: { places: 3, numbers: 3, bind: true },
    bagHead: { hidden: 256 },
    localCheck: { hidden: 1024 },
  });
  const sa = await scores(a);
  assert.equal(await scores(b), sa);
  // the first trajectory's full scores on wasm, recorded before the knobs became features (format version 1 code)
  const before = [0.9670080542564392, 0.9994667172431946, 2.7680596303980565e-6, 0.0018047241028398275, 0.04538451135158539, 3.162270331813488e-6];
  before.forEach((p, i) => assert.ok(Math.abs(sa[0]![i]! - p) <= 1e-6 * p, `step ${i}: ${sa[0]![i]} vs ${p}`));
  a.dispose();
  b.dispose();
});

test('a version 1 file of each knob combination loads as its features; saving writes version 2', async () => {
  const cases = [
    { knobs: {}, features: {} },
    { knobs: { places: 2 }, features: { digitSlots: { places: 2, numbers: 1, bind: false } } },
    { knobs: { places: 2, numbers: 0, head: 0 }, features: { digitSlots: { places: 2, numbers: 1, bind: false } } },
    {
      knobs: { places: 3, numbers: 2, bindDigits: true, head: 8, check: 4 },
      features: featuresFromKnobs({ places: 3, numbers: 2, bindDigits: true, head: 8, check: 4 }),
    },
  ];
  for (const [i, c] of cases.entries()) {
    const net = createNet({ seed: i, arch: { ...tinyArch, patch: 1, features: c.features } });
    const fresh = path.join(dir, `v2-${i}`),
      old = path.join(dir, `v1-${i}`);
    await saveNet(net, fresh);
    const saved = JSON.parse(await readFile(path.join(fresh, 'config.json'), 'utf8'));
    assert.is(saved.version, 2);
    const { features, ...core } = saved.architecture;
    assert.equal(features, c.features);
    await asVersion1(fresh, old, { ...core, ...c.knobs });
    const back = await loadNet(old);
    assert.equal(back.config.features, c.features, JSON.stringify(c.knobs));
    assert.equal(await scores(back), await scores(net));
    net.dispose();
    back.dispose();
  }
});

test('bad knobs in a version 1 file, and version 1 knobs in a version 2 file, name config.json and the field', async () => {
  const net = createNet({ seed: 1, arch: { ...tinyArch, patch: 1 } });
  const fresh = path.join(dir, 'plain');
  await saveNet(net, fresh);
  net.dispose();
  const { features: _, ...core } = JSON.parse(await readFile(path.join(fresh, 'config.json'), 'utf8')).architecture;
  const expect = async (where: string, pattern: RegExp) => {
    try {
      (await loadNet(where)).dispose();
      assert.unreachable('should have thrown');
    } catch (e) {
      assert.instance(e, ModelConfigError);
      assert.is((e as ModelConfigError).where, path.join(where, 'config.json'));
      assert.match((e as Error).message, pattern);
    }
  };
  await asVersion1(fresh, path.join(dir, 'bad1'), { ...core, bindDigits: true });
  await expect(path.join(dir, 'bad1'), /architecture\.bindDigits: needs places/);
  await asVersion1(fresh, path.join(dir, 'bad2'), { ...core, places: 2, check: 4 });
  await expect(path.join(dir, 'bad2'), /architecture\.check: needs bindDigits/);
  const cfg = JSON.parse(await readFile(path.join(fresh, 'config.json'), 'utf8'));
  await writeFile(path.join(fresh, 'config.json'), JSON.stringify({ ...cfg, architecture: { ...cfg.architecture, places: 2 } }));
  await expect(fresh, /architecture\.places: is a version 1 knob/);
  await writeFile(path.join(fresh, 'config.json'), JSON.stringify({ ...cfg, version: 3 }));
  await expect(fresh, /format version 3 is not supported \(this build reads versions 1 and 2\)/);
});

test.run();

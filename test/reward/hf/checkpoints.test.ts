import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs-core';
import { FormatError } from '../../../src/core/errors.ts';
import { HfPRM, listTensors, readConfig, readHeader, readTensor } from '../../../src/reward/hf/index.ts';
import { makeCheckpoints } from './checkpoints.ts';
import { maxAbsDiff, scoreByDepth, scoreOneByOne } from './helpers.ts';

const made = makeCheckpoints();
if ('skip' in made) console.log(`SKIP hf checkpoints (numpy cross-check): ${made.skip}`);
const TOL = 1e-5;

test.after(() => {
  if (!('skip' in made)) rmSync(made.dir, { recursive: true, force: true });
});

if (!('skip' in made)) {
  for (const m of made.models) {
    test(`${m.name} (${m.dtype}, ${m.head}, ${m.format}) matches the numpy float64 reference within ${TOL}`, async () => {
      const dir = join(made.dir, m.name);
      const prm = await HfPRM.load(dir, { backend: 'cpu', format: m.format as never });
      try {
        const info = prm.info();
        assert.is(info.head, m.head);
        for (const name of m.skipped) assert.ok(!listTensors(dir).get(name) || info.skippedTensors >= 1, `${name} skipped`);
        for (const c of m.cases) {
          assert.equal(prm.text.encodeThrough(c.problem, c.steps), c.ids, `${m.name} ${c.id} ids`);
          const ends = c.steps.map((_, k) => prm.text.encodeThrough(c.problem, c.steps.slice(0, k + 1)).length - 1);
          assert.equal(ends, c.positions, `${m.name} ${c.id} score positions`);
        }
        const paths = m.cases.map((c) => ({ id: c.id, problem: c.problem, steps: c.steps }));
        const want = m.cases.map((c) => c.scores);
        const cached = await scoreByDepth(prm, paths);
        assert.ok(maxAbsDiff(cached, want) <= TOL, `cached frontier: max |dP| ${maxAbsDiff(cached, want)}`);
        const solo = await scoreOneByOne(prm, paths);
        assert.ok(maxAbsDiff(solo, want) <= TOL, `one by one: max |dP| ${maxAbsDiff(solo, want)}`);
        assert.is(prm.stats.fallbacks, 0);
      } finally {
        prm.dispose();
      }
    });
  }

  for (const m of made.models.filter((x) => x.windows.some((w) => w !== null && w < 64))) {
    test(`${m.name}: sliding window ${m.windows} — cached frontier, full re-encoding and numpy agree within ${TOL}`, async () => {
      const dir = join(made.dir, m.name);
      const c = readConfig(dir);
      assert.equal(
        c.windowLayers.map((on) => (on ? c.slidingWindow : null)),
        m.windows,
        'window per layer',
      );
      const want = m.cases.map((x) => x.scores);
      const ignored = m.cases.map((x) => x.scoresFullAttention!);
      assert.ok(maxAbsDiff(want, ignored) > 1e-3, 'the paths are longer than the window: ignoring it would fail this test');
      assert.ok(Math.min(...m.cases.map((x) => x.ids.length)) > 4 * c.slidingWindow!);
      const paths = m.cases.map((x) => ({ id: x.id, problem: x.problem, steps: x.steps }));
      const cachedPrm = await HfPRM.load(dir, { backend: 'cpu', format: m.format as never });
      const fullPrm = await HfPRM.load(dir, { backend: 'cpu', format: m.format as never, cacheBytes: 1 }); // nothing stays cached
      try {
        const cached = await scoreByDepth(cachedPrm, paths);
        const full = await scoreByDepth(fullPrm, paths);
        assert.is(cachedPrm.stats.fallbacks, 0);
        assert.ok(fullPrm.stats.fallbacks > 0 && fullPrm.stats.headTokens > 0, 'the full path re-encoded every prefix');
        assert.ok(maxAbsDiff(cached, full) <= TOL, `cached vs full: ${maxAbsDiff(cached, full)}`);
        assert.ok(maxAbsDiff(full, want) <= TOL, `full vs numpy: ${maxAbsDiff(full, want)}`);
        assert.ok(maxAbsDiff(cached, want) <= TOL, `cached vs numpy: ${maxAbsDiff(cached, want)}`);
      } finally {
        cachedPrm.dispose();
        fullPrm.dispose();
      }
    });
  }

  test('config: Llama 3 rope scaling, GQA and eps read from config.json', () => {
    const tensors0 = tf.memory().numTensors; // other suites in this process may hold tensors
    const c = readConfig(join(made.dir, 'llama-rlhflow'));
    assert.equal(
      [c.modelType, c.heads, c.kvHeads, c.eps, c.theta, c.ropeScaling?.type, c.qkvBias, c.tied],
      ['llama', 4, 2, 1e-5, 500000, 'llama3', false, false],
    );
    const q = readConfig(join(made.dir, 'qwen2-value'));
    assert.equal([q.qkvBias, q.tied], [true, true]);
    assert.is(readConfig(join(made.dir, 'mistral-shepherd')).slidingWindow, 4096);
  });

  test('safetensors: sharded index, rows read by offset equal the full read, LM head reduced to label rows', async () => {
    const tensors0 = tf.memory().numTensors; // other suites in this process may hold tensors
    const dir = join(made.dir, 'mistral-shepherd');
    const all = listTensors(dir);
    const files = new Set([...all.values()].map((e) => e.file));
    assert.is(files.size, 2, 'two shards');
    const e = all.get('lm_head.weight')!;
    assert.is(e.dtype, 'F16');
    const full = readTensor(e),
      H = e.shape[1]!;
    assert.equal(Array.from(readTensor(e, [45, 43])), [...full.subarray(45 * H, 46 * H), ...full.subarray(43 * H, 44 * H)]);
    const prm = await HfPRM.load(dir, { backend: 'cpu' });
    assert.is(prm.m.w.head.mats[0]!.w.shape[0], 2, 'only the two label rows are on the backend');
    prm.dispose();
  });

  test('safetensors: a truncated file is a FormatError naming the file', () => {
    const tensors0 = tf.memory().numTensors; // other suites in this process may hold tensors
    const bad = join(made.dir, 'bad.safetensors');
    writeFileSync(bad, Buffer.from([200, 0, 0, 0, 0, 0, 0, 0, 123]));
    assert.throws(
      () => readHeader(bad),
      (e: unknown) => e instanceof FormatError && (e as Error).message.includes('bad.safetensors'),
    );
  });

  test('numTensors, tensor bytes and cache bytes flat over 1,000 searches with release()', async () => {
    const tensors0 = tf.memory().numTensors; // other suites in this process may hold tensors
    const prm = await HfPRM.load(join(made.dir, 'qwen2-value'), { backend: 'cpu', problemCacheSize: 4 });
    const seen: string[] = [];
    for (let s = 0; s < 1000; s++) {
      const problem = `${s}+${s % 7}?`; // short texts keep 1,000 searches cheap
      const paths = [0, 1].map((b) => ({ id: `s${s}b${b}`, problem, steps: [`${s % 7}`, `${s + (s % 7) + b}`] }));
      await scoreByDepth(prm, paths, true, `${s}:`);
      prm.release(paths.flatMap((p) => p.steps.map((_, k) => `${s}:${p.id}/${k}`)));
      if (s % 100 === 99) {
        const { memory, cachedRecords } = prm.info();
        seen.push(`${tf.memory().numTensors}/${tf.memory().numBytes}/${memory.cachedKvBytes}/${cachedRecords}`);
      }
    }
    // Problem prefixes differ in length by a token or two, so cache bytes may wobble by that; tensors may not.
    const [n0, b0, c0] = seen[0]!.split('/').map(Number);
    for (const x of seen) {
      const [n, b, c, r] = x.split('/').map(Number);
      assert.ok(n === n0 && r === 4, `numTensors / records ${seen}`);
      assert.ok(Math.abs(b! - b0!) <= 4096 && Math.abs(c! - c0!) <= 4096, `bytes ${seen}`);
    }
    assert.is(prm.stats.steps, 4000);
    prm.dispose();
    assert.is(tf.memory().numTensors, tensors0);
  });

  test('a parent key the PRM never saw (a search resumed from a saved tree) re-encodes from the problem', async () => {
    const tensors0 = tf.memory().numTensors; // other suites in this process may hold tensors
    const m = made.models.find((x) => x.name === 'llama-rlhflow')!;
    const prm = await HfPRM.load(join(made.dir, m.name), { backend: 'cpu', format: 'rlhflow' });
    const c = m.cases[0]!;
    const s = await prm.score([
      { problem: { id: c.id, text: c.problem }, prefix: c.steps.slice(0, 2), step: c.steps[2]!, key: 'k', parentKey: 'from-a-saved-tree' },
    ]);
    assert.is(prm.stats.fallbacks, 1);
    assert.ok(Math.abs(s[0]! - c.scores[2]!) <= TOL, `${s[0]} vs ${c.scores[2]}`);
    prm.dispose();
  });

  test('eviction under a tiny cache cap falls back to re-encoding and keeps the scores', async () => {
    const tensors0 = tf.memory().numTensors; // other suites in this process may hold tensors
    const m = made.models.find((x) => x.name === 'qwen2-value')!;
    const prm = await HfPRM.load(join(made.dir, m.name), { backend: 'cpu', format: 'plain', cacheBytes: 1 });
    const paths = m.cases.map((c) => ({ id: c.id, problem: c.problem, steps: c.steps }));
    const got = await scoreByDepth(prm, paths);
    assert.ok(prm.stats.fallbacks > 0, 'parents were evicted');
    assert.ok(
      maxAbsDiff(
        got,
        m.cases.map((c) => c.scores),
      ) <= TOL,
    );
    prm.dispose();
  });
}

test.run();

import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs-core';
import { HfPRM } from '../../../src/reward/hf/index.ts';
import { hasTinyQwen, maxAbsDiff, scoreByDepth, scoreOneByOne, TINY_QWEN, type Path } from './helpers.ts';

interface Case {
  id: string;
  problem: string;
  steps: string[];
  rendered: string;
  ids: number[];
  tag_positions: number[];
  step_scores: number[];
}
const ref = hasTinyQwen
  ? (JSON.parse(readFileSync(TINY_QWEN + 'reference.json', 'utf8')) as { cases: Case[]; prefix_pairs: { a: string; b: string; shared_tokens: number }[] })
  : null;
if (!ref) console.log(`SKIP hf qwen2-reference: ${TINY_QWEN} is absent (the shared tiny-prm data)`);

const TOL = 1e-5;

for (const backend of ['cpu', 'wasm'] as const) {
  test(`tiny qwen2-prm on ${backend}: template, tokens, tag positions, cached and re-encoded scores within ${TOL}`, async () => {
    if (!ref) return;
    const prm = await HfPRM.load(TINY_QWEN, { backend, backendDeps: { strict: true } });
    try {
      assert.is(prm.backend, backend);
      assert.ok(prm.text.usesChatTemplate, 'rendered through the checkpoint chat_template');
      for (const c of ref.cases) {
        assert.is(prm.text.render(c.problem, c.steps), c.rendered, `${c.id} rendered`);
        assert.equal(prm.text.encode(c.rendered), c.ids, `${c.id} ids`);
        // The text through step k must end exactly on the k-th <extra_0> the model reads.
        const ends = c.steps.map((_, k) => prm.text.encodeThrough(c.problem, c.steps.slice(0, k + 1)).length - 1);
        assert.equal(ends, c.tag_positions, `${c.id} tag positions`);
      }
      const paths: Path[] = ref.cases.map((c) => ({ id: c.id, problem: c.problem, steps: c.steps }));
      const want = ref.cases.map((c) => c.step_scores);
      const cached = await scoreByDepth(prm, paths);
      const dCached = maxAbsDiff(cached, want);
      assert.ok(dCached <= TOL, `cached frontier batches: max |dP| ${dCached}`);
      assert.is(prm.stats.fallbacks, 0);
      // Each token run once: new tokens = the problem prefixes + every case's tokens after its prefix.
      const solo = await scoreOneByOne(prm, paths);
      const dSolo = maxAbsDiff(solo, want);
      assert.ok(dSolo <= TOL, `one by one, re-encoded from the problem: max |dP| ${dSolo}`);
      assert.ok(maxAbsDiff(cached, solo) <= TOL);
    } finally {
      prm.dispose();
    }
  });
}

test('tiny qwen2-prm: siblings from one parent cache (reference prefix pairs)', async () => {
  const tensors0 = tf.memory().numTensors; // other suites in this process may hold tensors
  if (!ref) return;
  const prm = await HfPRM.load(TINY_QWEN, { backend: 'cpu' });
  try {
    const byId = new Map(ref.cases.map((c) => [c.id, c]));
    for (const pair of ref.prefix_pairs) {
      const a = byId.get(pair.a)!,
        b = byId.get(pair.b)!;
      const pa: Path = { id: a.id, problem: a.problem, steps: a.steps };
      const sa = (await scoreByDepth(prm, [pa], true, 'pair:'))[0]!;
      // b continues from a's 3rd step: its 4th and 5th steps run against a's cache, not a re-encoding.
      const before = prm.stats.tokens;
      const mk = (k: number, parent: string) => ({
        problem: { id: b.id, text: b.problem } as never,
        prefix: b.steps.slice(0, k),
        step: b.steps[k]!,
        key: `pair:${b.id}/${k}`,
        parentKey: parent,
      });
      const s3 = await prm.score([mk(3, `pair:${a.id}/2`)]);
      const s4 = await prm.score([mk(4, `pair:${b.id}/3`)]);
      const ranOnly = prm.stats.tokens - before;
      assert.ok(ranOnly < b.ids.length - pair.shared_tokens + 4, `ran ${ranOnly} tokens for b's last two steps`);
      assert.ok(maxAbsDiff([sa], [a.step_scores]) <= TOL);
      assert.ok(maxAbsDiff([[...s3, ...s4]], [b.step_scores.slice(3)]) <= TOL, `${b.id} from the shared cache`);
    }
  } finally {
    prm.dispose();
  }
  assert.is(tf.memory().numTensors, tensors0, 'dispose frees everything');
});

test.run();

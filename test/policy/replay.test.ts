import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { FormatError, InvalidOptionError, SteptreeError } from '../../src/core/errors.ts';
import { policyKinds } from '../../src/policy/registry.ts';
import { ReplayPolicy } from '../../src/policy/replay/index.ts';
import { bestOfN, search } from '../../src/index.ts';
import { DATA, hasData } from './data.ts';

const BON = resolve(DATA, 'bon/qwen25math_math_cot_100.jsonl');
const GSM = resolve(DATA, 'gsm8k/example_model_solutions.jsonl');
const rows = (f: string) =>
  readFileSync(f, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

/** Every trajectory reachable from the root, asking for `k` proposals at each node. */
function allPaths(p: ReplayPolicy, problem: { id: string; text: string }, k: number): { steps: string[]; answer?: string }[] {
  const out: { steps: string[]; answer?: string }[] = [];
  const go = (steps: string[]) => {
    const seen = new Set<string>();
    for (const s of p.proposeSync({ problem, steps, k, seed: steps.join('|') })) {
      if (seen.has(s.text)) continue;
      seen.add(s.text);
      if (s.terminal) out.push({ steps: [...steps, s.text], ...(s.answer !== undefined ? { answer: s.answer } : {}) });
      else go([...steps, s.text]);
    }
  };
  go([]);
  return out;
}

test('Qwen2.5-Math best-of-8: the trie reproduces exactly the 8 candidates of each of the 100 problems, with their answers', () => {
  if (!hasData('bon/qwen25math_math_cot_100.jsonl')) return;
  const p = new ReplayPolicy({ pool: BON });
  assert.equal([p.info().problems, p.info().candidates], [100, 800]);
  for (const [i, r] of rows(BON).entries()) {
    const want = new Map<string, string>();
    r.response.forEach((t: string, j: number) =>
      want.set(
        t
          .split(/\n\n+/)
          .map((s) => s.trim())
          .filter(Boolean)
          .join('\n\n'),
        r.pred[j],
      ),
    );
    const got = allPaths(p, { id: `bon-${i}`, text: r.question }, 64);
    assert.is(got.length, want.size, `problem ${i}`);
    for (const g of got) assert.is(g.answer, want.get(g.steps.join('\n\n')), `problem ${i}`);
  }
});

test('GSM8K example solutions: four model candidates per problem, never the reference; A: N is the answer', () => {
  if (!hasData('gsm8k/example_model_solutions.jsonl')) return;
  const p = new ReplayPolicy({ pool: GSM });
  const data = rows(GSM);
  assert.is(p.info().problems, data.length);
  let matchesTruth = 0;
  for (const [i, r] of data.entries()) {
    const got = allPaths(p, { id: `g${i}`, text: r.question }, 16);
    const models = ['6b_finetuning', '6b_verification', '175b_finetuning', '175b_verification'].map((k) => r[k].solution.trim());
    assert.ok(got.length >= 1 && got.length <= 4);
    for (const g of got) {
      assert.ok(models.includes(g.steps.join('\n')), `problem ${i}`);
      // 11 of the 5,276 model solutions were cut before `A:` (degenerate repetition): no answer
      assert.is(g.answer, /A: (.*)$/.exec(g.steps.at(-1)!)?.[1]);
    }
    if (got.some((g) => g.steps.join('\n') === r.ground_truth.trim()) && !models.includes(r.ground_truth.trim())) matchesTruth++;
  }
  assert.is(matchesTruth, 0);
  // the dataset loaders' problem texts find their pools
  if (hasData('gsm8k/test.jsonl')) assert.ok(rows(resolve(DATA, 'gsm8k/test.jsonl')).every((r) => p.has(r.question)));
  if (hasData('math/math_test_full.jsonl')) {
    const bon = new ReplayPolicy({ pool: BON });
    assert.is(rows(resolve(DATA, 'math/math_test_full.jsonl')).filter((r) => bon.has(r.problem)).length, 100);
  }
});

test('proposals: k draws without replacement (counts merge), priors are pool shares, deterministic; off-pool steps fail', () => {
  const dir = mkdtempSync(join(tmpdir(), 'replay-'));
  try {
    const f = join(dir, 'pool.jsonl');
    const resp = ['A\n\nB\n\n\\boxed{1}', 'A\n\nC\n\n\\boxed{2}', 'A\n\nB\n\n\\boxed{1}', 'D\n\n\\boxed{3}'];
    writeFileSync(f, JSON.stringify({ question: 'Q  one?', response: resp, pred: ['1', '2', '1', '3'] }) + '\n');
    const p = new ReplayPolicy({ pool: f, seed: 1 });
    const q = { id: 'q', text: 'Q one?' };
    const root = p.proposeSync({ problem: q, steps: [], k: 10, seed: 's' });
    assert.equal(root.map((x) => x.text).sort(), ['A', 'A', 'A', 'D']);
    assert.is(root.find((x) => x.text === 'A')!.logprob, Math.log(3 / 4));
    assert.equal(p.proposeSync({ problem: q, steps: [], k: 2, seed: 's' }), p.proposeSync({ problem: q, steps: [], k: 2, seed: 's' }));
    assert.is(p.proposeSync({ problem: q, steps: ['A'], k: 10, seed: 's' }).length, 3);
    const end = p.proposeSync({ problem: q, steps: ['A', 'C'], k: 1, seed: 's' })[0]!;
    assert.equal([end.terminal, end.answer], [true, '2']);
    const withR = new ReplayPolicy({ pool: f, sampling: 'with-replacement' });
    assert.is(withR.proposeSync({ problem: q, steps: [], k: 10, seed: 's' }).length, 10);
    assert.throws(
      () => p.proposeSync({ problem: q, steps: ['Z'], k: 1, seed: 's' }),
      (e: unknown) => e instanceof SteptreeError && /not in the pool/.test(String(e)),
    );
    assert.throws(() => p.proposeSync({ problem: { id: 'x', text: 'other' }, steps: [], k: 1, seed: 's' }), /no candidates for problem x/);
    writeFileSync(join(dir, 'bad.jsonl'), '{"question": "a", "response": ["x"]}\n{oops\n');
    assert.throws(
      () => new ReplayPolicy({ pool: join(dir, 'bad.jsonl') }),
      (e: unknown) => e instanceof FormatError && /bad\.jsonl:2/.test(String(e)),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('best-of-8 through the engine on the pool: majority vote equals maj@8 of the file', async () => {
  if (!hasData('bon/qwen25math_math_cot_100.jsonl')) return;
  const p = await policyKinds.replay!.create({ seed: 1, options: { pool: BON } });
  const prm = { name: 'flat', score: async (r: readonly unknown[]) => r.map(() => 0.5) };
  for (const [i, r] of rows(BON).slice(0, 10).entries()) {
    const res = await search({ problem: { id: `bon-${i}`, text: r.question }, policy: p, prm, strategy: bestOfN({ n: 8 }), selection: 'majority', seed: 1 });
    const votes = new Map<string, number>();
    for (const a of r.pred as string[]) votes.set(a, (votes.get(a) ?? 0) + 1);
    const top = Math.max(...votes.values());
    assert.ok(votes.get(res.best!.answer!) === top, `problem ${i}: ${res.best?.answer}`);
  }
  const e = await policyKinds.replay!.create({ seed: 1, options: {} }).catch((x) => x);
  assert.instance(e, InvalidOptionError);
});

test.run();

/**
 * HF PRM benchmark (prints tables; --json for JSON).
 * 1. Encoding work: tokens the PRM runs ÷ tokens in the search tree, for beam search and MCTS on MATH-like trees
 *    (MATH-500 problems, a seeded policy writing MATH-style steps), scored by the tiny Qwen2.5-Math-PRM-shaped
 *    checkpoint in ../shared/data/tiny-prm; against re-scoring every prefix (vLLM's pooling path, no prefix cache).
 * 2. Throughput and latency of one frontier batch (rows × new tokens against a per-row cache) on real Qwen2.5-0.5B
 *    widths with random BF16 weights, tfjs cpu / wasm, side by side with PyTorch CPU on the same weights
 *    (benchmarks/hf_torch.py; skipped with a message when that Python has no torch). The Python is Debian's
 *    /usr/bin/python3 (apt python3-torch, python3-numpy), since a pyenv `python3` on PATH shadows it; set
 *    STEPTREE_TORCH_PYTHON to use another. --rounds n repeats every implementation n times, interleaved, and keeps
 *    each one's best, so load that drifts during the run does not favour whichever ran first.
 * Run: npx tsx benchmarks/hf-prm.ts [--json] [--layers 6] [--rows 4] [--past 64] [--new 16] [--iters 2] [--rounds 1] [--skip-throughput]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import seedrandom from 'seedrandom';
import type { Policy, ProposeRequest } from '../src/policy/types.ts';
import { HfPRM } from '../src/reward/hf/index.ts';
import { readConfig, invFrequencies } from '../src/reward/hf/config.ts';
import { forward, type Decoder, type KvChunk } from '../src/reward/hf/forward.ts';
import { loadWeights, disposeWeights } from '../src/reward/hf/weights.ts';
import { selectBackend } from '../src/reward/tfjs/backend.ts';
import type { PRM, ScoreRequest } from '../src/reward/types.ts';
import { beam, mcts, search } from '../src/index.ts';
import * as tf from '@tensorflow/tfjs-core';

const { values: flags } = parseArgs({
  options: {
    json: { type: 'boolean' },
    layers: { type: 'string' },
    rows: { type: 'string' },
    past: { type: 'string' },
    new: { type: 'string' },
    iters: { type: 'string' },
    rounds: { type: 'string' },
    'skip-throughput': { type: 'boolean' },
    searches: { type: 'string' },
  },
});
const TINY = new URL('../../shared/data/tiny-prm/qwen2-prm/', import.meta.url).pathname;
const MATH = new URL('../../shared/data/math/math500_test.jsonl', import.meta.url).pathname;
const PY = process.env.STEPTREE_TORCH_PYTHON || '/usr/bin/python3';
const out: Record<string, unknown> = { machine: `${os.cpus().length} vCPU, Node ${process.version}` };
const say = (s: string) => !flags.json && console.log(s);

// ---- 1. tokens run ÷ tokens in the tree -------------------------------------------------------------------------

const STEP_BANK = [
  'Let $x$ be the number we want, so $x + {a} = {b}$ and $x = {b} - {a} = {c}$.',
  'Multiplying both sides by ${a}$ gives ${a}x = {p}$, hence $x = \\frac{{p}}{{a}}$.',
  'The area of the triangle is $\\frac{1}{2} \\cdot {a} \\cdot {b} = {h}$ square units.',
  'By the Pythagorean theorem, $c^2 = {a}^2 + {b}^2 = {q}$.',
  'We factor: $x^2 - {s}x + {p} = (x - {a})(x - {b})$, so the roots are ${a}$ and ${b}$.',
  'There are $\\binom{{b}}{2} = {k}$ ways to choose the pair.',
  'Since ${a} \\times {b} = {p}$, the remainder when dividing by ${a}$ is $0$.',
  'Substituting $y = {c}$ into the first equation, we get $2x + {c} = {b}$.',
];

/** A seeded policy writing MATH-style steps (numbers vary per sample; terminal after 4–6 steps). */
const mathPolicy: Policy = {
  name: 'math-sim',
  propose: async (r: ProposeRequest) => {
    const rng = seedrandom(r.seed);
    return Array.from({ length: r.k }, () => {
      const a = 2 + Math.floor(rng() * 30),
        b = a + 1 + Math.floor(rng() * 40);
      const vars: Record<string, number> = { a, b, c: b - a, p: a * b, s: a + b, q: a * a + b * b, h: (a * b) / 2, k: (b * (b - 1)) / 2 };
      const text = STEP_BANK[Math.floor(rng() * STEP_BANK.length)]!.replace(/\{(\w)\}/g, (_, v: string) => String(vars[v]));
      const terminal = r.steps.length + 1 >= 4 + Math.floor(rng() * 3);
      return terminal
        ? { text: `${text} The answer is $\\boxed{${vars.c}}$.`, tokens: 40, terminal: true, answer: String(vars.c), logprob: -rng() }
        : { text, tokens: 30, terminal: false, logprob: -rng() };
    });
  },
};

/** Wraps the HF PRM: counts the tokens of the tree (each node's own tokens once) and of re-scoring every prefix. */
class Counting implements PRM {
  readonly name = 'counting';
  treeTokens = 0;
  rescoreTokens = 0;
  private readonly lens = new Map<string, number>();
  private readonly heads = new Set<string>();
  constructor(readonly inner: HfPRM) {}
  async score(reqs: readonly ScoreRequest[]): Promise<number[]> {
    for (const r of reqs) {
      const n = this.inner.text.encodeThrough(r.problem.text, [...r.prefix, r.step]).length;
      const head = this.inner.text.encode(this.inner.text.parts(r.problem.text).head).length;
      if (!this.heads.has(r.problem.text)) (this.heads.add(r.problem.text), (this.treeTokens += head));
      this.treeTokens += n - (r.parentKey !== undefined ? this.lens.get(r.parentKey)! : head);
      this.rescoreTokens += n;
      this.lens.set(r.key, n);
    }
    return this.inner.score(reqs);
  }
  release(keys: readonly string[]) {
    this.inner.release(keys);
  }
}

async function tokenRatio(): Promise<void> {
  if (!existsSync(TINY + 'config.json')) return void say(`SKIP token ratio: ${TINY} is absent`);
  const problems = existsSync(MATH)
    ? readFileSync(MATH, 'utf8')
        .trim()
        .split('\n')
        .slice(0, Number(flags.searches ?? 4))
        .map((l, i) => ({ id: `math${i}`, text: (JSON.parse(l) as { problem: string }).problem }))
    : [{ id: 'm0', text: 'Find the positive root of $x^2 - 5x + 6 = 0$.' }];
  const rows: Record<string, unknown>[] = [];
  for (const [name, strategy] of [
    ['beam N=8 M=4', beam({ n: 8, beamWidth: 4, maxDepth: 8 })],
    ['mcts 24 sims ×4', mcts({ simulations: 24, expansionWidth: 4, parallel: 4, maxDepth: 8 })],
  ] as const) {
    const prm = await HfPRM.load(TINY, { backend: 'wasm' });
    const counting = new Counting(prm);
    const t0 = performance.now();
    // All searches at once, so their frontiers share batches.
    await Promise.all(problems.map((problem, i) => search({ problem, policy: mathPolicy, prm: counting, strategy, seed: i })));
    const ms = performance.now() - t0;
    const run = prm.stats.tokens;
    rows.push({
      strategy: name,
      searches: problems.length,
      steps: prm.stats.steps,
      treeTokens: counting.treeTokens,
      ranTokens: run,
      ratio: run / counting.treeTokens,
      rescoreTokens: counting.rescoreTokens,
      rescoreRatio: counting.rescoreTokens / counting.treeTokens,
      calls: prm.stats.calls,
      forwards: prm.stats.forwards,
      fallbacks: prm.stats.fallbacks,
      paddedOverRan: prm.stats.paddedTokens / run,
      wallMs: Math.round(ms),
    });
    prm.dispose();
  }
  out.tokenRatio = rows;
  say('\n## tokens the PRM runs ÷ tokens in the tree (tiny qwen2-prm, wasm; MATH-500 problems)\n');
  say(
    '| strategy | searches | steps scored | tree tokens | run (KV cache) | ratio | re-score every prefix | ratio | PRM calls | forwards | padded ÷ run | fallbacks |',
  );
  say('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows)
    say(
      `| ${r.strategy} | ${r.searches} | ${r.steps} | ${r.treeTokens} | ${r.ranTokens} | ${(r.ratio as number).toFixed(3)} | ${r.rescoreTokens} | ${(r.rescoreRatio as number).toFixed(2)} | ${r.calls} | ${r.forwards} | ${(r.paddedOverRan as number).toFixed(2)} | ${r.fallbacks} |`,
    );
}

// ---- 2. throughput on 0.5B widths ---------------------------------------------------------------------------------

interface Shape {
  rows: number;
  past: number;
  fresh: number;
  iters: number;
}

function randomIds(n: number, vocab: number, seed: string): number[] {
  const rng = seedrandom(seed);
  return Array.from({ length: n }, () => Math.floor(rng() * vocab));
}

async function tfjsFrontier(dir: string, backend: 'cpu' | 'wasm', s: Shape, ids: { past: number[][]; fresh: number[][] }) {
  await selectBackend(backend, { strict: true });
  const cfg = readConfig(dir);
  const w = loadWeights(dir, cfg, null);
  const m: Decoder = { cfg, w, invFreq: invFrequencies(cfg), positiveIndex: 1 };
  const pre = await forward(
    m,
    ids.past.map((p) => ({ ids: p, past: [] })),
  );
  const times: number[] = [];
  let scores: number[] = [];
  for (let i = 0; i <= s.iters; i++) {
    const t0 = performance.now();
    const res = await forward(
      m,
      ids.fresh.map((f, r) => ({ ids: f, past: [{ chunk: pre.chunks[r]!, n: s.past }] })),
    );
    if (i > 0) times.push(performance.now() - t0); // the first is a warm-up
    scores = res.scores;
    res.chunks.forEach(disposeChunk);
  }
  pre.chunks.forEach(disposeChunk);
  disposeWeights(w);
  return { ms: Math.min(...times), scores };
}
const disposeChunk = (c: KvChunk) => tf.dispose([...c.k, ...c.v]);

const torchVersion = () => spawnSync(PY, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' }).stdout.trim();

async function throughput(): Promise<void> {
  const layers = Number(flags.layers ?? 6);
  const s: Shape = { rows: Number(flags.rows ?? 4), past: Number(flags.past ?? 64), fresh: Number(flags.new ?? 16), iters: Number(flags.iters ?? 2) };
  if (spawnSync(PY, ['-c', 'import numpy'], { encoding: 'utf8' }).status !== 0) return void say(`SKIP throughput: ${PY} has no numpy`);
  const dir = mkdtempSync(join(os.tmpdir(), 'steptree-hf-bench-'));
  try {
    const mk = spawnSync(PY, [new URL('./hf_torch.py', import.meta.url).pathname, 'make', dir, String(layers)], { encoding: 'utf8', timeout: 600_000 });
    if (mk.status !== 0) throw new Error(`hf_torch.py make failed: ${mk.stderr}`);
    const vocab = readConfig(dir).vocab;
    const ids = {
      past: Array.from({ length: s.rows }, (_, r) => randomIds(s.past, vocab, `p${r}`)),
      fresh: Array.from({ length: s.rows }, (_, r) => randomIds(s.fresh, vocab, `f${r}`)),
    };
    writeFileSync(join(dir, 'ids.json'), JSON.stringify(ids));
    const rows: Record<string, unknown>[] = [];
    const tokens = s.rows * s.fresh;
    const results: Record<string, { ms: number; scores: number[] }> = {};
    const keep = (name: string, r: { ms: number; scores: number[] }) => {
      if (!results[name] || r.ms < results[name]!.ms) results[name] = r;
    };
    let ref: { ms: number; ms1: number; msThreads: number; scores: number[] } | undefined;
    for (let round = 0; round < Number(flags.rounds ?? 1); round++) {
      for (const b of ['wasm', 'cpu'] as const) keep(b, await tfjsFrontier(dir, b, s, ids));
      const torch = spawnSync(PY, [new URL('./hf_torch.py', import.meta.url).pathname, 'bench', dir, String(s.iters)], { encoding: 'utf8', timeout: 600_000 });
      if (torch.status !== 0) {
        say(`SKIP PyTorch (${PY}; STEPTREE_TORCH_PYTHON picks another): ${(torch.stderr || torch.error?.message || '').trim().split('\n').pop()}`);
        continue;
      }
      const r = JSON.parse(torch.stdout.trim().split('\n').pop()!) as NonNullable<typeof ref>;
      keep(`torch ${r.msThreads} threads`, { ms: r.ms, scores: r.scores });
      keep('torch 1 thread', { ms: r.ms1, scores: r.scores });
      ref = { ...r, ms: results[`torch ${r.msThreads} threads`]!.ms, ms1: results['torch 1 thread']!.ms };
    }
    for (const [name, r] of Object.entries(results)) {
      rows.push({
        impl: name.startsWith('torch') ? `PyTorch ${torchVersion()} cpu, ${name.slice(6)}` : `tfjs ${name}`,
        msPerBatch: Math.round(r.ms),
        tokensPerS: (tokens / r.ms) * 1000,
        vsTorch: ref ? ref.ms / r.ms : null,
        vsTorch1: ref ? ref.ms1 / r.ms : null,
        maxAbsDScoreVsTorch: ref ? Math.max(...r.scores.map((x, i) => Math.abs(x - ref!.scores[i]!))) : null,
      });
    }
    out.throughput = { rounds: Number(flags.rounds ?? 1), python: PY, shape: { ...s, layers, hidden: 896, heads: 14, kvHeads: 2, ffn: 4864, vocab }, rows };
    say(
      `\n## one frontier batch: ${s.rows} rows × ${s.fresh} new tokens after a ${s.past}-token cache; Qwen2.5-0.5B widths, ${layers} of 24 layers, random BF16 weights widened to fp32\n`,
    );
    const x = (v: unknown) => (v === null ? '–' : `${(v as number).toFixed(2)}×`);
    say(
      '| implementation | ms / batch | tokens/s | speed ÷ PyTorch (all threads) | speed ÷ PyTorch (1 thread) | max abs ΔP vs PyTorch |\n|---|---:|---:|---:|---:|---:|',
    );
    for (const r of rows)
      say(
        `| ${r.impl} | ${r.msPerBatch} | ${(r.tokensPerS as number).toFixed(1)} | ${x(r.vsTorch)} | ${x(r.vsTorch1)} | ${r.maxAbsDScoreVsTorch === null ? '–' : (r.maxAbsDScoreVsTorch as number).toExponential(1)} |`,
      );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await tokenRatio();
if (!flags['skip-throughput']) await throughput();
say('\nNo GPU is lent to this machine: no webgpu / CUDA figures.');
if (flags.json) console.log(JSON.stringify(out));

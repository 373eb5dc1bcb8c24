/**
 * tfjs PRM benchmark. Prints markdown tables (or one JSON object with --json).
 * 1. Raw throughput per backend (default architecture, random weights): steps scored per second when scoring
 *    children of cached parents (incremental: encode the new steps + one GRU step) at batch 1, 64, 512, and, for
 *    reference, whole trajectories (problem + T=10 steps encoded, GRU over all of them).
 * 2. Real searches on `arith` (L=10) with TfjsPRM on wasm: tokens the PRM encodes ÷ step tokens in the tree, and
 *    wall time against a "full re-scoring" PRM that, like search-and-learn / OpenR, scores every new step by
 *    running its whole prefix (problem re-encoded too) through the same net's full-trajectory path.
 * 3. PyTorch (Debian python3-torch at /usr/bin/python3) on the same architecture and the same weights
 *    (benchmarks/torch_prm.py): raw throughput, and the searches' score requests re-scored prefix by prefix.
 * Run: npx tsx benchmarks/prm.ts [--json] [--quick]
 */
import * as tf from '@tensorflow/tfjs-core';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import seedrandom from 'seedrandom';
import { createNet, selectBackend, TfjsPRM, type BackendName, type PRMNet } from '../src/reward/tfjs/index.ts';
import type { PRM, ScoreRequest } from '../src/reward/types.ts';
import { beam, mcts, Scheduler, search, type StrategySpec } from '../src/index.ts';
import { arithProblem, ArithPolicy, stepText, type Op } from '../src/tasks/arith.ts';
import { quantile } from '../src/experiments/bootstrap.ts';

const json = process.argv.includes('--json');
const quick = process.argv.includes('--quick');
/** --only=raw,search,torch runs a subset (torch needs search for its end-to-end requests). */
const only = new Set((process.argv.find((a) => a.startsWith('--only='))?.slice(7) ?? 'raw,search,torch').split(','));
const REPS = quick ? 3 : 7;
const MIN_SAMPLE_MS = quick ? 100 : 200;
const BATCHES = [1, 64, 512];
const TRAJ_COUNTS = quick ? [1, 8] : [1, 8, 64];
const T = 10;
const PY = '/usr/bin/python3';
const here = path.dirname(fileURLToPath(import.meta.url));
const log = (s: string) => {
  if (!json) process.stderr.write(s + '\n');
};

const median = (xs: number[]) =>
  quantile(
    [...xs].sort((a, b) => a - b),
    0.5,
  );
/** ms per call: fn repeated until minMs has passed (at least once). */
async function sample(fn: () => Promise<unknown>, minMs: number): Promise<number> {
  let n = 0;
  const t0 = performance.now();
  do {
    await fn();
    n++;
  } while (performance.now() - t0 < minMs);
  return (performance.now() - t0) / n;
}
/** Median ms per call over REPS samples, after one warm-up call. */
async function timeIt(fn: () => Promise<unknown>, minMs = MIN_SAMPLE_MS): Promise<number> {
  await fn();
  const samples: number[] = [];
  for (let r = 0; r < REPS; r++) samples.push(await sample(fn, minMs));
  return median(samples);
}
/** a and b sampled alternately REPS times (after a warm-up each): medians, and the median (min, max) of the per-round b ÷ a. */
async function paired(a: () => Promise<unknown>, b: () => Promise<unknown>, minMs: number) {
  await a();
  await b();
  const as: number[] = [],
    bs: number[] = [],
    rs: number[] = [];
  for (let r = 0; r < REPS; r++) {
    const x = await sample(a, minMs),
      y = await sample(b, minMs);
    as.push(x);
    bs.push(y);
    rs.push(y / x);
  }
  return { aMs: median(as), bMs: median(bs), ratio: median(rs), range: [Math.min(...rs), Math.max(...rs)] as const };
}
/** The recorded score() batches of a search, replayed through a fresh TfjsPRM (PRM work only, as torch replays them). */
async function replayIncremental(net: PRMNet, batches: readonly (readonly ScoreRequest[])[]): Promise<void> {
  const prm = new TfjsPRM(net);
  for (const b of batches) await prm.score(b);
}

// ---------- inputs (the same texts go to torch) ----------
const rng = seedrandom('prm-bench');
const ops: Op[] = ['+', '-', '*'];
const randStep = () => {
  const v = Math.floor(rng() * 1000),
    op = ops[Math.floor(rng() * 3)]!,
    a = op === '*' ? 2 + Math.floor(rng() * 8) : 1 + Math.floor(rng() * 99);
  return stepText(v, op, a, Math.floor(rng() * 1000));
};
const rawProblem = arithProblem('raw', { length: 10 });
const rawSteps = Array.from({ length: 512 }, randStep);
const parentSteps = Array.from({ length: 512 }, randStep);
const trajectories = Array.from({ length: 64 }, () => Array.from({ length: T }, randStep));

// ---------- the full re-scoring path ----------
/** sigmoid(logits) [N, T] of whole chains (problem re-encoded per chain, only real steps encoded), via the net's runChains. */
async function runFull(
  net: PRMNet,
  problems: readonly string[],
  chains: readonly (readonly string[])[],
  counter?: { tokens: number },
): Promise<{ probs: Float32Array; T: number }> {
  const N = chains.length,
    Tm = Math.max(...chains.map((c) => c.length)),
    d = net.config.dModel;
  const flat = chains.flat();
  const pb = net.tokenize(problems, net.config.maxProblemTokens),
    sb = net.tokenize(flat, net.config.maxStepTokens);
  if (counter) for (const n of [...pb.lengths, ...sb.lengths]) counter.tokens += n;
  const ragged = chains.some((c) => c.length !== Tm);
  const index: number[] = [];
  if (ragged) {
    let off = 0;
    for (const c of chains) {
      for (let t = 0; t < Tm; t++) index.push(t < c.length ? off + t : flat.length);
      off += c.length;
    }
  }
  const res = tf.tidy(() => {
    const p = net.encode(pb);
    let s = net.encode(sb);
    if (ragged) s = tf.gather(tf.concat([s, tf.zeros([1, d])], 0), tf.tensor1d(index, 'int32')) as tf.Tensor2D;
    return tf.sigmoid(net.runChains(p, s, N, Tm).logits);
  });
  const probs = (await res.data()) as Float32Array;
  res.dispose();
  return { probs, T: Tm };
}

/** Scores each request by re-running its whole prefix, as the Python PRM anchors do; same 512-request chunks as TfjsPRM. */
class FullRescorePRM implements PRM {
  readonly name = 'tfjs-full-rescore';
  constructor(
    readonly net: PRMNet,
    private readonly maxBatch = 512,
  ) {}
  async score(reqs: readonly ScoreRequest[]): Promise<number[]> {
    const out: number[] = [];
    for (let i = 0; i < reqs.length; i += this.maxBatch) {
      const ch = reqs.slice(i, i + this.maxBatch);
      const chains = ch.map((r) => [...r.prefix, r.step]);
      const { probs, T: Tm } = await runFull(
        this.net,
        ch.map((r) => r.problem.text),
        chains,
      );
      chains.forEach((c, n) => out.push(probs[n * Tm + c.length - 1]!));
    }
    return out;
  }
}

/** Records every score() batch (for the torch replay and the tfjs replays). */
class Recorder implements PRM {
  readonly name = 'recorder';
  readonly batches: { reqs: ScoreRequest[]; scores: number[] }[] = [];
  constructor(private readonly inner: PRM) {}
  async score(reqs: readonly ScoreRequest[]): Promise<number[]> {
    const scores = await this.inner.score(reqs);
    this.batches.push({ reqs: [...reqs], scores });
    return scores;
  }
  release(keys: readonly string[]) {
    this.inner.release?.(keys);
  }
}

// ---------- 1. raw throughput ----------
/** One call scoring B children of B cached parents (fresh child keys each call, released after). */
async function incCall(net: PRMNet, B: number): Promise<() => Promise<void>> {
  const prm = new TfjsPRM(net);
  await prm.score(parentSteps.slice(0, B).map((step, i): ScoreRequest => ({ problem: rawProblem, prefix: [], step, key: `p${i}` })));
  let it = 0;
  return async () => {
    const tag = `c${it++}/`;
    const kids = rawSteps
      .slice(0, B)
      .map((step, i): ScoreRequest => ({ problem: rawProblem, prefix: [parentSteps[i]!], step, key: tag + i, parentKey: `p${i}` }));
    await prm.score(kids);
    prm.release(kids.map((k) => k.key));
  };
}
/** One call scoring N whole trajectories of T steps (problem encoded per trajectory). */
const fullCall = (net: PRMNet, N: number) => () =>
  runFull(
    net,
    Array.from({ length: N }, () => rawProblem.text),
    trajectories.slice(0, N),
  );

// ---------- 2. searches ----------
const searches: { name: string; spec: () => StrategySpec }[] = [
  { name: 'beam N=8 M=4', spec: () => beam({ n: 8, beamWidth: 4 }) },
  { name: 'mcts 64 sims', spec: () => mcts({ simulations: 64 }) },
];
const runSearch = (name: string, spec: StrategySpec, prm: PRM) =>
  search({
    problem: arithProblem(name === 'beam N=8 M=4' ? 1 : 2, { length: 10 }),
    policy: new ArithPolicy({ errorRate: 0.3 }),
    prm,
    strategy: spec,
    seed: 1,
    scheduler: new Scheduler(),
  });

async function searchBench(net: PRMNet) {
  const rows = [];
  const dumps = [];
  for (const s of searches) {
    // recording run (also the warm-up): tokens and requests
    const inc = new TfjsPRM(net);
    const rec = new Recorder(inc);
    const r1 = await runSearch(s.name, s.spec(), rec);
    const problem = r1.tree.problem;
    const scored = r1.tree.nodes.filter((n) => n.score !== null && n.score !== undefined && n.depth > 0);
    const stepTokens = scored.reduce((a, n) => a + net.tokenize([n.text], net.config.maxStepTokens).lengths[0]!, 0);
    const problemTokens = net.tokenize([problem.text], net.config.maxProblemTokens).lengths[0]!;
    const st = { ...inc.stats };
    // full re-scoring run: same scores, same tree?
    const full = new FullRescorePRM(net);
    const fullTok = { tokens: 0 };
    const r2 = await runSearch(s.name, s.spec(), full);
    const byId = new Map(r2.tree.nodes.map((n) => [n.id, n.score]));
    let maxDiff = 0,
      sameTree = r1.tree.nodes.length === r2.tree.nodes.length;
    for (const n of r1.tree.nodes) {
      if (!byId.has(n.id)) {
        sameTree = false;
        continue;
      }
      const o = byId.get(n.id);
      if (n.score != null && o != null) maxDiff = Math.max(maxDiff, Math.abs(n.score - o));
    }
    // full re-scoring token count over the recorded requests
    for (const b of rec.batches)
      for (const q of b.reqs) {
        fullTok.tokens += net.tokenize([q.problem.text], net.config.maxProblemTokens).lengths[0]!;
        for (const t of [...q.prefix, q.step]) fullTok.tokens += net.tokenize([t], net.config.maxStepTokens).lengths[0]!;
      }
    // wall times: whole search, and replay of the recorded score() batches (PRM work only, comparable to torch)
    const srch = await paired(
      () => runSearch(s.name, s.spec(), new TfjsPRM(net)),
      () => runSearch(s.name, s.spec(), new FullRescorePRM(net)),
      100,
    );
    const rep = await paired(
      () =>
        replayIncremental(
          net,
          rec.batches.map((b) => b.reqs),
        ),
      async () => {
        const prm = new FullRescorePRM(net);
        for (const b of rec.batches) await prm.score(b.reqs);
      },
      100,
    );
    const [incSearchMs, fullSearchMs, incReplayMs, fullReplayMs] = [srch.aMs, srch.bMs, rep.aMs, rep.bMs];
    const requests = rec.batches.reduce((a, b) => a + b.reqs.length, 0);
    rows.push({
      search: s.name,
      nodes: r1.tree.nodes.length,
      stepsScored: st.steps,
      scoreCalls: st.calls,
      requests,
      stepTokensInTree: stepTokens,
      problemTokens,
      tokensEncoded: st.tokensEncoded,
      problemTokensEncoded: st.problemTokensEncoded,
      paddedTokens: st.paddedTokens,
      tokenRatio: st.tokensEncoded / stepTokens,
      tokenRatioWithProblem: (st.tokensEncoded + st.problemTokensEncoded) / (stepTokens + problemTokens),
      fullRescoreTokens: fullTok.tokens,
      fullRescoreTokenRatio: fullTok.tokens / stepTokens,
      incSearchMs,
      fullSearchMs,
      searchSpeedup: srch.ratio,
      searchSpeedupRange: srch.range,
      incReplayMs,
      fullReplayMs,
      replaySpeedup: rep.ratio,
      replaySpeedupRange: rep.range,
      maxScoreDiff: maxDiff,
      sameTree,
      correct: r1.best?.answer === problem.answer,
    });
    dumps.push({
      name: s.name,
      reqs: rec.batches.map((b) => b.reqs),
      problem: problem.text,
      batches: rec.batches.map((b) => b.reqs.map((q) => ({ prefix: q.prefix, step: q.step }))),
      scores: rec.batches.map((b) => b.scores),
    });
  }
  return { rows, dumps };
}

// ---------- 3. torch ----------
function torchAvailable(): { ok: true } | { ok: false; why: string } {
  if (!existsSync(PY)) return { ok: false, why: `${PY} not found (benchmarks/setup-torch.sh installs python3-torch)` };
  const r = spawnSync(PY, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) return { ok: false, why: `${PY} cannot import torch: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}` };
  return { ok: true };
}

/** benchmarks/torch_prm.py as a server: one JSON command per line, one JSON reply per line. */
class TorchServer {
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly pending: { resolve: (v: any) => void; reject: (e: Error) => void }[] = [];
  private stderr = '';
  constructor(
    readonly label: string,
    input: string,
    unsetBlas: boolean,
  ) {
    const env = { ...process.env };
    if (unsetBlas) {
      delete env.OPENBLAS_CORETYPE;
      delete env.OPENBLAS_L2_SIZE;
    }
    this.proc = spawn(PY, [path.join(here, 'torch_prm.py'), input], { env });
    this.proc.stderr.on('data', (d) => {
      this.stderr = (this.stderr + d).slice(-2000);
    });
    createInterface({ input: this.proc.stdout }).on('line', (l) => this.pending.shift()?.resolve(JSON.parse(l)));
    this.proc.on('exit', (code) => {
      for (const p of this.pending.splice(0)) p.reject(new Error(`torch_prm.py exited (${code}): ${this.stderr}`));
    });
  }
  req(cmd: Record<string, unknown>): Promise<any> {
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      this.proc.stdin.write(JSON.stringify(cmd) + '\n');
    });
  }
  close() {
    this.proc.stdin.end(JSON.stringify({ op: 'quit' }) + '\n');
  }
}

// ---------- main ----------
const cpus = os.cpus();
const machine = {
  cpu: cpus[0]?.model ?? 'cpu',
  cores: cpus.length,
  memGiB: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
  platform: `${os.platform()} ${os.arch()}`,
};
const backends: { backend: BackendName; available: boolean; note?: string }[] = [];
for (const b of ['tensorflow', 'webgpu'] as const) {
  const lines: string[] = [];
  try {
    const got = await selectBackend(b, { strict: true, log: (l) => lines.push(l) });
    backends.push({ backend: got, available: true });
  } catch (e) {
    backends.push({ backend: b, available: false, note: (lines.join('; ') || String((e as Error).message)).replace(/steptree: tfjs backend /g, '') });
  }
}
backends.push({ backend: 'wasm', available: true }, { backend: 'cpu', available: true });

interface Raw {
  backend: string;
  incremental: { batch: number; ms: number; stepsPerSec: number }[];
  full: { trajectories: number; steps: number; ms: number; stepsPerSec: number }[];
}
const raw: Raw[] = [];
// cpu (and any native backend) first, measured on their own; wasm below, interleaved with torch
for (const b of backends.filter((x) => x.available && x.backend !== 'wasm' && only.has('raw'))) {
  const got = await selectBackend(b.backend, { strict: true, log });
  if (got !== b.backend) {
    b.available = false;
    continue;
  }
  const net = createNet({ seed: 1 });
  log(`raw throughput on ${b.backend} …`);
  const r: Raw = { backend: b.backend, incremental: [], full: [] };
  for (const B of BATCHES) {
    const ms = await timeIt(await incCall(net, B));
    r.incremental.push({ batch: B, ms, stepsPerSec: (B * 1000) / ms });
  }
  for (const N of TRAJ_COUNTS) {
    const ms = await timeIt(fullCall(net, N));
    r.full.push({ trajectories: N, steps: N * T, ms, stepsPerSec: (N * T * 1000) / ms });
  }
  raw.push(r);
  net.dispose();
}

await selectBackend('wasm', { strict: true, log });
const net = createNet({ seed: 1 });
const params = Object.values(net.params).reduce((a, v) => a + v.size, 0);
log('searches on wasm …');
const { rows: searchRows, dumps } = only.has('search') || only.has('torch') ? await searchBench(net) : { rows: [], dumps: [] };

// ---------- interleaved rounds: tfjs-wasm sample, then each torch configuration's sample, per case ----------
let torchSkipped: string | null = null;
let torchInfo: any = null;
const servers: { env: string; srv: TorchServer }[] = [];
const dir = mkdtempSync(path.join(os.tmpdir(), 'steptree-prm-bench-'));
if (only.has('torch')) {
  const avail = torchAvailable();
  if (!avail.ok) torchSkipped = avail.why;
  else {
    const input = {
      config: net.config,
      params: Object.fromEntries(Object.entries(net.params).map(([k, v]) => [k, { shape: v.shape, data: Array.from(v.dataSync()) }])),
      problem: rawProblem.text,
      rawSteps,
      rawParents: Array.from(
        { length: 512 * net.config.hidden },
        (() => {
          const r = seedrandom('parents');
          return () => r() - 0.5;
        })(),
      ),
      trajectories,
      trajectoryScores: await net.scoreTrajectory(rawProblem.text, trajectories[0]!),
      searches: dumps.map(({ reqs, ...d }) => d),
    };
    const file = path.join(dir, 'input.json');
    writeFileSync(file, JSON.stringify(input));
    servers.push({ env: 'as-is', srv: new TorchServer('as-is', file, false) }, { env: 'OPENBLAS_* unset', srv: new TorchServer('unset', file, true) });
    try {
      torchInfo = await servers[0]!.srv.req({ op: 'info' });
      torchInfo.unsetEnv = (await servers[1]!.srv.req({ op: 'info' })).env;
    } catch (e) {
      torchSkipped = `torch_prm.py failed: ${(e as Error).message.slice(0, 800)}`;
      for (const s of servers.splice(0)) s.srv.close();
    }
  }
} else torchSkipped = 'not requested (--only)';

interface Case {
  kind: 'inc' | 'full' | 'e2e';
  label: string;
  units: number;
  minMs: number;
  tfjs: () => Promise<unknown>;
  cmd: Record<string, unknown>;
}
const cases: Case[] = [];
if (only.has('raw') || only.has('torch')) {
  for (const B of BATCHES)
    cases.push({ kind: 'inc', label: `batch ${B}`, units: B, minMs: MIN_SAMPLE_MS, tfjs: await incCall(net, B), cmd: { op: 'inc', batch: B } });
  for (const N of TRAJ_COUNTS)
    cases.push({ kind: 'full', label: `${N}×${T} steps`, units: N * T, minMs: MIN_SAMPLE_MS, tfjs: fullCall(net, N), cmd: { op: 'full', n: N } });
}
if (servers.length)
  dumps.forEach((d, i) =>
    cases.push({ kind: 'e2e', label: d.name, units: 1, minMs: 50, tfjs: () => replayIncremental(net, d.reqs), cmd: { op: 'e2e', search: i } }),
  );
const THREADS = [1, 2];
const samples = cases.map(() => ({ tfjs: [] as number[], torch: new Map<string, number[]>(), ratio: new Map<string, number[]>() }));
if (cases.length) log(`interleaved rounds (${REPS} + 1 warm-up)${servers.length ? ' with torch' : ''} …`);
for (let round = 0; round <= REPS; round++) {
  for (const [ci, c] of cases.entries()) {
    const t = await sample(c.tfjs, c.minMs);
    if (round === 0) continue; // warm-up
    samples[ci]!.tfjs.push(t);
    for (const { env, srv } of servers)
      for (const th of THREADS) {
        const ms = (await srv.req({ ...c.cmd, threads: th, minMs: c.minMs })).ms as number;
        const k = `${env}|${th}`;
        (samples[ci]!.torch.get(k) ?? samples[ci]!.torch.set(k, []).get(k)!).push(ms);
        (samples[ci]!.ratio.get(k) ?? samples[ci]!.ratio.set(k, []).get(k)!).push(ms / t);
      }
  }
  if (round === 0) for (const { srv } of servers) for (const c of cases) for (const th of THREADS) await srv.req({ ...c.cmd, threads: th, minMs: 0 }); // torch warm-up
}
for (const { srv } of servers) srv.close();
rmSync(dir, { recursive: true, force: true });

const wasmRaw: Raw = { backend: 'wasm', incremental: [], full: [] };
cases.forEach((c, i) => {
  const ms = median(samples[i]!.tfjs);
  if (c.kind === 'inc') wasmRaw.incremental.push({ batch: c.units, ms, stepsPerSec: (c.units * 1000) / ms });
  if (c.kind === 'full') wasmRaw.full.push({ trajectories: c.units / T, steps: c.units, ms, stepsPerSec: (c.units * 1000) / ms });
});
if (wasmRaw.incremental.length) raw.unshift(wasmRaw);
/** ratio = torch ms ÷ tfjs ms per round (median over rounds): for raw rows, tfjs-wasm steps/s ÷ torch steps/s; for e2e, > 1 = tfjs faster. */
const ratios = cases.flatMap((c, i) =>
  [...samples[i]!.torch.keys()].map((k) => {
    const [env, th] = k.split('|');
    const tMs = median(samples[i]!.tfjs),
      pMs = median(samples[i]!.torch.get(k)!);
    return {
      env: env!,
      threads: Number(th),
      kind: c.kind,
      case: c.label,
      tfjsMs: tMs,
      torchMs: pMs,
      tfjsStepsPerSec: (c.units * 1000) / tMs,
      torchStepsPerSec: (c.units * 1000) / pMs,
      ratio: median(samples[i]!.ratio.get(k)!),
      ratioMin: Math.min(...samples[i]!.ratio.get(k)!),
      ratioMax: Math.max(...samples[i]!.ratio.get(k)!),
    };
  }),
);

const result = {
  machine,
  reps: REPS,
  architecture: net.config,
  params,
  backends,
  raw,
  searches: searchRows,
  torch: torchSkipped ? { skipped: torchSkipped } : { ...torchInfo, ratios },
};
if (json) console.log(JSON.stringify(result));
else {
  const f = (x: number, d = 0) => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  console.log(
    `machine: ${machine.cpu} ×${machine.cores} (shared), ${machine.memGiB} GiB, Node ${machine.node}, ${machine.platform}; medians of ${REPS} samples`,
  );
  console.log(`default architecture: ${JSON.stringify(net.config)}, ${params} params, random weights (seed 1); step texts like "${rawSteps[0]}"\n`);
  console.log('| backend | available |\n|---|---|');
  for (const b of backends) console.log(`| ${b.backend} | ${b.available ? 'yes' : `no: ${b.note}`} |`);
  if (raw.length) {
    console.log('\n### Raw throughput: children of cached parents (encode the new steps + one GRU step)\n');
    console.log('| backend | batch | ms/batch | steps/s |\n|---|---:|---:|---:|');
    for (const r of raw) for (const x of r.incremental) console.log(`| ${r.backend} | ${x.batch} | ${f(x.ms, 2)} | ${f(x.stepsPerSec)} |`);
    console.log(`\n### Reference: full trajectories (problem + ${T} steps encoded, GRU over all, every step's score)\n`);
    console.log('| backend | trajectories | steps | ms | steps/s |\n|---|---:|---:|---:|---:|');
    for (const r of raw) for (const x of r.full) console.log(`| ${r.backend} | ${x.trajectories} | ${x.steps} | ${f(x.ms, 2)} | ${f(x.stepsPerSec)} |`);
  }
  if (searchRows.length) {
    console.log('\n### Searches on arith (L=10, error rate 0.3), TfjsPRM on wasm vs full re-scoring of every prefix (same net)\n');
    console.log("tokens counted with the model's tokenizer (BOS + bytes, trimmed), unpadded; the problem is encoded once per search and shown separately.\n");
    console.log(
      '| search | nodes | steps scored | step tokens in tree | tokens encoded (steps) | ratio | problem tokens encoded | ratio incl. problem | full re-scoring tokens (ratio) | max score diff | same tree |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
    );
    for (const s of searchRows)
      console.log(
        `| ${s.search} | ${s.nodes} | ${s.stepsScored} | ${s.stepTokensInTree} | ${s.tokensEncoded} | ${s.tokenRatio.toFixed(3)} | ${s.problemTokensEncoded} | ${s.tokenRatioWithProblem.toFixed(3)} | ${s.fullRescoreTokens} (${s.fullRescoreTokenRatio.toFixed(2)}) | ${s.maxScoreDiff.toExponential(2)} ${s.maxScoreDiff <= 1e-4 ? '(≤ 1e-4)' : '(> 1e-4!)'} | ${s.sameTree ? 'yes' : 'NO'} |`,
      );
    console.log(
      '\nwall time, samples alternated; speedup = median of per-round full ÷ incremental (min–max). "PRM replay" = the search\'s recorded score() batches replayed through the PRM alone.\n',
    );
    console.log(
      '| search | score() calls | steps/call | search ms, incremental | search ms, full re-scoring | speedup | PRM replay ms, incremental | PRM replay ms, full | speedup |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    );
    const rg = (r: readonly [number, number]) => `(${r[0].toFixed(2)}–${r[1].toFixed(2)})`;
    for (const s of searchRows)
      console.log(
        `| ${s.search} | ${s.scoreCalls} | ${(s.stepsScored / s.scoreCalls).toFixed(1)} | ${f(s.incSearchMs, 1)} | ${f(s.fullSearchMs, 1)} | ${s.searchSpeedup.toFixed(2)}× ${rg(s.searchSpeedupRange)} | ${f(s.incReplayMs, 1)} | ${f(s.fullReplayMs, 1)} | ${s.replaySpeedup.toFixed(2)}× ${rg(s.replaySpeedupRange)} |`,
      );
  }
  console.log('\n### PyTorch CPU, same architecture and weights (benchmarks/torch_prm.py), samples interleaved with tfjs-wasm\n');
  if (torchSkipped) console.log(`skipped: ${torchSkipped}`);
  else {
    const envs = (e: Record<string, string | null>) =>
      `OPENBLAS_CORETYPE=${e.OPENBLAS_CORETYPE ?? '(unset)'}, OPENBLAS_L2_SIZE=${e.OPENBLAS_L2_SIZE ?? '(unset)'}`;
    console.log(
      `torch ${torchInfo.torch}, python ${torchInfo.python}; "as-is": ${envs(torchInfo.env)}; "OPENBLAS_* unset": ${envs(torchInfo.unsetEnv)}; torch vs tfjs max |score diff| over all search requests + one trajectory = ${torchInfo.maxDiffVsTfjs.toExponential(2)}\n`,
    );
    console.log('| env | threads | measure | case | tfjs-wasm | torch | ratio (min–max) |\n|---|---:|---|---|---:|---:|---:|');
    const kinds = {
      inc: 'raw incremental, steps/s',
      full: 'raw full trajectories, steps/s',
      e2e: 'end-to-end tree: tfjs incremental vs torch full re-scoring, ms',
    };
    for (const r of ratios) {
      const e2e = r.kind === 'e2e';
      console.log(
        `| ${r.env} | ${r.threads} | ${kinds[r.kind]} | ${r.case} | ${e2e ? f(r.tfjsMs, 1) : f(r.tfjsStepsPerSec)} | ${e2e ? f(r.torchMs, 1) : f(r.torchStepsPerSec)} | ${r.ratio.toFixed(2)}× (${r.ratioMin.toFixed(2)}–${r.ratioMax.toFixed(2)}) |`,
      );
    }
    console.log(
      '\nratio: per-round torch ms ÷ tfjs ms, median over rounds. Raw rows: = tfjs-wasm steps/s ÷ torch steps/s (target ≥ 0.5×). End-to-end rows: > 1× = tfjs faster.',
    );
  }
  console.log('\n### Targets\n');
  for (const s of searchRows)
    console.log(
      `- ${s.search}: PRM tokens ÷ step tokens = ${s.tokenRatio.toFixed(3)} (target ≤ 1.2: ${s.tokenRatio <= 1.2 ? 'met' : 'NOT met'}); full re-scoring ÷ incremental search wall time = ${s.searchSpeedup.toFixed(2)}×`,
    );
  for (const r of ratios.filter((x) => x.threads === 1 && x.env === 'as-is' && x.kind !== 'full'))
    console.log(
      `- ${r.kind === 'inc' ? `raw ${r.case}: tfjs-wasm ÷ torch (1 thread) = ${r.ratio.toFixed(3)}× (target ≥ 0.5×: ${r.ratio >= 0.5 ? 'met' : 'NOT met'})` : `end-to-end ${r.case}: torch full re-scoring ÷ tfjs incremental = ${r.ratio.toFixed(2)}× (target > 1×: ${r.ratio > 1 ? 'met' : 'NOT met'})`}; per-round range ${r.ratioMin.toFixed(2)}–${r.ratioMax.toFixed(2)}`,
    );
}

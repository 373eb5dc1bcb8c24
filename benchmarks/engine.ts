/**
 * Engine benchmark. Prints tables (or JSON with --json).
 * 1. Arith chain (the peer's work, ../shared/bench/arith-chain.mjs): beam B×K×L and MCTS (UCT, c = 1)
 *    with zero-cost models, µs per node / per simulation (with MCTS's mean path depth) and heap bytes per node; the fastest of
 *    ≥ 5 runs after warm-up (see `fastest`), and the mean of those runs (with the GC their garbage causes). With --baseline=DIR, the same cases also run on the engine in DIR/src (another
 *    checkout, e.g. the previous commit), interleaved case by case, so before/after share one run.
 * 2. Bookkeeping per node with zero-cost models: µs/node and heap bytes/node at 1e3, 1e4, 1e5 nodes.
 * 3. Concurrency: a policy that answers after 50 ms; wall time ÷ the ideal (waves × 50 ms).
 * Times are CPU time of the process, each case in fresh processes of its own; heap is bytes retained
 * per node (timing.ts).
 * Run: npx tsx --expose-gc benchmarks/engine.ts [--json] [--quick] [--only=chain,book,conc] [--baseline=DIR] [--forks=3]
 * Cases fork `process.execPath`: with another Node first in PATH (test/package/runtimes.sh), every case runs on it.
 */
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import type { Policy, ProposeRequest } from '../src/policy/types.ts';
import type { PRM, ScoreRequest } from '../src/reward/types.ts';
import * as local from '../src/index.ts';
import { chainModels, GENERATOR, loadGenerator } from './arith-chain.ts';
import { arg, childCase, fastest, gc, quick, stealMark } from './timing.ts';

type Engine = typeof local;
const json = process.argv.includes('--json');
const only = (arg('only') ?? 'chain,book,conc').split(',');
const baseDir = arg('baseline');
const base: Engine | null = baseDir ? ((await import(pathToFileURL(`${baseDir}/src/index.ts`).href)) as Engine) : null;
const problem = { id: 'bench', text: 'zero-cost problem' };
const steal = stealMark();

// ---- 1. arith chain ----
const lib = only.includes('chain') ? await loadGenerator() : null;
const chain: {
  case: string;
  engine: string;
  nodes: number;
  sims?: number;
  us: number;
  wallMs: number;
  usPerNode: number;
  /** µs/node of the fastest run in the median and in the slowest of the case's processes. */
  medianPerNode: number;
  slowestPerNode: number;
  /** µs/node of the mean timed run (Timing.meanUs). */
  meanPerNode: number;
  usPerSim?: number;
  meanPerSim?: number;
  /** MCTS: nodes below the root each simulation backs up (its selected path and the new child). */
  simDepth?: number;
  heapBytesPerNode: number | null;
}[] = [];
if (only.includes('chain') && !lib) console.error(`arith chain skipped: ${GENERATOR.pathname} not found`);
if (lib) {
  const beams: [number, number, number][] = quick
    ? [
        [16, 8, 8],
        [64, 16, 8],
        [256, 16, 8],
      ]
    : [
        [4, 8, 4],
        [16, 8, 8],
        [64, 16, 4],
        [64, 16, 8],
        [256, 16, 8],
        [1024, 16, 8],
      ];
  const sims = quick ? [100, 1000, 10000] : [100, 1000, 10000, 100000];
  const engines: [string, Engine][] = base
    ? [
        ['before', base],
        ['after', local],
      ]
    : [['this', local]];
  for (const [B, L, K] of beams) {
    const m = chainModels(lib, L, K);
    for (const [name, e] of engines) {
      const r = await fastest(() =>
        e.search({
          ...m,
          strategy: e.beam({ n: B * K, beamWidth: K, maxDepth: L }),
          aggregation: 'last',
          seed: 1,
          scheduler: new e.Scheduler({ concurrency: 1 << 20 }),
        }),
      );
      chain.push({
        case: `beam B=${B} L=${L} K=${K}`,
        engine: name,
        nodes: r.nodes,
        us: r.us,
        wallMs: r.ms,
        usPerNode: r.us / r.nodes,
        medianPerNode: r.medianUs / r.nodes,
        slowestPerNode: r.slowestUs / r.nodes,
        meanPerNode: r.meanUs / r.nodes,
        heapBytesPerNode: gc ? r.bytes / r.nodes : null,
      });
    }
  }
  const m = chainModels(lib, 16, 8);
  for (const S of sims) {
    const opts = (e: Engine) => ({
      ...m,
      strategy: e.mcts({ simulations: S, formula: 'uct', cPuct: 1, expansionWidth: 8, maxDepth: 16 }),
      aggregation: 'last' as const,
      seed: 1,
      scheduler: new e.Scheduler({ concurrency: 1 << 20 }),
    });
    // untimed: backups per simulation (a listener makes the engine emit them) less the root
    let backups = 0;
    if (childCase === null) {
      const counted = local.startSearch(opts(local));
      counted.on('backup', () => void backups++);
      await counted.result;
    }
    for (const [name, e] of engines) {
      const r = await fastest(() => e.search(opts(e)));
      chain.push({
        case: `mcts UCT c=1 L=16 K=8, ${S} sims`,
        engine: name,
        nodes: r.nodes,
        sims: S,
        us: r.us,
        wallMs: r.ms,
        usPerNode: r.us / r.nodes,
        medianPerNode: r.medianUs / r.nodes,
        slowestPerNode: r.slowestUs / r.nodes,
        meanPerNode: r.meanUs / r.nodes,
        usPerSim: r.us / S,
        meanPerSim: r.meanUs / S,
        simDepth: backups / S - 1,
        heapBytesPerNode: gc ? r.bytes / r.nodes : null,
      });
    }
  }
}

// ---- 2. bookkeeping (fastest run, as above) ----
/** Answers at once with k distinct steps; never reads the prefix. */
const zeroPolicy: Policy = {
  name: 'zero',
  propose: async (r: ProposeRequest) => Array.from({ length: r.k }, (_, i) => ({ text: `s${i}`, tokens: 1, logprob: -i * 0.1, terminal: false })),
};
/** A cheap deterministic pseudo-score per step: its text and its prefix length. */
const zeroPRM: PRM = {
  name: 'zero',
  score: async (reqs: readonly ScoreRequest[]) =>
    reqs.map((r, i) => {
      let h = 2166136261 ^ i;
      for (let j = 0; j < r.step.length; j++) h = Math.imul(h ^ r.step.charCodeAt(j), 16777619);
      return ((h >>> 0) % 1000) / 1000;
    }),
};

/** Bench settings per strategy (trees about 32 levels deep); any other registered strategy runs with its defaults. */
const BENCH: Record<string, (n: number) => Record<string, unknown>> = {
  'best-of-n': (n) => ({ n }),
  beam: (n) => ({ n, beamWidth: 8 }),
  dvts: (n) => ({ n, beamWidth: 8 }),
  mcts: () => ({ simulations: 1 << 30, expansionWidth: 8, parallel: 16 }),
  'best-first': () => ({ expansionWidth: 8, parallel: 16, depthPenalty: 0.05 }),
};

function specFor(name: string, size: number): local.StrategySpec {
  const n = Math.max(16, Math.round(size / 32 / 8) * 8);
  const d = local.strategyDescriptor(name);
  return local.strategyByName(name, { ...d.defaults, ...BENCH[name]?.(n), ...('maxDepth' in d.options ? { maxDepth: 1 << 20 } : {}) });
}

const book: { strategy: string; nodes: number; usPerNode: number; heapBytesPerNode: number | null }[] = [];
if (only.includes('book')) {
  const sizes = quick ? [1e3, 1e4] : [1e3, 1e4, 1e5];
  for (const s of local.strategyDescriptors().map((d) => d.name))
    // every registered strategy
    for (const size of sizes) {
      if (s === 'greedy' && size > 1e3) continue; // a 1e4-step chain is not a reasoning trace (ids are path tags: O(depth) each)
      const r = await fastest(() =>
        local.search({
          problem,
          policy: zeroPolicy,
          prm: zeroPRM,
          strategy: specFor(s, size),
          budget: { nodes: size },
          seed: 1,
          scheduler: new local.Scheduler({ concurrency: 1 << 20 }),
        }),
      );
      book.push({ strategy: s, nodes: r.nodes, usPerNode: r.us / r.nodes, heapBytesPerNode: gc ? r.bytes / r.nodes : null });
    }
}

// ---- 3. concurrency ----
function delayed(ms: number, depth: number): Policy {
  return {
    name: 'delayed',
    propose: (r: ProposeRequest) =>
      new Promise((res) =>
        setTimeout(
          () =>
            res(
              Array.from({ length: r.k }, (_, i) => {
                const d = r.nodeId.split('.').length; // the child's depth
                return { text: `step ${i}`, tokens: 10, terminal: d >= depth, ...(d >= depth ? { answer: String(i) } : {}) };
              }),
            ),
          ms,
        ),
      ),
  };
}

const conc: { case: string; wallMs: number; idealMs: number; ratio: number; policyCalls: number }[] = [];
if (only.includes('conc')) {
  const b = performance.now();
  const rb = await local.search({
    problem,
    policy: delayed(50, 8),
    prm: zeroPRM,
    strategy: local.beam({ n: 16, beamWidth: 4 }),
    seed: 1,
    scheduler: new local.Scheduler(),
  });
  const beamMs = performance.now() - b;
  conc.push({ case: 'beam N=16 M=4 depth 8, 50 ms policy', wallMs: beamMs, idealMs: 8 * 50, ratio: beamMs / 400, policyCalls: rb.stats.policyCalls });
  const sims = 64,
    par = 16;
  const m = performance.now();
  const rm = await local.search({
    problem,
    policy: delayed(50, 64),
    prm: zeroPRM,
    strategy: local.mcts({ simulations: sims, parallel: par, expansionWidth: 4 }),
    seed: 1,
    scheduler: new local.Scheduler(),
  });
  const mctsMs = performance.now() - m;
  const ideal = (sims / par) * 50;
  conc.push({
    case: `mcts ${sims} sims, ${par} parallel, 50 ms policy`,
    wallMs: mctsMs,
    idealMs: ideal,
    ratio: mctsMs / ideal,
    policyCalls: rm.stats.policyCalls,
  });
}

const stolen = steal();
const machine = `${os.cpus()[0]?.model ?? 'cpu'} ×${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, load ${os.loadavg()[0]!.toFixed(1)}${stolen === null ? '' : `, steal ${(100 * stolen).toFixed(1)} %`}`;
if (json) console.log(JSON.stringify({ machine, chain, bookkeeping: book, concurrency: conc }));
else {
  console.log(`machine: ${machine}${gc ? '' : '  (run with --expose-gc for heap figures)'}\n`);
  const heap = (b: number | null) => (b === null ? '-' : b.toFixed(0));
  if (chain.length) {
    console.log(
      '| arith chain | engine | nodes | CPU ms | CPU µs/node | median process µs/node | slowest process µs/node | mean run µs/node | CPU µs/sim | mean run µs/sim | sim depth | heap B/node |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    );
    for (const r of chain)
      console.log(
        `| ${r.case} | ${r.engine} | ${r.nodes} | ${(r.us / 1000).toFixed(1)} | ${r.usPerNode.toFixed(2)} | ${r.medianPerNode.toFixed(2)} | ${r.slowestPerNode.toFixed(2)} | ${r.meanPerNode.toFixed(2)} | ${r.usPerSim?.toFixed(2) ?? ''} | ${r.meanPerSim?.toFixed(2) ?? ''} | ${r.simDepth?.toFixed(2) ?? ''} | ${heap(r.heapBytesPerNode)} |`,
      );
  }
  if (book.length) {
    console.log('\n| strategy | nodes | CPU µs/node | heap B/node |\n|---|---:|---:|---:|');
    for (const r of book) console.log(`| ${r.strategy} | ${r.nodes} | ${r.usPerNode.toFixed(2)} | ${heap(r.heapBytesPerNode)} |`);
  }
  if (conc.length) {
    console.log('\n| concurrency case | wall ms | ideal ms | ratio | policy calls |\n|---|---:|---:|---:|---:|');
    for (const r of conc) console.log(`| ${r.case} | ${r.wallMs.toFixed(0)} | ${r.idealMs} | ${r.ratio.toFixed(3)} | ${r.policyCalls} |`);
  }
}

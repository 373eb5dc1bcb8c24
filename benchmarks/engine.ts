/**
 * Engine benchmark. Prints a table (or JSON with --json).
 * 1. Bookkeeping per node with zero-cost models: µs/node and heap bytes/node at 1e3, 1e4, 1e5 nodes
 *    (median of 3 runs after a warm-up run at the same size).
 * 2. Concurrency: a policy that answers after 50 ms; wall time ÷ the ideal (waves × 50 ms).
 * Run: npx tsx --expose-gc benchmarks/engine.ts [--json] [--quick]
 */
import os from 'node:os';
import type { Policy, ProposeRequest } from '../src/policy/types.ts';
import type { PRM, ScoreRequest } from '../src/reward/types.ts';
import { beam, mcts, Scheduler, search, strategyByName, strategyDescriptor, strategyDescriptors, type StrategySpec } from '../src/search/index.ts';

const json = process.argv.includes('--json');
const quick = process.argv.includes('--quick');
const problem = { id: 'bench', text: 'zero-cost problem' };

/** Answers at once with k distinct steps; never reads the prefix. */
const zeroPolicy: Policy = {
  name: 'zero',
  propose: async (r: ProposeRequest) => Array.from({ length: r.k }, (_, i) => ({ text: `s${i}`, tokens: 1, logprob: -i * 0.1, terminal: false })),
};
/** A cheap deterministic pseudo-score per node key. */
const zeroPRM: PRM = {
  name: 'zero',
  score: async (reqs: readonly ScoreRequest[]) => reqs.map((r) => { let h = 2166136261; for (let i = r.key.length - 1; i >= r.key.length - 12 && i >= 0; i--) h = Math.imul(h ^ r.key.charCodeAt(i), 16777619); return ((h >>> 0) % 1000) / 1000; }),
};

/** Bench settings per strategy (trees about 32 levels deep); any other registered strategy runs with its CLI defaults. */
const BENCH: Record<string, (n: number) => Record<string, unknown>> = {
  'best-of-n': (n) => ({ n }),
  beam: (n) => ({ n, beamWidth: 8 }),
  dvts: (n) => ({ n, beamWidth: 8 }),
  mcts: () => ({ simulations: 1 << 30, expansionWidth: 8, parallel: 16 }),
  'best-first': () => ({ expansionWidth: 8, parallel: 16, depthPenalty: 0.05 }),
};

function specFor(name: string, size: number): StrategySpec {
  const n = Math.max(16, Math.round(size / 32 / 8) * 8);
  const d = strategyDescriptor(name);
  return strategyByName(name, { ...d.defaults, ...BENCH[name]?.(n), ...('maxDepth' in d.options ? { maxDepth: 1 << 20 } : {}) });
}

const gc = (globalThis as { gc?: () => void }).gc;
async function bookkeeping(name: string, size: number) {
  gc?.();
  const h0 = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  const r = await search({ problem, policy: zeroPolicy, prm: zeroPRM, strategy: specFor(name, size), budget: { nodes: size }, seed: 1, scheduler: new Scheduler({ concurrency: 1 << 20 }) });
  const ms = performance.now() - t0;
  gc?.();
  const bytes = process.memoryUsage().heapUsed - h0;
  const nodes = r.stats.nodes;
  void r.tree.size; // keep the result alive through the heap reading
  return { strategy: name, nodes, usPerNode: (ms * 1000) / nodes, heapBytesPerNode: gc ? bytes / nodes : null };
}

function delayed(ms: number, depth: number): Policy {
  return {
    name: 'delayed',
    propose: (r: ProposeRequest) => new Promise((res) => setTimeout(() => res(Array.from({ length: r.k }, (_, i) => {
      const d = r.nodeId.split('.').length; // the child's depth
      return { text: `step ${i}`, tokens: 10, terminal: d >= depth, ...(d >= depth ? { answer: String(i) } : {}) };
    })), ms)),
  };
}

async function concurrency() {
  const rows = [];
  const b = performance.now();
  const rb = await search({ problem, policy: delayed(50, 8), prm: zeroPRM, strategy: beam({ n: 16, beamWidth: 4 }), seed: 1, scheduler: new Scheduler() });
  const beamMs = performance.now() - b;
  rows.push({ case: 'beam N=16 M=4 depth 8, 50 ms policy', wallMs: beamMs, idealMs: 8 * 50, ratio: beamMs / 400, policyCalls: rb.stats.policyCalls });
  const sims = 64, par = 16;
  const m = performance.now();
  const rm = await search({ problem, policy: delayed(50, 64), prm: zeroPRM, strategy: mcts({ simulations: sims, parallel: par, expansionWidth: 4 }), seed: 1, scheduler: new Scheduler() });
  const mctsMs = performance.now() - m;
  const ideal = (sims / par) * 50;
  rows.push({ case: `mcts ${sims} sims, ${par} parallel, 50 ms policy`, wallMs: mctsMs, idealMs: ideal, ratio: mctsMs / ideal, policyCalls: rm.stats.policyCalls });
  return rows;
}

const sizes = quick ? [1e3, 1e4] : [1e3, 1e4, 1e5];
const strategies = strategyDescriptors().map((d) => d.name); // every registered strategy
const book = [];
for (const s of strategies)
  for (const size of sizes) {
    if (s === 'greedy' && size > 1e3) continue; // a 1e4-step chain is not a reasoning trace (ids are path tags: O(depth) each)
    await bookkeeping(s, size); // warm up the JIT at this size
    const runs = [];
    for (let i = 0; i < (quick ? 1 : 3); i++) runs.push(await bookkeeping(s, size));
    runs.sort((a, b) => a.usPerNode - b.usPerNode);
    book.push(runs[runs.length >> 1]!); // the median run
  }
const conc = await concurrency();
const machine = `${os.cpus()[0]?.model ?? 'cpu'} ×${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
if (json) console.log(JSON.stringify({ machine, bookkeeping: book, concurrency: conc }));
else {
  console.log(`machine: ${machine}${gc ? '' : '  (run with --expose-gc for heap figures)'}\n`);
  console.log('| strategy | nodes | µs/node | heap B/node |\n|---|---:|---:|---:|');
  for (const r of book) console.log(`| ${r.strategy} | ${r.nodes} | ${r.usPerNode.toFixed(2)} | ${r.heapBytesPerNode?.toFixed(0) ?? '-'} |`);
  console.log('\n| concurrency case | wall ms | ideal ms | ratio | policy calls |\n|---|---:|---:|---:|---:|');
  for (const r of conc) console.log(`| ${r.case} | ${r.wallMs.toFixed(0)} | ${r.idealMs} | ${r.ratio.toFixed(3)} | ${r.policyCalls} |`);
}

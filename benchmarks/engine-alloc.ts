/**
 * Bytes the engine allocates and keeps per node on the arith chain (zero-cost models): a count, not
 * a time, so it reads the same on a loaded machine. The young generation is made big enough that no
 * collection runs during a search, so heap growth over one search is what it allocated.
 * Run: node --expose-gc --min-semi-space-size=1024 --max-semi-space-size=1024 --import tsx \
 *        benchmarks/engine-alloc.ts [--baseline=DIR] [--json]
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import * as local from '../src/index.ts';
import { chainModels, GENERATOR, loadGenerator } from './arith-chain.ts';

type Engine = typeof local;
const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const baseDir = arg('baseline');
const base: Engine | null = baseDir ? ((await import(pathToFileURL(`${baseDir}/src/index.ts`).href)) as Engine) : null;
const gc = (globalThis as { gc?: () => void }).gc;
const lib = await loadGenerator();
if (!gc || !lib) {
  console.error(!gc ? 'run with --expose-gc (see the header)' : `arith chain skipped: ${GENERATOR.pathname} not found`);
  process.exit(gc ? 0 : 2);
}
let collections = 0;
new PerformanceObserver((l) => void (collections += l.getEntries().length)).observe({ entryTypes: ['gc'] });
const settle = () => new Promise((r) => setTimeout(r, 30)); // lets the observer report collections so far

type Case = { name: string; run: (e: Engine) => Promise<{ stats: { nodes: number } }> };
const beamCase = (B: number, L: number, K: number): Case => {
  const m = chainModels(lib, L, K);
  return {
    name: `beam B=${B} L=${L} K=${K}`,
    run: (e) => e.search({ ...m, strategy: e.beam({ n: B * K, beamWidth: K, maxDepth: L }), seed: 1, scheduler: new e.Scheduler({ concurrency: 1 << 20 }) }),
  };
};
const m16 = chainModels(lib, 16, 8);
const mctsCase = (S: number): Case => ({
  name: `mcts UCT c=1 L=16 K=8, ${S} sims`,
  run: (e) =>
    e.search({
      ...m16,
      strategy: e.mcts({ simulations: S, formula: 'uct', cPuct: 1, expansionWidth: 8, maxDepth: 16 }),
      seed: 1,
      scheduler: new e.Scheduler({ concurrency: 1 << 20 }),
    }),
});

/** Allocated and kept bytes per node of one search (null when a collection ran during it). */
async function measure(c: Case, e: Engine): Promise<{ nodes: number; alloc: number | null; kept: number }> {
  for (let i = 0; i < 5; i++) await c.run(e); // warm-up: compiled code allocates what it will in a long search
  gc!();
  gc!();
  await settle();
  const before = collections;
  const h0 = process.memoryUsage().heapUsed;
  let r: { stats: { nodes: number } } | null = await c.run(e);
  const h1 = process.memoryUsage().heapUsed;
  await settle();
  const clean = collections === before;
  gc!();
  const h2 = process.memoryUsage().heapUsed;
  const nodes = r.stats.nodes;
  r = null;
  gc!();
  const h3 = process.memoryUsage().heapUsed;
  return { nodes, alloc: clean ? (h1 - h0) / nodes : null, kept: (h2 - h3) / nodes };
}

const cases = [beamCase(64, 16, 8), beamCase(256, 16, 8), beamCase(1024, 16, 8), mctsCase(1000), mctsCase(10000)];
const engines: [string, Engine][] = base
  ? [
      ['before', base],
      ['after', local],
    ]
  : [['this', local]];
const rows: { case: string; engine: string; nodes: number; allocBytesPerNode: number | null; keptBytesPerNode: number }[] = [];
for (const c of cases)
  for (const [name, e] of engines) {
    const r = await measure(c, e);
    rows.push({ case: c.name, engine: name, nodes: r.nodes, allocBytesPerNode: r.alloc, keptBytesPerNode: r.kept });
  }
if (process.argv.includes('--json')) console.log(JSON.stringify(rows));
else {
  console.log('| arith chain | engine | nodes | allocated B/node | kept B/node |\n|---|---|---:|---:|---:|');
  for (const r of rows)
    console.log(
      `| ${r.case} | ${r.engine} | ${r.nodes} | ${r.allocBytesPerNode === null ? '(a GC ran)' : r.allocBytesPerNode.toFixed(0)} | ${r.keptBytesPerNode.toFixed(0)} |`,
    );
}

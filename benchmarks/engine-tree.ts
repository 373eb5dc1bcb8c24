/**
 * The floor under the engine's µs/node: building the arith chain's trees (the same nodes, parents
 * and order as the searches in engine.ts made) with `TreeStore.addStep` alone, no strategy, no
 * models, no scheduler. What this costs per node is what any search that builds that tree pays
 * before it does anything else. CPU time, fastest of ≥ 5 builds after warm-up, as in engine.ts.
 * Run: npx tsx --expose-gc benchmarks/engine-tree.ts [--json]
 */
import * as local from '../src/index.ts';
import { TreeStore } from '../src/search/tree.ts';
import { chainModels, GENERATOR, loadGenerator } from './arith-chain.ts';

const lib = await loadGenerator();
if (!lib) {
  console.error(`arith chain skipped: ${GENERATOR.pathname} not found`);
  process.exit(0);
}
const m = chainModels(lib, 16, 8);
const scheduler = () => new local.Scheduler({ concurrency: 1 << 20 });
const cases: [string, local.StrategySpec][] = [
  ['beam B=256 L=16 K=8', local.beam({ n: 2048, beamWidth: 8, maxDepth: 16 })],
  ['beam B=1024 L=16 K=8', local.beam({ n: 8192, beamWidth: 8, maxDepth: 16 })],
  ...[1000, 10000, 100000].map((S): [string, local.StrategySpec] => [
    `mcts UCT c=1 L=16 K=8, ${S} sims`,
    local.mcts({ simulations: S, formula: 'uct', cPuct: 1, expansionWidth: 8, maxDepth: 16 }),
  ]),
];

/** The tree as flat arrays (parent by creation order), read before any timing; the search's own tree is dropped. */
function shape(tree: local.SearchTree) {
  const nodes = tree.nodes.map((n) => ({ text: n.text, tokens: n.tokens, terminal: n.terminal, answer: n.answer, prior: n.prior, rollout: n.rollout }));
  const parent = Int32Array.from(tree.nodes, (n) => (n.parent === null ? -1 : tree.get(n.parent)!.order));
  return { nodes, parent };
}

function build(s: ReturnType<typeof shape>): number {
  const c0 = process.cpuUsage();
  const store = new TreeStore(m.problem);
  for (let i = 1; i < s.nodes.length; i++) {
    const v = s.nodes[i]!;
    store.addStep(store.nodes[s.parent[i]!]!, v.text, v.tokens, v.terminal, v.answer, v.prior, v.rollout);
  }
  const c = process.cpuUsage(c0);
  return c.user + c.system;
}

const gc = (globalThis as { gc?: () => void }).gc;
const rows: { case: string; nodes: number; usPerNode: number }[] = [];
for (const [name, strategy] of cases) {
  const s = shape((await local.search({ ...m, strategy, aggregation: 'last', seed: 1, scheduler: scheduler() })).tree);
  gc?.();
  let best = Infinity;
  for (let i = 0, t0 = performance.now(); i < 10 || performance.now() - t0 < 2000; i++) {
    const us = build(s);
    if (i >= 5) best = Math.min(best, us); // the first five warm up the JIT
  }
  rows.push({ case: name, nodes: s.nodes.length, usPerNode: best / s.nodes.length });
}
if (process.argv.includes('--json')) console.log(JSON.stringify(rows));
else {
  console.log('| tree alone | nodes | CPU µs/node |\n|---|---:|---:|');
  for (const r of rows) console.log(`| ${r.case} | ${r.nodes} | ${r.usPerNode.toFixed(3)} |`);
}

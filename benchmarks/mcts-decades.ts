/**
 * Does a simulation cost more as the tree grows? One MCTS search of 1e5 simulations on the arith
 * chain (UCT, c = 1, K = 8, L = 16, as in engine.ts), timed by decade of simulations inside that one
 * search: CPU µs per simulation over sims 1–1e2, 1e2–1e3, 1e3–1e4 and 1e4–1e5. The zero-cost
 * policy reads the process's CPU time at the 1e2th, 1e3th, … call (one call per simulation).
 * engine.ts times separate searches of each size, where the fastest run of a small search is one
 * no scavenge landed in; here every decade pays for the garbage it makes. After warm-up searches;
 * per decade the fastest and the median of the runs. A second table times separate searches of each
 * size back to back for 2 s (at least one search): total CPU ÷ total simulations, so each size
 * pays for its own garbage too. With --baseline=DIR the engine in DIR/src runs too, interleaved.
 * Run: npx tsx benchmarks/mcts-decades.ts [--runs=5] [--baseline=DIR]
 */
import { pathToFileURL } from 'node:url';
import type { ProposeRequest } from '../src/policy/types.ts';
import * as local from '../src/index.ts';
import { chainModels, GENERATOR, loadGenerator } from './arith-chain.ts';

type Engine = typeof local;
const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const runs = Number(arg('runs') ?? 5);
const baseDir = arg('baseline');
const lib = await loadGenerator();
if (!lib) {
  console.error(`arith chain skipped: ${GENERATOR.pathname} not found`);
  process.exit(0);
}
const m = chainModels(lib, 16, 8);
const MARKS = [100, 1000, 10000, 100000];
const engines: [string, Engine][] = [['this', local]];
if (baseDir) engines.unshift(['before', (await import(pathToFileURL(`${baseDir}/src/index.ts`).href)) as Engine]);

/** One search of `sims` simulations: CPU µs used by the call at each of `marks` (one call per simulation), then in all. */
async function timed(e: Engine, sims: number, marks: readonly number[]): Promise<{ at: number[]; total: number }> {
  const at: number[] = [];
  let calls = 0;
  const c0 = process.cpuUsage();
  const cpu = () => {
    const c = process.cpuUsage(c0);
    return c.user + c.system;
  };
  const policy = {
    name: 'arith-chain',
    propose: (r: ProposeRequest) => {
      if (marks.includes(++calls)) at.push(cpu());
      return m.policy.propose(r);
    },
  };
  const strategy = e.mcts({ simulations: sims, formula: 'uct', cPuct: 1, expansionWidth: 8, maxDepth: 16 });
  await e.search({ ...m, policy, strategy, aggregation: 'last', seed: 1, scheduler: new e.Scheduler({ concurrency: 1 << 20 }) });
  return { at, total: cpu() };
}

/** CPU µs per simulation in each decade of one search of 1e5 simulations. */
async function decades(e: Engine): Promise<number[]> {
  const { at } = await timed(e, 100000, MARKS);
  return at.map((us, i) => (us - (at[i - 1] ?? 0)) / (MARKS[i]! - (MARKS[i - 1] ?? 0)));
}

/** CPU µs per simulation over searches of `sims` simulations run back to back for 2 s. */
async function backToBack(e: Engine, sims: number): Promise<number> {
  let us = 0,
    n = 0;
  for (const t0 = performance.now(); n === 0 || performance.now() - t0 < 2000; n++) us += (await timed(e, sims, [])).total;
  return us / (n * sims);
}

for (const [, e] of engines) for (let i = 0; i < 20; i++) await timed(e, 2000, []); // warm-up: the JIT
const got = new Map<string, number[][]>(engines.map(([n]) => [n, []]));
for (let r = 0; r < runs; r++) for (const [n, e] of engines) got.get(n)!.push(await decades(e));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
console.log('| engine | per sim, CPU µs | sims 1–1e2 | 1e2–1e3 | 1e3–1e4 | 1e4–1e5 |\n|---|---|---:|---:|---:|---:|');
for (const [n, rows] of got)
  for (const [label, f] of [
    ['fastest', (xs: number[]) => Math.min(...xs)],
    ['median', median],
  ] as const)
    console.log(`| ${n} | ${label} of ${runs} | ${MARKS.map((_, i) => f(rows.map((row) => row[i]!)).toFixed(1)).join(' | ')} |`);

console.log('\n| engine | separate searches, back to back 2 s: CPU µs/sim | 1e2 sims | 1e3 | 1e4 | 1e5 |\n|---|---|---:|---:|---:|---:|');
const sep = new Map<string, number[]>(engines.map(([n]) => [n, []]));
for (const S of MARKS) for (const [n, e] of engines) sep.get(n)!.push(await backToBack(e, S));
for (const [n, xs] of sep) console.log(`| ${n} | | ${xs.map((x) => x.toFixed(1)).join(' | ')} |`);

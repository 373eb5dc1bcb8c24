/**
 * The engine benchmark's timing harness: each case in fresh processes of its own, the fastest run
 * of each after warm-up, CPU time, and the heap a search keeps.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { quantile } from '../src/experiments/bootstrap.ts';

/** The value of a `--name=value` flag. */
export const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
export const quick = process.argv.includes('--quick');
export const gc = (globalThis as { gc?: () => void }).gc;

export type Ran = { stats: { nodes: number } };
/**
 * `us`: the fastest run's CPU µs; `medianUs` and `slowestUs`: the same in the median and the slowest
 * process (whether V8 pretenured a process's nodes moves it 1.5x, round 7); `meanUs`: the mean timed
 * run, over every process: what a stream of such searches costs each, with the collections their
 * garbage causes (a short search's fastest run is one no collection hit, round 8).
 */
export type Timing = { us: number; medianUs: number; slowestUs: number; meanUs: number; ms: number; nodes: number; bytes: number };

const caseArg = arg('case');
/** Set in a case's own process: the index of the case it times. */
export const childCase = caseArg === undefined ? null : Number(caseArg);
let caseCount = 0;
const forks = Number(arg('forks') ?? (quick ? 1 : 3));
if (!(Number.isInteger(forks) && forks >= 1)) throw new Error(`--forks: expected an integer ≥ 1, got ${arg('forks')}`);

/**
 * Times the script's next case. Every case runs in fresh processes of its own (this script again,
 * with --case=K), so no case's timing depends on the ones before it: the heap readings' forced GCs
 * drop V8's optimized code for the engine (deopt reason "weak objects"), and later cases in one
 * process ran up to 2x slower (benchmarks/README.md, round 6). Call it for every case, in the same
 * order on every run of the script.
 */
export async function fastest(run: () => Promise<Ran>): Promise<Timing> {
  const k = caseCount++;
  if (childCase === null) return inChild(k);
  if (k !== childCase) return { us: 0, medianUs: 0, slowestUs: 0, meanUs: 0, ms: 0, nodes: 1, bytes: 0 }; // another process's case
  console.log(JSON.stringify(await fastestHere(run)));
  process.exit(0);
}

/** The fastest of --forks processes (default 3: one process's timing differs from the next by up to 1.4x); the median heap reading. */
function inChild(k: number): Timing {
  const args = [...process.execArgv, process.argv[1]!, ...process.argv.slice(2).filter((a) => a !== '--json'), `--case=${k}`];
  const runs: Timing[] = [];
  for (let f = 0; f < forks; f++) {
    const out = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 1 << 20 });
    if (out.status !== 0) throw new Error(`case ${k}: the child process exited with ${out.status ?? out.signal}`);
    const last = out.stdout.trim().split('\n').pop()!;
    if (!last.startsWith('{')) throw new Error(`case ${k}: the child process printed no timing (last line: ${last.slice(0, 200)})`);
    runs.push(JSON.parse(last) as Timing);
  }
  const best = runs.reduce((a, b) => (b.us < a.us ? b : a));
  // the median reading: a process's one-off allocations (code, feedback) add to its reading, and a
  // collection that misses the dropped tree takes from it (one read 11 B/node, round 7)
  const bytes = runs.map((r) => r.bytes).sort((a, b) => a - b);
  const meanUs = runs.reduce((a, r) => a + r.meanUs, 0) / runs.length;
  const us = runs.map((r) => r.us).sort((a, b) => a - b);
  return { ...best, medianUs: quantile(us, 0.5), slowestUs: us[us.length - 1]!, meanUs, bytes: bytes[(bytes.length - 1) >> 1]! };
}

/**
 * Timing: warms up (at least 5 runs and 1 s, 0.2 s with --quick: the JIT needs them), then runs at
 * least 5 times and 1 s (0.2 s; a case whose run takes over 2 s: 1 warm-up and 2 runs), keeping the
 * fastest run (on a shared machine other jobs only ever add time). Then two heap readings between full
 * GCs (`measure`), the larger kept.
 */
async function fastestHere(run: () => Promise<Ran>): Promise<Timing> {
  const once = async () => {
    const t = await timed(run);
    t.r = null; // keep no tree alive between runs
    return t;
  };
  const first = await once();
  const slow = first.cpuUs > 2e6;
  const ms = quick ? 200 : 1000; // the least time spent warming up, then timing
  for (let i = 1, t0 = performance.now(); !slow && (i < 5 || performance.now() - t0 < ms); i++) await once();
  let best = first,
    sum = 0,
    n = 0;
  for (let i = 0, t0 = performance.now(); i < (slow ? 2 : 5) || (!slow && performance.now() - t0 < ms); i++) {
    const r = await once();
    if (r.cpuUs < best.cpuUs) best = r;
    sum += r.cpuUs;
    n++;
  }
  // two heap readings, the larger kept: a collection of older garbage can only lower one
  const h = [await measure(run), await measure(run)];
  return {
    us: best.cpuUs,
    medianUs: best.cpuUs,
    slowestUs: best.cpuUs,
    meanUs: sum / n,
    ms: best.ms,
    nodes: h[0]!.nodes,
    bytes: Math.max(h[0]!.bytes, h[1]!.bytes),
  };
}

/**
 * One search's CPU time (this process: the search and GC threads; on a shared 2-core box the wall
 * clock mostly measures the other jobs) and wall time. Awaited in a frame of its own, so no stale
 * register keeps the result alive.
 */
async function timed(run: () => Promise<Ran>): Promise<{ r: Ran | null; ms: number; cpuUs: number }> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const r = await run();
  const c = process.cpuUsage(c0);
  return { r, ms: performance.now() - t0, cpuUs: c.user + c.system };
}

/** Lets timers the search left (its last 0 ms turn) fire: until then they hold the search, and a GC frees nothing. */
const settle = () => new Promise((r) => setTimeout(r, 5));

/**
 * Retained heap of one search: heap with results alive minus heap once they are dropped. A small
 * tree's results are kept several at a time (up to 50k nodes, 64 results), so the one-off
 * allocations of a reading (code, feedback) weigh little per node: one reading of a single 801-node
 * MCTS tree said 423 B/node (round 8).
 */
async function measure(run: () => Promise<Ran>) {
  await settle();
  gc?.();
  const kept: (Ran | null)[] = [];
  let nodes = 0;
  while (nodes < 50_000 && kept.length < 64) {
    const box = await timed(run);
    nodes += box.r!.stats.nodes;
    kept.push(box.r);
    box.r = null;
  }
  await settle();
  gc?.();
  const h1 = process.memoryUsage().heapUsed;
  const n = kept.length;
  kept.fill(null);
  await settle();
  gc?.();
  return { nodes: nodes / n, bytes: (h1 - process.memoryUsage().heapUsed) / n };
}

/**
 * The share of CPU time the hypervisor gave to other guests since `stealMark()` (Linux /proc/stat's
 * steal column; null elsewhere). A neighbour's load slows this box's runs without showing in `load`.
 */
export function stealMark(): () => number | null {
  const read = () => {
    try {
      const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
      return { steal: f[7] ?? 0, total: f.reduce((a, b) => a + b, 0) };
    } catch {
      return null;
    }
  };
  const a = read();
  return () => {
    const b = read();
    return a && b && b.total > a.total ? (b.steal - a.steal) / (b.total - a.total) : null;
  };
}

/**
 * Runner benchmark. Prints markdown tables (or JSON with --json).
 * 1. GSM8K test (1,319) with the simulated policy, the oracle PRM and beam N = 8, M = 4, 64 problems in flight:
 *    problems per second, and where the wall time goes (CPU profile samples attributed to the innermost
 *    steptree frame: engine = src/search + src/core, policy, PRM, grading, runner + datasets; the rest is idle
 *    or Node internals such as fsync waits and GC).
 * 2. The `openai` policy against a local OpenAI-compatible server (its own process) that answers after 50 ms,
 *    64 problems in flight, beam N = 8, M = 4 with `--prm none`: throughput ÷ ideal, where ideal packs 64
 *    problems in flight, each taking its critical path (its waves of policy calls × 50 ms), in the steady state (while
 *    problems are left to launch; see `steadyState`) and over the whole run; then the same with the server failing
 *    5 % of calls (500, 429, reset, malformed JSON; retried by the policy).
 * Run: npx tsx benchmarks/runner.ts [--json] [--problems N] (N problems for the openai rows; default 1319)
 *      npx tsx benchmarks/runner.ts --only-served [--fault-rate p] [--cpu-prof FILE] [--server-cpu-prof DIR]
 *      npx tsx benchmarks/runner.ts --only-transport   (the openai policy's transports alone: CPU per request)
 */
import { spawn } from 'node:child_process';
import { setMaxListeners } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import os from 'node:os';
import { performance as perf } from 'node:perf_hooks';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mkdtempSync } from 'node:fs';
import { policyKinds } from '../src/policy/registry.ts';
import type { Transport } from '../src/policy/openai/index.ts';
import { nodeTransport, sdkTransport } from '../src/policy/openai/transport.ts';
import type { Policy } from '../src/policy/types.ts';
import { loadPRM } from '../src/reward/registry.ts';
import { runBench, type BenchConfigInput } from '../src/runner/index.ts';
import { datasetKind } from '../src/tasks/registry.ts';
import type { BenchItem } from '../src/tasks/types.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const GSM8K = join(ROOT, '../shared/data/gsm8k/test.jsonl');
const args = process.argv.slice(2);
const json = args.includes('--json');
const arg = (name: string, d: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : d);
const LATENCY_MS = 50;
const IN_FLIGHT = 64;

const USER_TURN = '<|im_start|>user\n';
/** The user turn of a ChatML prompt: the problem's text. */
function questionOf(prompt: string): string {
  const at = prompt.indexOf(USER_TURN) + USER_TURN.length;
  return prompt.slice(at, prompt.indexOf('<|im_end|>', at));
}

/** The benchmark's server (run as a child process): GSM8K reference steps, one per call, after a fixed latency. */
async function serve(latencyMs: number, faultRate: number): Promise<void> {
  const { startFakeOpenAIServer } = await import('../test/helpers/fake-openai-server.ts');
  const solutions = new Map<string, string[]>();
  for (const line of readFileSync(GSM8K, 'utf8').split('\n').filter(Boolean)) {
    const { question, answer } = JSON.parse(line) as { question: string; answer: string };
    const lines = answer.split('\n');
    const final = lines.pop()!.replace(/^####\s*/, '');
    solutions.set(question, [...lines.map((l) => l.replace(/<<[^>]*>>/g, '')), `The answer is $\\boxed{${final}}$.`]);
  }
  const s = await startFakeOpenAIServer({
    latencyMs,
    faultRate,
    faultKinds: ['500', '429', 'reset', 'malformed'],
    faultSeed: 'bench',
    retryAfterS: 0,
    record: false,
    keepAliveMs: 5000, // as Node's and uvicorn's default; undici drops a connection whose hint is under 2 s
    generate: (prompt, { index }) => {
      const steps = solutions.get(questionOf(prompt)) ?? ['The answer is $\\boxed{0}$.'];
      const done = prompt.slice(prompt.lastIndexOf('<|im_start|>assistant\n')).split('\n\n').length - 1;
      const i = Math.min(done, steps.length - 1);
      // samples differ, so beam keeps N distinct candidates; the server cuts at the "\n\n" after a step
      return `${index ? `(${index}) ` : ''}${steps[i]}${i < steps.length - 1 ? '\n\nnext' : ''}`;
    },
  });
  process.stdout.write(s.url + '\n');
  // the client asks for this process's CPU time, to tell a CPU-bound server from a CPU-bound client
  process.on('message', () => process.send?.(process.cpuUsage()));
  process.on('SIGTERM', () => void s.close().then(() => process.exit(0)));
}

type Bucket = 'engine' | 'policy' | 'prm' | 'grading' | 'runner' | 'other' | 'idle';
function bucketOf(url: string): Bucket | null {
  const m = /\/src\/(search|core|policy|reward|grade|runner|tasks|training)\//.exec(url);
  if (!m) return null;
  return (
    { search: 'engine', core: 'engine', policy: 'policy', reward: 'prm', grade: 'grading', runner: 'runner', tasks: 'runner', training: 'runner' } as const
  )[m[1] as 'search'];
}

/** CPU profile → wall-time shares by the innermost steptree frame of each sample. */
function shares(profile: {
  nodes: { id: number; callFrame: { url: string; functionName: string }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}) {
  const parent = new Map<number, number>();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const memo = new Map<number, Bucket>();
  const classify = (id: number): Bucket => {
    const hit = memo.get(id);
    if (hit) return hit;
    const n = byId.get(id)!;
    const b = n.callFrame.functionName === '(idle)' ? 'idle' : (bucketOf(n.callFrame.url) ?? (parent.has(id) ? classify(parent.get(id)!) : 'other'));
    memo.set(id, b);
    return b;
  };
  const t: Record<Bucket, number> = { engine: 0, policy: 0, prm: 0, grading: 0, runner: 0, other: 0, idle: 0 };
  profile.samples.forEach((s, i) => (t[classify(s)] += profile.timeDeltas[i] ?? 0));
  const total = Object.values(t).reduce((a, b) => a + b, 0);
  return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, v / total])) as Record<Bucket, number>;
}

async function simulated(profiled: boolean) {
  const out = mkdtempSync(join(os.tmpdir(), 'bench-sim-'));
  const config: BenchConfigInput = {
    dataset: 'gsm8k',
    data: GSM8K,
    policy: 'simulated',
    policyOptions: { errorRate: 0.3 },
    prm: 'oracle',
    prmNoise: 1,
    strategy: 'beam',
    strategyOptions: { n: 8, beamWidth: 4 },
    concurrency: IN_FLIGHT,
    out,
  };
  const session = new Session();
  if (profiled) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 500 });
    await session.post('Profiler.start');
  }
  const r = await runBench(config);
  let share: Record<Bucket, number> | null = null;
  if (profiled) {
    const { profile } = await session.post('Profiler.stop');
    share = shares(profile as never);
    session.disconnect();
  }
  return {
    problems: r.summary.records,
    wallS: r.wallMs / 1000,
    problemsPerS: r.summary.records / (r.wallMs / 1000),
    accuracy: r.summary.accuracy,
    prmBatches: r.scheduler.prmBatches,
    meanPrmBatch: r.scheduler.prmSteps / r.scheduler.prmBatches,
    share,
  };
}

interface Server {
  url: string;
  /** The server process's CPU seconds so far (user + system). */
  cpuS: () => Promise<number>;
  stop: () => void;
}

async function startServer(faultRate: number): Promise<Server> {
  const prof = args.includes('--server-cpu-prof') ? ['--cpu-prof', '--cpu-prof-dir', args[args.indexOf('--server-cpu-prof') + 1]!] : [];
  const child = spawn(process.execPath, [...prof, '--import', 'tsx', fileURLToPath(import.meta.url), '--serve', String(LATENCY_MS), String(faultRate)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const url = await new Promise<string>((res, rej) => {
    child.stdout!.once('data', (d) => res(String(d).trim()));
    child.once('exit', (c) => rej(new Error(`server exited with ${c}`)));
  });
  const cpuS = () =>
    new Promise<number>((res) => {
      child.once('message', (u: NodeJS.CpuUsage) => res((u.user + u.system) / 1e6));
      child.send('cpu');
    });
  return { url, cpuS, stop: () => void child.kill('SIGTERM') };
}

/** Throughput ÷ ideal for one run: ideal packs IN_FLIGHT problems, each taking (its waves × latency). */
async function paced(
  name: string,
  config: BenchConfigInput,
  hooks: Parameters<typeof runBench>[1] = {},
  server?: Server,
  counter?: ReturnType<typeof attemptCounter>,
) {
  const server0 = await server?.cpuS();
  const profile = arg('--cpu-prof', 0) ? null : args.includes('--cpu-prof') ? args[args.indexOf('--cpu-prof') + 1]! : null;
  const session = new Session();
  if (profile) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    await session.post('Profiler.start');
  }
  let first = 0,
    last = 0,
    waves = 0,
    n = 0,
    busyMs = 0,
    cpu0 = process.cpuUsage(),
    elu0 = perf.eventLoopUtilization();
  const launched = new Map<string, number>();
  const spans: Span[] = [];
  const r = await runBench(config, {
    ...hooks,
    onStart: () => ((first = performance.now()), (cpu0 = process.cpuUsage()), (elu0 = perf.eventLoopUtilization())),
    onLaunch: (k) => void launched.set(k, performance.now()),
    onResult: (x) => {
      ((last = performance.now()), (waves += x.stats.waves), (busyMs += x.stats.wallMs), n++);
      spans.push({ start: launched.get(x.key)!, ms: x.stats.wallMs, waves: x.stats.waves, id: x.id });
    },
  });
  const cpu = process.cpuUsage(cpu0);
  // how busy the client's main thread was (cpuS also counts GC and libuv threads)
  const elu = perf.eventLoopUtilization(elu0).utilization;
  if (profile) {
    writeFileSync(profile, JSON.stringify((await session.post('Profiler.stop')).profile));
    session.disconnect();
  }
  const serverCpuS = server ? (await server.cpuS()) - server0! : null;
  const wallS = (last - first) / 1000;
  const idealS = (waves * LATENCY_MS) / 1000 / IN_FLIGHT;
  const info = (r.policyInfo ?? {}) as Record<string, number>;
  // ratio = packing ÷ stretch: how full the IN_FLIGHT slots were, and how much longer than its critical path each problem took
  const packing = busyMs / 1000 / IN_FLIGHT / wallS;
  const stretch = busyMs / (waves * LATENCY_MS);
  const steady = steadyState(spans, (s) => s.waves);
  // the same window with each wave as long as its most-attempted call (the fault rows)
  let steadyWithRetries: number | null = null;
  if (counter) {
    const texts = new Map<string, string>();
    for await (const it of datasetKind('gsm8k').load(GSM8K, {})) texts.set(it.id, it.problem.text);
    const attempts = counter.byQuestion();
    steadyWithRetries = steadyState(spans, (s) => attempts.get(texts.get(s.id)!) ?? s.waves).steadyRatio;
  }
  return {
    ...steady,
    steadyWithRetries,
    name,
    problems: r.summary.records,
    errors: r.summary.errors,
    meanWaves: waves / n,
    wallS,
    idealS,
    ratio: idealS / wallS,
    // the same ideal with each wave as long as its most-attempted call (failed attempts are server round trips too)
    // counted only where calls fail: without failures it is the ideal itself, and counting costs client CPU
    idealWithRetriesS: counter ? (counter.attempts() * LATENCY_MS) / 1000 / IN_FLIGHT : idealS,
    countedWaves: counter?.waves() ?? null,
    packing,
    stretch,
    problemsPerS: n / wallS,
    cpuS: (cpu.user + cpu.system) / 1e6,
    serverCpuS,
    elu,
    requests: info.requests ?? r.scheduler.policyCalls,
    retries: info.retries ?? 0,
    failedCalls: info.failedCalls ?? 0,
  };
}

interface Span {
  /** When the search was launched (ms), how long it and its grading took, and its waves of policy calls. */
  readonly start: number;
  readonly ms: number;
  readonly waves: number;
  readonly id: string;
}

/**
 * Throughput ÷ ideal while the runner had problems left to launch (from the first launch to the last): then 64 problems
 * can be in flight, as the ideal assumes. After the last launch the run drains (fewer and fewer in flight, until its
 * longest remaining problem ends), which no runner that cannot know problem lengths in advance avoids. Ratio = how full
 * the slots were in that window ÷ how much longer than its critical path each problem that ended inside it took.
 */
function steadyState(spans: readonly Span[], waves: (s: Span) => number) {
  const from = Math.min(...spans.map((s) => s.start));
  const to = Math.max(...spans.map((s) => s.start));
  const inside = spans.reduce((a, s) => a + Math.max(0, Math.min(to, s.start + s.ms) - Math.max(from, s.start)), 0);
  const ended = spans.filter((s) => s.start + s.ms <= to);
  const steadyPacking = inside / IN_FLIGHT / (to - from);
  const steadyStretch = ended.reduce((a, s) => a + s.ms, 0) / ended.reduce((a, s) => a + waves(s) * LATENCY_MS, 0);
  return { steadyS: (to - from) / 1000, steadyPacking, steadyStretch, steadyRatio: steadyPacking / steadyStretch };
}

const beam8: Pick<BenchConfigInput, 'strategy' | 'strategyOptions' | 'concurrency'> = {
  strategy: 'beam',
  strategyOptions: { n: 8, beamWidth: 4 },
  concurrency: IN_FLIGHT,
};

/** The simulated policy behind a 50 ms wait, in-process: what the runner and engine lose with no HTTP client in the way. */
async function delayedInProcess(problems: number) {
  const out = mkdtempSync(join(os.tmpdir(), 'bench-delay-'));
  const models = async (items: (id: string) => BenchItem | undefined) => {
    const inner = await policyKinds.simulated!.create({ seed: 0, options: { errorRate: 0.3 }, items });
    const policy: Policy = {
      name: 'delayed-simulated',
      propose: (r) => new Promise((res, rej) => setTimeout(() => inner.propose(r).then(res, rej), LATENCY_MS)),
    };
    return { policy, prm: await loadPRM('none', { seed: 0 }), simulated: true, noPrm: true };
  };
  return paced(
    `in-process policy, ${LATENCY_MS} ms per call`,
    { dataset: 'gsm8k', data: GSM8K, limit: problems, policy: 'simulated', prm: 'none', ...beam8, out },
    { models },
  );
}

/**
 * Counts attempts per call (a retry resends the same body) and keeps, per (problem, depth), the most any call took:
 * Σ of those × latency is each problem's critical path when failed attempts are counted as the sequential calls
 * they are (the server's 50 ms per attempt; our backoff is not in it).
 */
function attemptCounter() {
  const perCall = new Map<string, number>();
  const perWave = new Map<string, number>();
  const wrap = (t: Transport): Transport => ({
    post: (path, body, o) => {
      const prompt = String(body.prompt);
      const at = prompt.lastIndexOf('<|im_start|>assistant\n');
      const wave = `${questionOf(prompt)}\u0000${prompt.slice(at).split('\n\n').length}`;
      const call = `${prompt}\u0000${body.seed}\u0000${body.n}`;
      const a = (perCall.get(call) ?? 0) + 1;
      perCall.set(call, a);
      perWave.set(wave, Math.max(perWave.get(wave) ?? 0, a));
      return t.post(path, body, o);
    },
  });
  /** Per problem text: Σ over its waves of the most attempts any call of the wave took. */
  const byQuestion = () => {
    const m = new Map<string, number>();
    for (const [k, a] of perWave) {
      const q = k.slice(0, k.lastIndexOf('\u0000'));
      m.set(q, (m.get(q) ?? 0) + a);
    }
    return m;
  };
  return { wrap, waves: () => perWave.size, attempts: () => [...perWave.values()].reduce((x, y) => x + y, 0), byQuestion };
}

/** The benchmark's retry settings (printed with the table): the server fails in 50 ms, so a short backoff fits. */
const RETRY = { retryBaseMs: 5, retryMaxMs: 50 };

async function served(faultRate: number, problems: number) {
  const server = await startServer(faultRate);
  const counter = attemptCounter();
  // no response cache: every call goes to the server
  const config = (limit: number, wrapTransport?: (t: Transport) => Transport): BenchConfigInput => ({
    dataset: 'gsm8k',
    data: GSM8K,
    limit,
    policy: 'openai',
    policyOptions: { baseURL: server.url, model: 'fake', ...RETRY, concurrency: 4096, ...(wrapTransport && { wrapTransport }) },
    cache: false,
    prm: 'none',
    ...beam8,
    out: mkdtempSync(join(os.tmpdir(), 'bench-http-')),
  });
  try {
    await runBench(config(IN_FLIGHT)); // warm-up: the SDK's and the server's first calls are slow (JIT)
    return await paced(
      `openai policy, ${LATENCY_MS} ms server${faultRate ? `, ${faultRate * 100} % of calls fail` : ''}`,
      config(problems, faultRate ? counter.wrap : undefined),
      {},
      server,
      faultRate ? counter : undefined,
    );
  } finally {
    server.stop();
  }
}

/** The transports alone: `requests` completions calls, `inFlight` at a time, against the 50 ms server; CPU per request on each side. */
async function transports(requests = 3000, inFlight = 115) {
  const server = await startServer(0);
  const prompt = `<|im_start|>user\n${'Janet has 16 eggs. '.repeat(12)}<|im_end|>\n<|im_start|>assistant\n${'A step of the solution.\n\n'.repeat(3)}`;
  const body = { model: 'fake', n: 2, stop: ['\n\n'], max_tokens: 1024, temperature: 0.7, top_p: 1, seed: 1, prompt, logprobs: 1 };
  const rows = [];
  try {
    for (const kind of ['node', 'sdk', 'node', 'sdk'] as const) {
      const t = kind === 'node' ? nodeTransport(server.url, undefined) : sdkTransport(server.url, undefined, 10_000);
      const signal = new AbortController().signal;
      setMaxListeners(inFlight + 16, signal);
      const run = async (n: number) => {
        let i = 0;
        const worker = async () => {
          while (i++ < n) await t.post('/completions', body, { signal, timeoutMs: 10_000 });
        };
        await Promise.all(Array.from({ length: inFlight }, worker));
      };
      await run(500); // warm-up
      const [c0, s0, w0] = [process.cpuUsage(), await server.cpuS(), performance.now()];
      await run(requests);
      const c = process.cpuUsage(c0);
      rows.push({
        kind,
        requests,
        wallS: (performance.now() - w0) / 1000,
        clientMs: (c.user + c.system) / 1000 / requests,
        serverMs: (((await server.cpuS()) - s0) * 1000) / requests,
      });
    }
  } finally {
    server.stop();
  }
  return rows;
}

async function main() {
  if (args.includes('--only-transport')) {
    const rows = await transports();
    if (json) return console.log(JSON.stringify(rows));
    console.log('| transport, 115 in flight, 50 ms server | requests | wall s | client CPU ms/request | server CPU ms/request |\n|---|---:|---:|---:|---:|');
    for (const r of rows) console.log(`| ${r.kind} | ${r.requests} | ${r.wallS.toFixed(2)} | ${r.clientMs.toFixed(3)} | ${r.serverMs.toFixed(3)} |`);
    return;
  }
  if (args.includes('--only-served')) {
    const rates = args.includes('--fault-rate') ? [arg('--fault-rate', 0)] : [0, 0.05];
    const rows: Paced[] = [];
    for (const r of rates) rows.push(await served(r, arg('--problems', 1319)));
    const machine = `${os.cpus().length} vCPU ${os.cpus()[0]?.model.trim()}, Node ${process.version}, load ${os.loadavg()[0]!.toFixed(1)}`;
    return json ? console.log(JSON.stringify({ machine, http: rows })) : (console.log(`machine: ${machine}\n`), printPaced(rows));
  }
  const machine = `${os.cpus().length} vCPU ${os.cpus()[0]?.model.trim()}, Node ${process.version}, load ${os.loadavg()[0]!.toFixed(1)}`;
  await runBench({
    dataset: 'gsm8k',
    data: GSM8K,
    limit: 64,
    policy: 'simulated',
    prm: 'oracle',
    strategy: 'beam',
    strategyOptions: { n: 8, beamWidth: 4 },
    out: mkdtempSync(join(os.tmpdir(), 'bench-warm-')),
  }); // warm-up: module loading and JIT
  const plain = await simulated(false);
  const prof = await simulated(true);
  const plain2 = await simulated(false);
  const n = arg('--problems', 1319);
  const http = [await delayedInProcess(arg('--in-process-problems', 1319)), await served(0, n), await served(0.05, n)];
  if (json) return console.log(JSON.stringify({ machine, simulated: { plain, profiled: prof, plain2 }, http }));
  const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
  console.log(`machine: ${machine}\n`);
  console.log(
    '| GSM8K test, simulated + oracle, beam 8×4, 64 in flight | problems | wall s | problems/s | accuracy | PRM batches | mean batch |\n|---|---:|---:|---:|---:|---:|---:|',
  );
  for (const [name, x] of [
    ['plain', plain],
    ['under the CPU profiler', prof],
    ['plain, again', plain2],
  ] as const)
    console.log(
      `| ${name} | ${x.problems} | ${x.wallS.toFixed(2)} | ${x.problemsPerS.toFixed(0)} | ${pct(x.accuracy ?? 0)} | ${x.prmBatches} | ${x.meanPrmBatch.toFixed(1)} |`,
    );
  const s = prof.share!;
  console.log(
    `\n| share of wall time (profiled run) | engine | policy (simulated) | PRM (oracle) | grading | runner + datasets | Node internals, GC, I/O | idle |\n|---|---:|---:|---:|---:|---:|---:|---:|\n| | ${pct(s.engine)} | ${pct(s.policy)} | ${pct(s.prm)} | ${pct(s.grading)} | ${pct(s.runner)} | ${pct(s.other)} | ${pct(s.idle)} |`,
  );
  console.log('');
  printPaced(http);
}

type Paced = Awaited<ReturnType<typeof paced>>;

function printPaced(rows: Paced[]) {
  const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
  const ms = (s: number | null, n: number) => (s === null ? '–' : ((1000 * s) / n).toFixed(3));
  console.log(
    `| GSM8K, beam 8×4, --prm none, 64 in flight | problems | errors | waves/problem | steady s | steady: slots busy | steady: problem wall ÷ critical path | steady: throughput ÷ ideal | steady, ideal with retried attempts | wall s | ideal s | whole run: throughput ÷ ideal | ideal with retried attempts s | ÷ that | slots busy | problem wall ÷ critical path | problems/s | client CPU ms/request | client main thread busy | server CPU ms/request | requests | retries | failed calls |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|`,
  );
  for (const x of rows)
    console.log(
      `| ${x.name} | ${x.problems} | ${x.errors} | ${x.meanWaves.toFixed(2)} | ${x.steadyS.toFixed(2)} | ${pct(x.steadyPacking)} | ${x.steadyStretch.toFixed(3)} | **${x.steadyRatio.toFixed(3)}** | ${x.steadyWithRetries?.toFixed(3) ?? '–'} | ${x.wallS.toFixed(2)} | ${x.idealS.toFixed(2)} | ${x.ratio.toFixed(3)} | ${x.idealWithRetriesS?.toFixed(2) ?? '–'} | ${x.idealWithRetriesS ? (x.idealWithRetriesS / x.wallS).toFixed(3) : '–'} | ${pct(x.packing)} | ${x.stretch.toFixed(2)} | ${x.problemsPerS.toFixed(1)} | ${ms(x.cpuS, x.requests)} | ${pct(x.elu)} | ${ms(x.serverCpuS, x.requests)} | ${x.requests} | ${x.retries} | ${x.failedCalls} |`,
    );
  console.log(
    `\nopenai policy retries in this benchmark: retryBaseMs ${RETRY.retryBaseMs}, retryMaxMs ${RETRY.retryMaxMs} (full jitter; defaults 250 / 8000); Retry-After 0 on 429.`,
  );
}

if (args[0] === '--serve') await serve(Number(args[1]), Number(args[2]));
else await main();

import { setMaxListeners } from 'node:events';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Scheduler } from '../search/scheduler.ts';
import { strategyByName } from '../search/strategies/index.ts';
import { datasetKind } from '../tasks/registry.ts';
import type { BenchItem, DatasetFilters } from '../tasks/types.ts';
import { resolveConfig, type BenchConfig, type BenchConfigInput } from './config.ts';
import { closeGrading } from './grading.ts';
import { checkOrWriteManifest, datasetHash } from './manifest.ts';
import { createModels, type Models } from './models.ts';
import { runOne, type RunContext } from './one.ts';
import { resultKey, type ResultRecord } from './record.ts';
import { dropTornTail, readResults, ResultsWriter, rewriteWithout } from './results.ts';
import { summarize, type BenchSummary, type Pricing } from './summary.ts';

export interface BenchStart {
  /** (problem, seed) pairs selected by the filters, and those left to run. */
  readonly total: number;
  readonly todo: number;
  readonly resumed: boolean;
  /** Bytes of a torn last line dropped from results.jsonl. */
  readonly tornBytes: number;
  /** Error records removed to be rerun (`retryErrors`). */
  readonly retried: number;
  readonly simulated: boolean;
}

export interface BenchHooks {
  onStart?(s: BenchStart): void;
  /** Each (problem, seed) as its search is launched (its result key). */
  onLaunch?(key: string): void;
  /** Each record right after it is fsynced. */
  onResult?(r: ResultRecord): void;
  /** Stop launching; searches in flight are dropped unrecorded, so a rerun resumes them. */
  readonly signal?: AbortSignal;
  /** Models built by the caller (benchmarks, tests) instead of from the registries. */
  readonly models?: (items: (id: string) => BenchItem | undefined) => Promise<Models>;
}

export interface BenchOutcome {
  readonly dir: string;
  readonly config: BenchConfig;
  readonly summary: BenchSummary;
  readonly start: BenchStart;
  /** Records written by this invocation. */
  readonly ran: number;
  readonly wallMs: number;
  /** The shared scheduler's counters (PRM batches across problems, policy calls in flight). */
  readonly scheduler: Scheduler['stats'];
  readonly policyInfo?: Readonly<Record<string, unknown>>;
}

export const filtersOf = (c: BenchConfig): DatasetFilters => {
  const [index, count] = c.shard ? c.shard.split('/').map(Number) : [];
  return {
    ...(c.limit !== undefined && { limit: c.limit }),
    ...(c.levels && { levels: c.levels }),
    ...(c.subjects && { subjects: c.subjects }),
    ...(c.ids && { ids: c.ids }),
    ...(c.shard && { shard: { index: index!, count: count! } }),
  };
};

/**
 * Runs a benchmark: every (problem, seed) the filters select, `concurrency` at a time, all searches
 * sharing one scheduler (PRM batches span problems). Results are appended and fsynced as they finish;
 * re-running the same config resumes. Returns the summary of the whole results file.
 */
export async function runBench(input: BenchConfigInput, hooks: BenchHooks = {}): Promise<BenchOutcome> {
  const t0 = performance.now();
  const config = resolveConfig(input);
  const kind = datasetKind(config.dataset);
  const strategy = strategyByName(config.strategy, config.strategyOptions);
  const filters = filtersOf(config);
  const dir = config.out;
  await mkdir(config.saveTrees ? join(dir, 'trees') : dir, { recursive: true });
  const hash = await datasetHash(config.dataset, config.data);
  const inFlight = new Map<string, { item: BenchItem; left: number }>();
  const lookup = (id: string) => inFlight.get(id)?.item;
  const models = hooks.models ? await hooks.models(lookup) : await createModels(config, lookup);
  const { resumed } = await checkOrWriteManifest(dir, config, hash, models.simulated);

  const file = join(dir, 'results.jsonl');
  const tornBytes = await dropTornTail(file);
  const retried = config.retryErrors ? await rewriteWithout(file, (r) => r.status === 'error') : 0;
  const done = new Set<string>();
  for await (const r of readResults(file)) done.add(r.key);
  let total = 0;
  let todo = 0;
  for await (const it of kind.load(config.data, filters)) for (const s of config.seeds) (total++, done.has(resultKey(it.id, s)) || todo++);
  const start: BenchStart = { total, todo, resumed, tornBytes, retried, simulated: models.simulated };
  hooks.onStart?.(start);

  // every search in flight listens to the one abort signal
  if (hooks.signal) setMaxListeners(config.concurrency + 16, hooks.signal);
  const scheduler = new Scheduler({ concurrency: config.maxInFlight ?? config.concurrency * 16 });
  const ctx: RunContext = { config, dir, grader: kind.grader, models, strategy, scheduler, ...(hooks.signal && { signal: hooks.signal }) };
  const writer = await ResultsWriter.open(file);
  let ran = 0;
  // the run counts as a search of its own, so the scheduler always waits a turn for other problems'
  // PRM work (otherwise a policy that answers at once lets each search finish alone)
  scheduler.enter();
  try {
    ran = await runAll(ctx, kind.load(config.data, filters), done, inFlight, writer, hooks);
  } finally {
    scheduler.leave();
    await writer.close();
    await closeGrading();
  }
  const summary = await summarize(file, config.pricing ?? (config.policyOptions.pricing as Pricing | undefined));
  await writeJson(join(dir, 'summary.json'), { ...summary, simulated: models.simulated });
  const policyInfo = models.policy.info?.();
  return { dir, config, summary, start, ran, wallMs: performance.now() - t0, scheduler: { ...scheduler.stats }, ...(policyInfo && { policyInfo }) };
}

/**
 * The pool: `concurrency` searches at a time, in dataset order. A slot is freed when its search and
 * grading end, not when its line is fsynced (writes are group-committed meanwhile). Returns the records written.
 */
async function runAll(
  ctx: RunContext,
  items: AsyncIterable<BenchItem>,
  done: Set<string>,
  inFlight: Map<string, { item: BenchItem; left: number }>,
  writer: ResultsWriter,
  hooks: BenchHooks,
): Promise<number> {
  const running = new Set<Promise<void>>();
  const writes = new Set<Promise<void>>();
  let written = 0;
  let failure: { error: unknown } | null = null;
  const record = (rec: ResultRecord) => {
    const w = writer
      .append(rec)
      .then(() => void (written++, hooks.onResult?.(rec)))
      .catch((error) => void (failure ??= { error }))
      .finally(() => writes.delete(w));
    writes.add(w);
  };
  const stop = () => failure !== null || hooks.signal?.aborted === true;
  for await (const item of items) {
    const seeds = ctx.config.seeds.filter((s) => !done.has(resultKey(item.id, s)));
    if (seeds.length) inFlight.set(item.id, { item, left: seeds.length });
    for (const seed of seeds) {
      while (running.size >= ctx.config.concurrency) await Promise.race(running);
      if (stop()) break;
      hooks.onLaunch?.(resultKey(item.id, seed));
      const p: Promise<void> = runOne(ctx, item, seed)
        .then((rec) => {
          const e = inFlight.get(item.id);
          if (e && --e.left === 0) {
            inFlight.delete(item.id);
            ctx.models.policy.forget?.(item.id); // only now: another seed of the problem may still be searching
          }
          if (rec) record(rec);
        })
        .catch((error) => void (failure ??= { error }))
        .finally(() => running.delete(p));
      running.add(p);
    }
    if (stop()) break;
  }
  await Promise.all(running);
  await Promise.all(writes);
  if (failure) throw (failure as { error: unknown }).error;
  return written;
}

async function writeJson(file: string, v: unknown): Promise<void> {
  await writeFile(`${file}.tmp`, JSON.stringify(v, null, 2) + '\n');
  await rename(`${file}.tmp`, file);
}

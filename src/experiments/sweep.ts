import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Policy } from '../policy/types.ts';
import { policyKinds } from '../policy/registry.ts';
import { loadPRM } from '../reward/registry.ts';
import type { PRM } from '../reward/types.ts';
import { search } from '../search/engine.ts';
import { stringifyTree } from '../search/schema.ts';
import { bestOfN } from '../search/strategies/simple.ts';
import { strategyByName } from '../search/strategies/index.ts';
import type { SearchResult } from '../search/result.ts';
import { InvalidOptionError } from '../core/errors.ts';
import { budgetParamOf, prmLabel, strategyLabel, type PrmEntry, type StrategyEntry, type SweepConfig } from './config.ts';
import type { Source, SweepItem } from './sources.ts';
import { JsonlStore } from './store.ts';

/** Budget axes measured for every search. */
export interface Cost {
  readonly tokens: number;
  readonly policyCalls: number;
  readonly prmCalls: number;
}

/** One finished search, as a results.jsonl row. */
export interface RunRow extends Cost {
  readonly key: string;
  readonly kind: 'run';
  readonly prm: string;
  readonly strategy: string;
  readonly budget: number;
  readonly problem: string;
  readonly seed: number;
  readonly correct: boolean;
  readonly answer: string | null;
  readonly nodes: number;
  readonly failures: number;
  readonly stoppedBy: string;
  readonly tree?: string;
}

/** One pool of N samples for a problem and seed: [answer, score, correct] per sample. */
export interface PoolRow extends Cost {
  readonly key: string;
  readonly kind: 'pool';
  readonly prm: string;
  readonly problem: string;
  readonly seed: number;
  readonly samples: readonly (readonly [string | null, number, boolean])[];
}

export type Row = RunRow | PoolRow;

interface Job {
  readonly key: string;
  readonly prm: PrmEntry;
  readonly item: SweepItem;
  readonly seed: number;
  /** null: a pool job. */
  readonly strategy: StrategyEntry | null;
  readonly budget: number;
  readonly saveTree: boolean;
}

/** Every job of the grid, in a fixed order; budgets a strategy cannot take (beam N < M) are skipped. */
export function planJobs(c: SweepConfig, items: readonly SweepItem[]): { jobs: Job[]; skipped: string[] } {
  const jobs: Job[] = [];
  const skipped: string[] = [];
  for (const prm of c.prms) {
    const its = items.slice(0, prm.problems ?? items.length);
    const budgets = c.budgets.values.filter((b) => !prm.budgets || prm.budgets.includes(b));
    for (const seed of c.seeds)
      for (const item of its) {
        if (c.pool) jobs.push({ key: `pool|${prmLabel(prm)}|${item.id}|${seed}`, prm, item, seed, strategy: null, budget: c.pool.n, saveTree: false });
        for (const s of c.strategies) {
          const bp = budgetParamOf(s);
          const bs = c.budgets.axis === 'n' && bp === null ? [1] : budgets.filter((b) => !s.budgets || s.budgets.includes(b));
          for (const b of bs) {
            const label = strategyLabel(s);
            if (c.budgets.axis === 'n' && bp !== null && !fits(s, bp, b)) {
              if (seed === c.seeds[0] && item === its[0]) skipped.push(`${prmLabel(prm)} · ${label} at N=${b}`);
              continue;
            }
            const saveTree = seed === c.seeds[0] && its.indexOf(item) < c.saveTrees && b === Math.max(...bs);
            jobs.push({ key: `run|${prmLabel(prm)}|${label}|${b}|${item.id}|${seed}`, prm, item, seed, strategy: s, budget: b, saveTree });
          }
        }
      }
  }
  return { jobs, skipped };
}

function fits(s: StrategyEntry, bp: string, b: number): boolean {
  try {
    strategyByName(s.strategy, { ...s.params, [bp]: b });
    return true;
  } catch (e) {
    if (e instanceof InvalidOptionError) return false;
    throw e;
  }
}

export interface SweepDeps {
  readonly policy: (seed: number) => Promise<Policy>;
  readonly prm: (p: PrmEntry, seed: number) => Promise<PRM>;
  readonly log?: (line: string) => void;
}

/** Models from the registries; one PRM instance per (spec, noise, seed) and one per spec when it has no noise dial. */
export function registryDeps(c: SweepConfig, source?: Source): SweepDeps {
  const prms = new Map<string, Promise<PRM>>();
  return {
    policy: async (seed) => {
      const kind = policyKinds[c.policy!.kind];
      if (!kind) throw new InvalidOptionError('policy.kind', `expected one of ${Object.keys(policyKinds).join(', ')}, got ${JSON.stringify(c.policy!.kind)}`);
      return kind.create({ seed, options: c.policy!.options, ...(source?.bench ? { items: source.bench } : {}) });
    },
    prm: (p, seed) => {
      const k = p.noise === undefined ? p.spec : `${p.spec}|${p.noise}|${seed}`;
      if (!prms.has(k)) prms.set(k, loadPRM(p.spec, { seed, noise: p.noise }));
      return prms.get(k)!;
    },
    log: (l) => process.stderr.write(l + '\n'),
  };
}

/** Runs every job not yet in `outDir/results.jsonl`, `concurrency` at a time; returns every row of the grid. */
export async function runSweep(c: SweepConfig, source: Source, outDir: string, deps: SweepDeps): Promise<{ rows: Row[]; skipped: string[]; ran: number }> {
  mkdirSync(join(outDir, 'trees'), { recursive: true });
  const store = new JsonlStore<Row>(join(outDir, 'results.jsonl'));
  const { jobs, skipped } = planJobs(c, source.items);
  const todo = jobs.filter((j) => !store.has(j.key));
  deps.log?.(`scale: ${jobs.length} jobs, ${jobs.length - todo.length} already in results.jsonl, ${todo.length} to run`);
  let next = 0;
  let done = 0;
  const t0 = Date.now();
  const worker = async () => {
    while (next < todo.length) {
      const job = todo[next++]!;
      store.add(await runJob(c, source, job, outDir, deps));
      if (++done % Math.max(1, Math.ceil(todo.length / 10)) === 0 || done === todo.length)
        deps.log?.(`  ${done}/${todo.length} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(c.concurrency, Math.max(1, todo.length)) }, worker));
  return { rows: jobs.map((j) => store.get(j.key)!), skipped, ran: todo.length };
}

async function runJob(c: SweepConfig, source: Source, job: Job, outDir: string, deps: SweepDeps): Promise<Row> {
  const [policy, prm] = await Promise.all([deps.policy(job.seed), deps.prm(job.prm, job.seed)]);
  const common = { problem: job.item.problem, policy, prm, seed: job.seed, aggregation: c.aggregation as never };
  if (!job.strategy) {
    const r = await search({ ...common, strategy: bestOfN({ n: job.budget }) });
    return {
      key: job.key,
      kind: 'pool',
      prm: prmLabel(job.prm),
      problem: job.item.id,
      seed: job.seed,
      samples: await poolSamples(r, job.budget, (a) => source.grade(job.item, a)),
      ...cost(r),
    };
  }
  const bp = budgetParamOf(job.strategy);
  const params = c.budgets.axis === 'n' && bp ? { ...job.strategy.params, [bp]: job.budget } : job.strategy.params;
  const budget = c.budgets.axis === 'tokens' ? { tokens: job.budget } : undefined;
  const r = await search({ ...common, strategy: strategyByName(job.strategy.strategy, params), budget });
  const answer = r.best?.terminal ? r.best.answer : null;
  let tree: string | undefined;
  if (job.saveTree) {
    tree = `trees/${slug(`${prmLabel(job.prm)}-${strategyLabel(job.strategy)}-${job.budget}-${job.item.id}`)}.json`;
    writeFileSync(join(outDir, tree), stringifyTree(r) + '\n');
  }
  return {
    key: job.key,
    kind: 'run',
    prm: prmLabel(job.prm),
    strategy: strategyLabel(job.strategy),
    budget: job.budget,
    problem: job.item.id,
    seed: job.seed,
    correct: await source.grade(job.item, answer),
    answer,
    nodes: r.stats.nodes,
    failures: r.stats.failures,
    stoppedBy: r.stats.stoppedBy,
    ...cost(r),
    ...(tree ? { tree } : {}),
  };
}

const cost = (r: SearchResult): Cost => ({ tokens: r.stats.tokens, policyCalls: r.stats.policyCalls, prmCalls: r.stats.prmCalls });
export const slug = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 120);

/** A best-of-N trie as its N samples (a node of count c is c samples); unfinished samples have no answer. */
export async function poolSamples(r: SearchResult, n: number, grade: (a: string | null) => Promise<boolean>): Promise<[string | null, number, boolean][]> {
  const out: [string | null, number, boolean][] = [];
  const graded = new Map<string | null, boolean>();
  for (const t of r.tree.terminals()) {
    if (!graded.has(t.answer)) graded.set(t.answer, await grade(t.answer));
    for (let i = 0; i < t.count && out.length < n; i++) out.push([t.answer, t.value ?? 0, graded.get(t.answer)!]);
  }
  while (out.length < n) out.push([null, 0, false]);
  return out;
}

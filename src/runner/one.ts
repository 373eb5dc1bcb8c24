import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errorText } from '../core/errors.ts';
import type { Policy } from '../policy/types.ts';
import { startSearch } from '../search/engine.ts';
import type { SearchResult } from '../search/result.ts';
import { stringifyTree } from '../search/schema.ts';
import type { Scheduler } from '../search/scheduler.ts';
import type { StrategySpec } from '../search/strategy.ts';
import type { BenchItem, GraderName } from '../tasks/types.ts';
import type { BenchConfig } from './config.ts';
import { gradeTrajectory } from './grading.ts';
import type { Models } from './models.ts';
import { resultKey, type RecordStats, type ResultRecord } from './record.ts';

/** What every (problem, seed) of a run shares. */
export interface RunContext {
  readonly config: BenchConfig;
  readonly dir: string;
  readonly grader: GraderName;
  readonly models: Models;
  readonly strategy: StrategySpec;
  readonly scheduler: Scheduler;
  readonly signal?: AbortSignal;
}

/** A file name for a tree: ids such as `test/precalculus/807.json` become `test_precalculus_807.json.s1.json`. */
export const treeFile = (id: string, seed: number): string => `trees/${id.replace(/[^A-Za-z0-9._-]/g, '_')}.s${seed}.json`;

/**
 * Searches one (problem, seed) and grades it. An infrastructure failure (the search threw, or failed
 * calls left it without a finished trajectory) is an `error` record: not graded, not counted wrong.
 * Returns null when the run was aborted mid-search (nothing is recorded, so a resume redoes it).
 */
export async function runOne(ctx: RunContext, item: BenchItem, seed: number): Promise<ResultRecord | null> {
  const t0 = performance.now();
  let waves = 0;
  let r: SearchResult;
  const c = ctx.config;
  const usage = { promptTokens: 0, cachedTokens: 0, policyErrors: 0 };
  const calls = { n: 0 };
  try {
    const run = startSearch({
      problem: item.problem,
      policy: counted(ctx.models.policy, usage, calls),
      prm: ctx.models.prm,
      strategy: ctx.strategy,
      budget: c.budget,
      seed,
      scheduler: ctx.scheduler,
      ...(ctx.signal && { signal: ctx.signal }),
      ...(c.aggregation && { aggregation: c.aggregation }),
      ...(c.selection && { selection: c.selection }),
    });
    run.on('select', () => void waves++);
    r = await run.result;
  } catch (e) {
    if (ctx.signal?.aborted) return null;
    // the search threw, so it has no stats: the calls it made are counted here
    const stats: RecordStats = {
      tokens: 0,
      ...usage,
      policyCalls: calls.n,
      prmSteps: 0,
      nodes: 0,
      failures: 0,
      waves,
      stoppedBy: 'error',
      wallMs: performance.now() - t0,
    };
    return {
      ...base(item, seed),
      status: 'error',
      prediction: null,
      correct: false,
      rule: null,
      gradeStatus: null,
      score: null,
      stats,
      error: errorText(e).slice(0, 2000),
    };
  }
  if (ctx.signal?.aborted) return null;
  const s = r.stats;
  const stats: RecordStats = {
    tokens: s.tokens,
    ...usage,
    policyCalls: s.policyCalls,
    prmSteps: ctx.models.noPrm ? 0 : s.prmCalls,
    nodes: s.nodes,
    failures: s.failures,
    waves,
    stoppedBy: s.stoppedBy,
    wallMs: performance.now() - t0,
  };
  const tree = c.saveTrees ? await saveTree(ctx.dir, item.id, seed, r) : undefined;
  const common = { ...base(item, seed), score: r.best?.score ?? null, stats, ...(tree && { tree }) };
  if (!r.best?.terminal && s.failures > 0) {
    return {
      ...common,
      status: 'error',
      prediction: null,
      correct: false,
      rule: null,
      gradeStatus: null,
      error: `no finished trajectory; ${s.failures} node(s) failed`,
    };
  }
  const g = await gradeTrajectory(ctx.grader, r.best, item.reference, c.gradeTimeoutMs);
  return {
    ...common,
    status: 'ok',
    prediction: g.extracted,
    correct: g.correct,
    rule: g.rule,
    gradeStatus: g.status,
    stats: { ...stats, wallMs: performance.now() - t0 },
  };
}

/** The policy as one search sees it: counts its prompt tokens (reported on the first proposal of a call) and failed calls. */
function counted(p: Policy, u: { promptTokens: number; cachedTokens: number; policyErrors: number }, calls: { n: number }): Policy {
  return {
    name: p.name,
    async propose(req) {
      calls.n++;
      try {
        const out = await p.propose(req);
        for (const s of out) ((u.promptTokens += s.promptTokens ?? 0), (u.cachedTokens += s.cachedTokens ?? 0));
        return out;
      } catch (e) {
        if (!req.signal.aborted) u.policyErrors++;
        throw e;
      }
    },
  };
}

function base(item: BenchItem, seed: number) {
  return {
    key: resultKey(item.id, seed),
    id: item.id,
    seed,
    reference: item.reference,
    ...(item.level !== undefined && { level: item.level }),
    ...(item.subject !== undefined && { subject: item.subject }),
  };
}

/** Written before its results line (tmp + rename), so a recorded tree file always exists whole. */
async function saveTree(dir: string, id: string, seed: number, r: SearchResult): Promise<string> {
  const rel = treeFile(id, seed);
  const file = join(dir, rel);
  await writeFile(`${file}.tmp`, stringifyTree(r) + '\n');
  await rename(`${file}.tmp`, file);
  return rel;
}

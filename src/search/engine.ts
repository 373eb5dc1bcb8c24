import { getAggregation, selectionName, selectionScores, type AggregationSpec, type SelectionName } from '../core/aggregate.ts';
import { BudgetMeter, validateBudget, type Budget } from '../core/budget.ts';
import { InvalidOptionError } from '../core/errors.ts';
import { opt, readOptions } from '../core/options.ts';
import type { Problem } from '../core/problem.ts';
import type { Policy } from '../policy/types.ts';
import type { PRM } from '../reward/types.ts';
import type { SearchResult } from './result.ts';
import { Search } from './run/search.ts';
import { SearchRun } from './run/search-run.ts';
import { defaultScheduler, type Scheduler } from './scheduler.ts';
import type { LoadedTree } from './schema.ts';
import type { StrategySpec } from './strategy.ts';
import { storeFrom, TreeStore } from './tree.ts';

export { SearchRun };

/** Per-call limits; a call past its limit marks its node failed and frees its slot (see README). */
export interface Timeouts {
  /** One `policy.propose` call (default 120 000 ms: a long LLM generation). */
  readonly policyMs?: number;
  /** One `PRM.score` batch, from when it is sent (default 60 000 ms). */
  readonly prmMs?: number;
}
export const DEFAULT_TIMEOUTS = { policyMs: 120_000, prmMs: 60_000 } as const;

export interface SearchOptions {
  readonly problem: Problem;
  readonly policy: Policy;
  readonly prm: PRM;
  readonly strategy: StrategySpec;
  /** Limits on the whole search; a resumed search counts the loaded tree's work too. */
  readonly budget?: Budget;
  readonly seed?: string | number;
  readonly signal?: AbortSignal;
  /** Per-call timeouts for the policy and the PRM. */
  readonly timeouts?: Timeouts;
  /** How step scores combine into a node's value (default `last`, as in search-and-learn). */
  readonly aggregation?: AggregationSpec;
  /** Final pick among terminal candidates (default `best`). */
  readonly selection?: SelectionName;
  /** Share one scheduler between searches so their PRM work batches together (default: a process-wide one). */
  readonly scheduler?: Scheduler;
  /** Continue from a loaded tree: the strategy replays over it, reusing its proposals and scores. */
  readonly resume?: LoadedTree;
}

const timeoutOptions = {
  policyMs: opt.number({ above: 0, infinite: true, default: DEFAULT_TIMEOUTS.policyMs, help: 'ms one policy call may take' }),
  prmMs: opt.number({ above: 0, infinite: true, default: DEFAULT_TIMEOUTS.prmMs, help: 'ms one PRM batch may take' }),
};

/** Validates options (throwing InvalidOptionError before any model call) and starts the search. */
export function startSearch(o: SearchOptions): SearchRun {
  const p = o.problem as Partial<Problem> | undefined;
  if (!p || typeof p.text !== 'string' || typeof p.id !== 'string') throw new InvalidOptionError('problem', 'expected {id: string, text: string}');
  if (!o.policy || typeof o.policy.propose !== 'function') throw new InvalidOptionError('policy', 'expected an object with propose()');
  if (!o.prm || typeof o.prm.score !== 'function') throw new InvalidOptionError('prm', 'expected an object with score()');
  if (!o.strategy || typeof o.strategy.create !== 'function')
    throw new InvalidOptionError('strategy', 'expected a strategy spec such as beam({ n: 8, beamWidth: 4 })');
  const budget = validateBudget(o.budget);
  const timeouts = readOptions('timeouts', o.timeouts, timeoutOptions);
  const aggregation = getAggregation(o.aggregation ?? 'last');
  const selection = o.selection ?? 'best';
  const select = selectionScores[selectionName(selection)];
  if (o.seed !== undefined && typeof o.seed !== 'string' && !Number.isFinite(o.seed)) throw new InvalidOptionError('seed', 'expected a string or number');
  const seed = String(o.seed ?? 0);
  if (o.resume && (o.resume.tree.problem.id !== p.id || o.resume.tree.problem.text !== p.text))
    throw new InvalidOptionError('resume', `the loaded tree is for problem ${o.resume.tree.problem.id}, not ${p.id}`);
  const scheduler = o.scheduler ?? defaultScheduler;
  // a resumed search continues the saved one: its work counts against the budget
  const saved = o.resume?.json.stats;
  const start = saved ? { policyCalls: saved.policyCalls, tokens: saved.tokens, prmCalls: saved.prmCalls } : undefined;

  return new SearchRun(async (em) => {
    const store = o.resume ? storeFrom(o.resume.tree) : new TreeStore(o.problem);
    const meter = new BudgetMeter(budget, start);
    const config = {
      problem: o.problem,
      policy: o.policy,
      prm: o.prm,
      spec: o.strategy,
      store,
      meter,
      failures: saved?.failures ?? 0,
      seed,
      aggregation,
      select,
      selection,
      scheduler,
      timeouts,
      ...(o.signal ? { signal: o.signal } : {}),
    };
    return new Search(config, em).run();
  });
}

/** Runs a search to its end (or budget, or abort) and returns the best trajectory and the tree. */
export function search(o: SearchOptions): Promise<SearchResult> {
  try {
    return startSearch(o).result;
  } catch (e) {
    return Promise.reject(e);
  }
}

import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { aggregations } from '../core/aggregate.ts';
import { FormatError, InvalidOptionError } from '../core/errors.ts';
import { strategyByName, strategyDescriptors } from '../search/strategies/index.ts';

/**
 * A sweep (`steptree scale --config FILE`): the task, policy, PRMs, strategies with their parameters,
 * budgets and seeds. Validated by zod; an error names the field (`strategies[2].budgetParam`).
 */
const int = (min: number) => z.number().int().min(min);

const Task = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('arith'),
    /** Problems per length. */
    problems: int(1),
    /** Operations per problem; several lengths give the `steps` difficulty bins. */
    lengths: z.array(int(1)).min(1).default([10]),
    /** First problem seed (problems are arithProblem(offset + i)). */
    offset: int(0).default(0),
  }),
  z.strictObject({
    kind: z.literal('dataset'),
    /** A dataset kind of the runner's registry (gsm8k, math, math500). */
    dataset: z.string().min(1),
    path: z.string().min(1),
    limit: int(1).optional(),
    levels: z.array(int(1)).optional(),
  }),
  z.strictObject({
    /** Precomputed pools (Qwen2.5-Math best-of-N JSONL): no policy and no search, only pool curves. */
    kind: z.literal('replay'),
    path: z.string().min(1),
  }),
]);

const BinKind = z.enum(['steps', 'oracle', 'predicted', 'level']);

const Strategy = z.strictObject({
  /** Name in tables and plots (default: the strategy and its params). */
  label: z.string().min(1).optional(),
  strategy: z.enum(strategyDescriptors().map((d) => d.name) as [string, ...string[]]),
  params: z.record(z.string(), z.unknown()).default({}),
  /** The option that takes the budget N (default: n; mcts: simulations; best-first: solutions; greedy: none). */
  budgetParam: z.string().min(1).nullable().optional(),
  /** Only these N (default: all of `budgets.values`). */
  budgets: z.array(int(1)).min(1).optional(),
});

const Prm = z.strictObject({
  label: z.string().min(1).optional(),
  /** A PRM registry spec: `verifier`, `tfjs`, `tfjs:models/arith-prm`, `pool` (replay: the file's own scores). */
  spec: z.string().min(1),
  noise: z.number().min(0).optional(),
  /** Run only the first `problems` problems with this PRM (slow PRMs). */
  problems: int(1).optional(),
  /** Only these budgets with this PRM. */
  budgets: z.array(int(1)).min(1).optional(),
  /** How this PRM's step scores combine into a solution's score (default: the config's `aggregation`). */
  aggregation: z.enum(Object.keys(aggregations) as [string, ...string[]]).optional(),
});

export const ConfigSchema = z.strictObject({
  name: z.string().min(1),
  task: Task,
  policy: z.strictObject({ kind: z.string().min(1), options: z.record(z.string(), z.unknown()).default({}) }).optional(),
  prms: z.array(Prm).min(1),
  strategies: z.array(Strategy).default([]),
  /** `n`: N = 1, 2, 4 …; `tokens`: a generated-token cap per search (strategies keep their params). */
  budgets: z.strictObject({ axis: z.enum(['n', 'tokens']).default('n'), values: z.array(int(1)).min(1) }),
  /** One pool of `n` samples per problem and seed gives best-of-n and vote curves for every n ≤ `n`. */
  pool: z.strictObject({ n: int(1), votes: z.array(z.enum(['majority', 'weighted'])).default(['majority', 'weighted']) }).optional(),
  seeds: z.array(int(0)).min(1).default([1]),
  aggregation: z.enum(Object.keys(aggregations) as [string, ...string[]]).default('last'),
  /** Difficulty bins for the compute-optimal frontier. */
  bins: z
    .union([BinKind, z.array(BinKind).min(1)])
    .default('oracle')
    .transform((b) => (Array.isArray(b) ? b : [b])),
  bootstrap: z.strictObject({ resamples: int(100).default(1000), seed: int(0).default(0) }).default({ resamples: 1000, seed: 0 }),
  /** Save the trees of the first `saveTrees` problems (first seed, largest budget) with links in the report. */
  saveTrees: int(0).default(0),
  /**
   * Write a viewer page (d3 inlined, 27–39 KB for the shipped trees) beside each saved tree and link it
   * from the report. The shipped experiments set false: their outputs are committed, the pages are not.
   */
  viewerPages: z.boolean().default(true),
  /** Searches run at once (their PRM calls batch together). */
  concurrency: int(1).default(4),
});

export type SweepConfig = z.infer<typeof ConfigSchema>;
export type StrategyEntry = SweepConfig['strategies'][number];
export type PrmEntry = SweepConfig['prms'][number];

/** `strategies[2].budgetParam` from a zod path. */
function fieldOf(path: readonly PropertyKey[]): string {
  return path.reduce<string>((s, p) => (typeof p === 'number' ? `${s}[${p}]` : s ? `${s}.${String(p)}` : String(p)), '') || '(root)';
}

/** Validates a parsed config; the first problem is an InvalidOptionError naming its field. */
export function parseConfig(raw: unknown, where = 'config'): SweepConfig {
  const r = ConfigSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const keys = issue.code === 'unrecognized_keys' ? `.${(issue as { keys: string[] }).keys[0]}` : '';
    throw new InvalidOptionError(fieldOf(issue.path) + keys, `${issue.message} (in ${where})`);
  }
  const c = r.data;
  c.strategies.forEach((s, i) => {
    const bp = budgetParamOf(s);
    if (c.budgets.axis === 'n' && bp !== null && Object.hasOwn(s.params, bp))
      throw new InvalidOptionError(`strategies[${i}].params.${bp}`, `is set by the budget N (budgetParam ${bp}); leave it out of params (in ${where})`);
  });
  c.strategies.forEach((s, i) => checkStrategy(s, i, Math.max(...c.budgets.values), c.budgets.axis, where));
  if (c.task.kind !== 'replay' && !c.policy) throw new InvalidOptionError('policy', `a ${c.task.kind} task needs a policy (in ${where})`);
  if (c.task.kind === 'replay' && c.strategies.length) throw new InvalidOptionError('strategies', `a replay has pools only, no search (in ${where})`);
  if (c.task.kind === 'replay' && !c.pool) throw new InvalidOptionError('pool', `a replay needs pool.n (in ${where})`);
  c.prms.forEach((p, i) => checkPrm(p, i, c.task.kind, where));
  return c;
}

export function loadConfig(file: string): SweepConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InvalidOptionError('--config', `cannot read ${file}: ${(e as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new FormatError(file, `not JSON: ${(e as Error).message}`);
  }
  return parseConfig(raw, file);
}

/** Which option takes N for a strategy, by default. */
export function budgetParamOf(s: StrategyEntry): string | null {
  if (s.budgetParam !== undefined) return s.budgetParam;
  const byStrategy: Record<string, string | null> = { greedy: null, mcts: 'simulations', 'best-first': 'solutions' };
  return Object.hasOwn(byStrategy, s.strategy) ? byStrategy[s.strategy]! : 'n';
}

/** Display name of a strategy entry: its label, or `beam beamWidth=4`. */
export function strategyLabel(s: StrategyEntry): string {
  if (s.label) return s.label;
  const p = Object.entries(s.params)
    .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : v}`)
    .join(' ');
  return p ? `${s.strategy} ${p}` : s.strategy;
}

/**
 * A replay has no ground truth at search time and no simulator: `verifier` and `oracle` would read the
 * grades, which is no PRM at all, and `none` scores nothing. `pool` (the file's own scores) is replay only.
 */
function checkPrm(p: PrmEntry, i: number, kind: SweepConfig['task']['kind'], where: string): void {
  const name = p.spec.split(':')[0]!;
  if (kind === 'replay' && ['verifier', 'oracle', 'none'].includes(name))
    throw new InvalidOptionError(
      `prms[${i}].spec`,
      `${name} cannot score a replay (it needs ground truth or a simulator); use pool or a learned PRM such as tfjs:DIR (in ${where})`,
    );
  if (kind !== 'replay' && name === 'pool')
    throw new InvalidOptionError(`prms[${i}].spec`, `pool is the replay file's own scores; a ${kind} task has none (in ${where})`);
}

export const prmLabel = (p: PrmEntry): string => p.label ?? (p.noise !== undefined ? `${p.spec} noise=${p.noise}` : p.spec);

/** The strategy's own validation, at the largest budget, before any work; the error names the entry. */
function checkStrategy(s: StrategyEntry, i: number, maxN: number, axis: 'n' | 'tokens', where: string): void {
  const bp = budgetParamOf(s);
  try {
    strategyByName(s.strategy, bp !== null && axis === 'n' ? { ...s.params, [bp]: s.budgets ? Math.max(...s.budgets) : maxN } : s.params);
  } catch (e) {
    if (!(e instanceof InvalidOptionError)) throw e;
    const opt = e.option.slice(e.option.indexOf('.') + 1);
    throw new InvalidOptionError(`strategies[${i}].${opt === bp ? 'budgets' : `params.${opt}`}`, `${e.message} (in ${where})`);
  }
}

import { getAggregation, type AggregationName } from '../core/aggregate.ts';
import { FormatError, InvalidOptionError } from '../core/errors.ts';
import type { PRM, ScoreRequest } from '../reward/types.ts';
import type { SweepItem } from './sources.ts';
import type { PoolRow } from './sweep.ts';
import type { JsonlStore } from './store.ts';

/**
 * Our own PRM over a replay's precomputed solutions: each solution is cut into steps at blank lines
 * (the paragraph steps of Qwen2.5-Math outputs, as ProcessBench and Qwen2.5-Math-PRM use), every step
 * is scored through the ordinary PRM interface with its prefix, and the step scores combine by the
 * aggregation into the sample's score. Answers and grades stay the file's; only the scores change.
 */
export function splitSteps(solution: string): string[] {
  const steps = solution
    .split(/\n\s*\n/)
    .map((s) => s.trim())
    .filter(Boolean);
  return steps.length ? steps : [solution.trim()];
}

/**
 * Scores one problem's N solutions depth by depth: the depth-d steps of all N go in one batch and
 * each names its depth-(d−1) node as parent, so a recurrent PRM extends its cached state (the
 * engine's contract: a key is scored once, a parent before its child).
 */
export async function scoreSolutions(prm: PRM, item: SweepItem, solutions: readonly string[], keyPrefix: string): Promise<number[][]> {
  const paths = solutions.map(splitSteps);
  const scores: number[][] = paths.map(() => []);
  const keys: string[] = [];
  const depth = Math.max(...paths.map((p) => p.length));
  for (let d = 0; d < depth; d++) {
    const reqs: ScoreRequest[] = [];
    const owners: number[] = [];
    paths.forEach((p, j) => {
      if (d >= p.length) return;
      const key = `${keyPrefix}/${j}/${d}`;
      reqs.push({ problem: item.problem, prefix: p.slice(0, d), step: p[d]!, key, ...(d ? { parentKey: `${keyPrefix}/${j}/${d - 1}` } : {}) });
      owners.push(j);
      keys.push(key);
    });
    const out = await prm.score(reqs);
    if (out.length !== reqs.length) throw new Error(`PRM ${prm.name} returned ${out.length} scores for ${reqs.length} steps`);
    out.forEach((s, i) => scores[owners[i]!]!.push(s));
  }
  prm.release?.(keys);
  return scores;
}

/** Step scores of one problem's pool by one PRM spec, as a results.jsonl row (the aggregation is applied on reading). */
export interface StepScoreRow {
  readonly key: string;
  readonly kind: 'steps';
  readonly spec: string;
  readonly problem: string;
  readonly seed: number;
  readonly scores: readonly (readonly number[])[];
}

/**
 * The file's pools re-scored by the PRM `spec`, one row per problem under `label`. Step scores are
 * stored per spec, so a rerun, or a second entry of the same PRM with another aggregation, reuses them
 * and never re-scores. PRM calls are the steps scored; there are still no token counts.
 */
export async function rescorePools(opts: {
  readonly items: readonly SweepItem[];
  readonly pools: readonly PoolRow[];
  readonly responses: ReadonlyMap<string, readonly string[]>;
  readonly prm: () => Promise<PRM>;
  readonly spec: string;
  readonly label: string;
  readonly aggregation: AggregationName;
  readonly store: JsonlStore<StepScoreRow>;
  readonly file: string;
  readonly log?: (line: string) => void;
  /** `--report-only`: a missing row is an error naming this config entry, never scored. */
  readonly readOnly?: string;
}): Promise<PoolRow[]> {
  const agg = getAggregation(opts.aggregation);
  const byId = new Map(opts.items.map((it) => [it.id, it]));
  let prm: PRM | undefined;
  let done = 0;
  const t0 = Date.now();
  const out: PoolRow[] = [];
  for (const base of opts.pools) {
    const key = `steps|${opts.spec}|${base.problem}|${base.seed}`;
    let row = opts.store.get(key);
    if (!row) {
      const sols = opts.responses.get(base.problem);
      if (opts.readOnly)
        throw new InvalidOptionError('--report-only', `${opts.readOnly} (${opts.spec}): problem ${base.problem} is not scored in results.jsonl yet`);
      if (!sols) throw new FormatError(opts.file, `problem ${base.problem} has no \`response\` list of ${base.samples.length} solutions to score`);
      prm ??= await opts.prm();
      const scores = await scoreSolutions(prm, byId.get(base.problem)!, sols, `${opts.spec}|${base.problem}`);
      row = { key, kind: 'steps', spec: opts.spec, problem: base.problem, seed: base.seed, scores };
      opts.store.add(row);
      if (++done % 10 === 0) opts.log?.(`  ${opts.spec}: ${done} problems scored (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
    }
    const steps = row.scores;
    out.push({
      ...base,
      key: `pool|${opts.label}|${base.problem}|${base.seed}`,
      prm: opts.label,
      samples: base.samples.map(([a, , c], j) => [a, agg.of(steps[j]!), c] as const),
      prmCalls: steps.reduce((a, s) => a + s.length, 0),
    });
  }
  return out;
}

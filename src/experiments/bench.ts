import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { readResults, runBench } from '../runner/index.ts';
import type { ResultRecord } from '../runner/index.ts';
import { loadTreeFile } from '../node/tree-file.ts';
import { budgetParamOf, prmLabel, strategyLabel, type PrmEntry, type StrategyEntry, type SweepConfig } from './config.ts';
import type { Source } from './sources.ts';
import { planJobs, slug, type PoolRow, type Row, type RunRow } from './sweep.ts';

type DatasetTask = Extract<SweepConfig['task'], { kind: 'dataset' }>;

/**
 * A dataset sweep through the runner: every (PRM, strategy, N) cell is one `runBench` run in
 * `OUT/bench/CELL/` with its own results.jsonl and manifest, so a crashed sweep resumes exactly like
 * a bench run. Pools are best-of-N bench runs with saved trees; their samples are read back from the trees.
 */
export async function runDatasetSweep(
  c: SweepConfig,
  task: DatasetTask,
  source: Source,
  outDir: string,
  log?: (l: string) => void,
): Promise<{ rows: Row[]; skipped: string[]; ran: number }> {
  const { jobs, skipped } = planJobs(c, source.items);
  const cells = new Map<string, { prm: PrmEntry; strategy: StrategyEntry | null; budget: number; save: boolean }>();
  for (const j of jobs) {
    const k = cellKey(j.prm, j.strategy, j.budget);
    const cell = cells.get(k) ?? { prm: j.prm, strategy: j.strategy, budget: j.budget, save: false };
    cell.save ||= j.saveTree || j.strategy === null;
    cells.set(k, cell);
  }
  const byId = new Map(source.items.map((it) => [it.id, it]));
  const rows = new Map<string, Row>();
  let ran = 0;
  for (const [k, cell] of cells) {
    const dir = join(outDir, 'bench', slug(k));
    const bp = cell.strategy ? budgetParamOf(cell.strategy) : 'n';
    const params = cell.strategy ? (c.budgets.axis === 'n' && bp ? { ...cell.strategy.params, [bp]: cell.budget } : cell.strategy.params) : { n: cell.budget };
    const limit = Math.min(task.limit ?? Infinity, cell.prm.problems ?? Infinity);
    const out = await runBench({
      dataset: task.dataset,
      data: task.path,
      ...(Number.isFinite(limit) && { limit }),
      ...(task.levels && { levels: task.levels }),
      policy: c.policy!.kind,
      policyOptions: c.policy!.options,
      prm: cell.prm.spec,
      ...(cell.prm.noise !== undefined && { prmNoise: cell.prm.noise }),
      strategy: cell.strategy?.strategy ?? 'best-of-n',
      strategyOptions: params,
      aggregation: c.aggregation as never,
      budget: c.budgets.axis === 'tokens' && cell.strategy ? { tokens: cell.budget } : {},
      seeds: c.seeds,
      out: dir,
      concurrency: c.concurrency,
      saveTrees: cell.save,
    });
    ran += out.ran;
    for await (const rec of readResults(join(dir, 'results.jsonl'))) {
      const item = byId.get(rec.id);
      if (!item) continue;
      const row = cell.strategy
        ? runRow(cell.prm, cell.strategy, cell.budget, rec, k)
        : await poolRow(cell.prm, rec, dir, cell.budget, (a) => source.grade(item, a));
      if (row) rows.set(row.key, row);
    }
    log?.(`  ${k}: ${out.ran} new of ${out.start.total}`);
  }
  // keep (and copy next to the report) only the trees the config asked to save; the rest stay in bench/
  mkdirSync(join(outDir, 'trees'), { recursive: true });
  const out: Row[] = [];
  for (const j of jobs) {
    const r = rows.get(j.key);
    if (!r) continue;
    if (r.kind === 'run' && r.tree) {
      const { tree: src, ...rest } = r;
      if (!j.saveTree) out.push(rest);
      else {
        const dest = `trees/${slug(`${j.key.slice(4)}`)}.json`;
        copyFileSync(join(outDir, src), join(outDir, dest));
        out.push({ ...rest, tree: dest });
      }
    } else out.push(r);
  }
  return { rows: out, skipped, ran };
}

const cellKey = (prm: PrmEntry, s: StrategyEntry | null, b: number) => (s ? `run|${prmLabel(prm)}|${strategyLabel(s)}|${b}` : `pool|${prmLabel(prm)}`);

function runRow(prm: PrmEntry, s: StrategyEntry, budget: number, r: ResultRecord, cell: string): RunRow {
  return {
    key: `${cell}|${r.id}|${r.seed}`,
    kind: 'run',
    prm: prmLabel(prm),
    strategy: strategyLabel(s),
    budget,
    problem: r.id,
    seed: r.seed,
    // an infrastructure error is counted (failures, stoppedBy) and scored as not solved, never graded
    correct: r.status === 'ok' && r.correct,
    answer: r.prediction,
    nodes: r.stats.nodes,
    failures: r.stats.failures + (r.status === 'error' ? 1 : 0),
    stoppedBy: r.status === 'error' ? 'error' : r.stats.stoppedBy,
    tokens: r.stats.tokens,
    policyCalls: r.stats.policyCalls,
    prmCalls: r.stats.prmSteps,
    ...(r.tree && { tree: join('bench', slug(cell), r.tree) }),
  };
}

async function poolRow(prm: PrmEntry, r: ResultRecord, dir: string, n: number, grade: (a: string | null) => Promise<boolean>): Promise<PoolRow | null> {
  if (!r.tree) return null;
  const { tree } = loadTreeFile(join(dir, r.tree));
  const samples: [string | null, number, boolean][] = [];
  const graded = new Map<string | null, boolean>();
  for (const t of tree.terminals()) {
    if (!graded.has(t.answer)) graded.set(t.answer, await grade(t.answer));
    for (let i = 0; i < t.count && samples.length < n; i++) samples.push([t.answer, t.value ?? 0, graded.get(t.answer)!]);
  }
  while (samples.length < n) samples.push([null, 0, false]);
  return {
    key: `pool|${prmLabel(prm)}|${r.id}|${r.seed}`,
    kind: 'pool',
    prm: prmLabel(prm),
    problem: r.id,
    seed: r.seed,
    samples,
    tokens: r.stats.tokens,
    policyCalls: r.stats.policyCalls,
    prmCalls: r.stats.prmSteps,
  };
}

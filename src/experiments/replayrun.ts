import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AggregationName } from '../core/aggregate.ts';
import { loadPRM } from '../reward/registry.ts';
import { prmLabel, type SweepConfig } from './config.ts';
import { loadReplay, sigmoidScores } from './replay.ts';
import { rescorePools, type StepScoreRow } from './replayscore.ts';
import type { SweepItem } from './sources.ts';
import { JsonlStore } from './store.ts';
import type { PoolRow } from './sweep.ts';

/**
 * A replay's pools, one set per configured PRM: `pool` is the file's own reward model (σ of its logit);
 * any other spec is loaded from the PRM registry and scores every step of every solution (cached in
 * OUT/results.jsonl, so `--report-only` and reruns score nothing again).
 */
export async function replayPools(
  c: SweepConfig,
  out: string,
  opts: { reportOnly?: boolean; log?: (l: string) => void } = {},
): Promise<{ items: SweepItem[]; rows: PoolRow[]; notes: string[]; ran: number }> {
  const task = c.task as Extract<SweepConfig['task'], { kind: 'replay' }>;
  const base = loadReplay(task.path, 'pool');
  mkdirSync(out, { recursive: true });
  const store = new JsonlStore<StepScoreRow>(join(out, 'results.jsonl'));
  const before = store.size;
  const rows: PoolRow[] = [];
  const notes = [
    `Replay of ${task.path}: ${base.items.length} problems × ${base.rows[0]!.samples.length} samples. No search is run, so the cost axis is samples.`,
  ];
  for (const [i, p] of c.prms.entries()) {
    const label = prmLabel(p);
    if (p.spec === 'pool') {
      // the file's RM logits rank best-of-n as they are; σ(logit) only matters for the weighted vote
      rows.push(...sigmoidScores(base.rows).map((r) => ({ ...r, key: r.key.replace('|pool|', `|${label}|`), prm: label })));
      notes.push(`${label}: the file's own reward-model scores (σ of its logit).`);
      continue;
    }
    const aggregation = (p.aggregation ?? c.aggregation) as AggregationName;
    const seed = c.seeds[0]!;
    rows.push(
      ...(await rescorePools({
        items: base.items,
        pools: base.rows,
        responses: base.responses,
        prm: () => loadPRM(p.spec, { seed, noise: p.noise }),
        spec: p.spec,
        label,
        aggregation,
        store,
        file: task.path,
        log: opts.log,
        readOnly: opts.reportOnly ? `prms[${i}]` : undefined,
      })),
    );
    notes.push(`${label}: ${p.spec} scores every step (solutions cut at blank lines), combined by ${aggregation}; answers and grades are the file's.`);
  }
  return { items: base.items, rows, notes, ran: store.size - before };
}

import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidOptionError } from '../core/errors.ts';
import { analyze } from '../experiments/analyze.ts';
import { loadConfig, prmLabel } from '../experiments/config.ts';
import { writeOutputs } from '../experiments/outputs.ts';
import { replayPools } from '../experiments/replayrun.ts';
import { runDatasetSweep } from '../experiments/bench.ts';
import { loadSource } from '../experiments/sources.ts';
import { storedSweep, writeSnapshot, SNAPSHOT } from '../experiments/snapshot.ts';
import { registryDeps, runSweep, type Row } from '../experiments/sweep.ts';
import { parseFlags } from './args.ts';

export const SCALE_HELP = `steptree scale --config experiments/NAME.json --out runs/NAME [--report-only]
  Runs the sweep a config describes (task, policy, PRMs, strategies, budgets, seeds), resuming from
  OUT/results.jsonl (finished searches are never redone), then writes OUT/summary.json, curves.csv,
  accuracy-vs-n / accuracy-vs-tokens / frontier as .svg and .png, report.html, and rows.jsonl.gz (every
  analysed row: small enough to commit).
  --report-only   rebuild the outputs from rows.jsonl.gz (else results.jsonl) without running anything`;

export async function scale(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, { config: { type: 'string' }, out: { type: 'string' }, 'report-only': { type: 'boolean' }, help: { type: 'boolean' } });
  if (values.help) return (console.log(SCALE_HELP), 0);
  if (!values.config) throw new InvalidOptionError('--config', 'required: a sweep config (see experiments/*.json)');
  if (!values.out) throw new InvalidOptionError('--out', 'required: the output folder (runs/NAME)');
  const c = loadConfig(values.config);
  const out = values.out;
  mkdirSync(out, { recursive: true });
  let rows: Row[];
  let items;
  let skipped: string[] = [];
  const notes: string[] = [];
  let snapshot: string | undefined;
  if (c.task.kind === 'replay') {
    const r = await replayPools(c, out, { reportOnly: values['report-only'], log: (l) => process.stderr.write(l + '\n') });
    items = r.items;
    rows = r.rows;
    notes.push(...r.notes);
  } else {
    const source = await loadSource(c.task);
    items = source.items;
    // dataset tasks go through the runner (one resumable bench run per cell); arith through the engine
    // dataset tasks go through the runner (one resumable bench run per cell); arith through the engine
    const done = values['report-only']
      ? storedSweep(c, items, out)
      : c.task.kind === 'dataset'
        ? await runDatasetSweep(c, c.task, source, out, (l) => process.stderr.write(l + '\n'))
        : await runSweep(c, source, out, registryDeps(c, source));
    if (!values['report-only']) snapshot = writeSnapshot(out, done.rows);
    rows = done.rows;
    skipped = done.skipped;
    notes.push(
      `${items.length} problems, seeds ${c.seeds.join(', ')}, policy ${c.policy?.kind} ${JSON.stringify(c.policy?.options ?? {})}, aggregation ${c.aggregation}.`,
    );
    if (c.pool)
      notes.push(
        `Best-of-n and votes for every n ≤ ${c.pool.n} come from one pool of ${c.pool.n} samples per problem and seed (exact estimators; votes above 5,000 subsets use 2,000 seeded ones). Pool costs are pro rata: n/N of the pool's.`,
      );
  }
  const a = analyze(c, items, rows);
  const written = await writeOutputs(out, { name: c.name, config: c, rows, ...a, skipped, notes, viewerPages: c.viewerPages });
  if (snapshot || existsSync(join(out, SNAPSHOT))) written.push(SNAPSHOT);
  writeFileSync(join(out, 'manifest.json'), JSON.stringify({ name: c.name, config: values.config, rows: rows.length, outputs: written }, null, 1) + '\n');
  console.log(`scale: ${rows.length} rows → ${out}/{${written.join(',')}}`);
  if (!existsSync(join(out, 'report.html'))) return 1;
  return 0;
}

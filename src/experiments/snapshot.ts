import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { FormatError, InvalidOptionError } from '../core/errors.ts';
import type { SweepConfig } from './config.ts';
import type { SweepItem } from './sources.ts';
import { JsonlStore } from './store.ts';
import { planJobs, type Row } from './sweep.ts';

/**
 * `OUT/rows.jsonl.gz`: every row a finished sweep analysed, in plan order, written whole at its end.
 * The resumable stores (results.jsonl, bench/) are large and stay local; this digest is small enough
 * to commit, so `--report-only` can rebuild a committed report without them and without running anything.
 */
export const SNAPSHOT = 'rows.jsonl.gz';

export function writeSnapshot(outDir: string, rows: readonly Row[]): string {
  const file = join(outDir, SNAPSHOT);
  // level 9 and no timestamp in the header (zlib's default): the same rows give the same bytes
  writeFileSync(file, gzipSync(rows.map((r) => JSON.stringify(r) + '\n').join(''), { level: 9 }));
  return file;
}

/** The snapshot's rows by key, or null when there is none; a bad line is a FormatError naming file and line. */
export function readSnapshot(outDir: string): Map<string, Row> | null {
  const file = join(outDir, SNAPSHOT);
  if (!existsSync(file)) return null;
  let text: string;
  try {
    text = gunzipSync(readFileSync(file)).toString('utf8');
  } catch (e) {
    throw new FormatError(file, `not gzip: ${(e as Error).message}`);
  }
  const rows = new Map<string, Row>();
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let row: Row;
    try {
      row = JSON.parse(line) as Row;
    } catch (e) {
      throw new FormatError(`${file}:${i + 1}`, `not JSON: ${(e as Error).message}`);
    }
    if (typeof row?.key !== 'string' || (row.kind !== 'run' && row.kind !== 'pool'))
      throw new FormatError(`${file}:${i + 1}`, 'expected a row with a string `key` and kind run or pool');
    rows.set(row.key, row);
  });
  return rows;
}

/** The planned jobs' rows from a snapshot, in plan order; a job it lacks is an error (report-only never runs one). */
export function rowsFromSnapshot(snapshot: Map<string, Row>, keys: readonly string[], where: string): Row[] {
  const missing = keys.filter((k) => !snapshot.has(k));
  if (missing.length)
    throw new InvalidOptionError(
      '--report-only',
      `${missing.length} of ${keys.length} planned jobs are not in ${where} (first: ${missing[0]}); run without --report-only`,
    );
  return keys.map((k) => snapshot.get(k)!);
}

/**
 * `--report-only`: the sweep's rows from the snapshot, else from a search sweep's own results.jsonl;
 * nothing runs. A dataset sweep without a snapshot is an error (its bench/ runs would have to be redone).
 */
export function storedSweep(c: SweepConfig, items: readonly SweepItem[], outDir: string): { rows: Row[]; skipped: string[]; ran: 0 } {
  const { jobs, skipped } = planJobs(c, items);
  const keys = jobs.map((j) => j.key);
  const snap = readSnapshot(outDir);
  if (snap) return { rows: rowsFromSnapshot(snap, keys, join(outDir, SNAPSHOT)), skipped, ran: 0 };
  const live = join(outDir, 'results.jsonl');
  if (c.task.kind === 'dataset' || !existsSync(live))
    throw new InvalidOptionError(
      '--report-only',
      `no ${SNAPSHOT}${c.task.kind === 'dataset' ? '' : ' or results.jsonl'} in ${outDir}; run without --report-only`,
    );
  const store = new JsonlStore<Row>(live);
  const have = new Map(keys.filter((k) => store.has(k)).map((k) => [k, store.get(k)!] as const));
  return { rows: rowsFromSnapshot(have, keys, live), skipped, ran: 0 };
}

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ResultRecord } from '../../src/runner/record.ts';
import type { BenchSummary } from '../../src/runner/summary.ts';

export const tmp = (name: string) => mkdtempSync(join(tmpdir(), `steptree-${name}-`));

export const records = (dir: string): ResultRecord[] =>
  readFileSync(join(dir, 'results.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as ResultRecord);

/** A summary without its wall-time fields, which differ between any two runs. */
export function withoutWall(s: BenchSummary | Record<string, unknown>): Record<string, unknown> {
  const { wallMs: _w, ...rest } = s as Record<string, unknown>;
  return rest;
}

export const fails = async (p: Promise<unknown>): Promise<Error> => {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a failure');
};

import { basename } from 'node:path';
import { FormatError } from '../core/errors.ts';
import { asObject, readJsonl } from '../training/data/jsonl.ts';
import { applyFilters } from './filters.ts';
import type { BenchItem, DatasetFilters } from './types.ts';

/** One JSONL row → one item; `index` is the 0-based row number (blank lines not counted). Throws FormatError naming `where`. */
export type RowParser = (row: Record<string, unknown>, ctx: { file: string; stem: string; line: number; index: number; where: string }) => BenchItem;

/** Streams a JSONL dataset row by row through a parser and the filters (never the whole file in memory). */
export async function* loadJsonlItems(file: string, parse: RowParser, filters?: DatasetFilters): AsyncGenerator<BenchItem> {
  const stem = basename(file).replace(/\.jsonl$/, '');
  async function* all(): AsyncGenerator<BenchItem> {
    let index = 0;
    for await (const row of readJsonl(file)) {
      const where = row.where;
      yield parse(asObject(row.value, where), { file, stem, line: row.line, index: index++, where });
    }
  }
  yield* applyFilters(all(), filters);
}

/** A level as MATH writes it (`"Level 3"`) or MATH-500 does (`3`). */
export function parseLevel(v: unknown, where: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 1) return v;
  if (typeof v === 'string') {
    const m = /^\s*(?:Level\s*)?(\d+)\s*$/i.exec(v);
    if (m) return Number(m[1]);
    // MATH's test split has a few "Level ?" rows in some copies: keep the item, without a level
    if (/^\s*Level\s*\?\s*$/i.test(v)) return undefined;
  }
  throw new FormatError(where, `field \`level\`: expected an integer ≥ 1 or "Level N", got ${JSON.stringify(v)}`);
}

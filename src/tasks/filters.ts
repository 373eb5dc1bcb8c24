import { InvalidOptionError } from '../core/errors.ts';
import type { BenchItem, DatasetFilters } from './types.ts';

/** `Counting & Probability`, `counting_and_probability` and `counting-and-probability` name one subject. */
export const subjectKey = (s: string): string =>
  s
    .trim()
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');

/** Checks filters before any file is read; errors name the flag. */
export function validateFilters(f: DatasetFilters = {}): DatasetFilters {
  if (f.limit !== undefined && !(Number.isInteger(f.limit) && f.limit >= 0))
    throw new InvalidOptionError('--limit', `expected an integer ≥ 0, got ${JSON.stringify(f.limit)}`);
  for (const l of f.levels ?? [])
    if (!Number.isInteger(l) || l < 1) throw new InvalidOptionError('--levels', `expected integers ≥ 1, got ${JSON.stringify(l)}`);
  const s = f.shard;
  if (s && !(Number.isInteger(s.count) && s.count >= 1 && Number.isInteger(s.index) && s.index >= 0 && s.index < s.count))
    throw new InvalidOptionError('--shard', `expected i/n with 0 ≤ i < n, got ${s.index}/${s.count}`);
  return f;
}

/** Parses `--shard i/n` (0-based i). */
export function parseShard(v: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(v.trim());
  if (!m) throw new InvalidOptionError('--shard', `expected i/n such as 0/4, got ${JSON.stringify(v)}`);
  const shard = { index: Number(m[1]), count: Number(m[2]) };
  validateFilters({ shard });
  return shard;
}

/**
 * Applies the filters to a stream, in file order: levels, subjects and ids first, then the shard
 * (every n-th of what is left, so shards partition the filtered set), then the limit.
 */
export async function* applyFilters(items: AsyncIterable<BenchItem>, filters: DatasetFilters = {}): AsyncGenerator<BenchItem> {
  const f = validateFilters(filters);
  const levels = f.levels && new Set(f.levels);
  const subjects = f.subjects && new Set(f.subjects.map(subjectKey));
  const ids = f.ids && new Set(f.ids);
  let kept = 0;
  let yielded = 0;
  if (f.limit === 0) return;
  for await (const it of items) {
    if (levels && (it.level === undefined || !levels.has(it.level))) continue;
    if (subjects && (it.subject === undefined || !subjects.has(subjectKey(it.subject)))) continue;
    if (ids && !ids.has(it.id)) continue;
    const i = kept++;
    if (f.shard && i % f.shard.count !== f.shard.index) continue;
    yield it;
    if (f.limit !== undefined && ++yielded >= f.limit) return;
  }
}

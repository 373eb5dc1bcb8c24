import { readFileSync } from 'node:fs';
import { FormatError, InvalidOptionError } from '../core/errors.ts';

/**
 * Keeping a downstream test set (the replay's 100 problems) out of a PRM's training and calibration
 * rows. Problems match loosely, whitespace runs and case ignored: the same problem is often re-wrapped
 * between datasets (exact `trim()` matching found 3 of the 4 replay problems in the training pool).
 */
export const looseProblem = (s: string): string => s.replace(/\s+/g, ' ').trim().toLowerCase();

/** Problem texts (`question` or `problem` per JSONL row) of every file, loosely normalised. */
export function readExcludedProblems(files: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const f of files) {
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch (e) {
      throw new InvalidOptionError('--exclude-problems', `cannot read ${f}: ${(e as Error).message}`);
    }
    text.split('\n').forEach((l, i) => {
      if (!l.trim()) return;
      let r: { question?: unknown; problem?: unknown };
      try {
        r = JSON.parse(l);
      } catch (e) {
        throw new FormatError(`${f}:${i + 1}`, `not JSON: ${(e as Error).message}`);
      }
      const q = r?.question ?? r?.problem;
      if (typeof q !== 'string') throw new FormatError(`${f}:${i + 1}`, 'expected a `question` or `problem` string');
      out.add(looseProblem(q));
    });
  }
  return out;
}

/** Rows whose problem is not excluded; `dropped` counts the others, `hit` the excluded problems they were on. */
export function dropExcluded<T extends { readonly problem: string }>(
  rows: readonly T[],
  excluded: ReadonlySet<string>,
): { kept: T[]; dropped: number; hit: Set<string> } {
  const kept: T[] = [];
  const hit = new Set<string>();
  for (const r of rows) {
    const p = looseProblem(r.problem);
    if (excluded.has(p)) hit.add(p);
    else kept.push(r);
  }
  return { kept, dropped: rows.length - kept.length, hit };
}

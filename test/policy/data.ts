import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { BenchItem } from '../../src/tasks/types.ts';

/** ../shared/data relative to the repo root; tests that need it skip with a message when it is absent. */
export const DATA = resolve(import.meta.dirname, '../../../shared/data');
export const hasData = (rel: string): boolean => {
  const ok = existsSync(resolve(DATA, rel));
  if (!ok) console.log(`  (skipped: ${resolve(DATA, rel)} is absent)`);
  return ok;
};

const rows = (rel: string): any[] =>
  readFileSync(resolve(DATA, rel), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

/** Items built straight from the files (the real loaders live in src/tasks; these tests need only the fields). */
export function gsm8kItems(rel = 'gsm8k/test.jsonl'): BenchItem[] {
  return rows(rel).map((r, i) => ({
    id: `gsm8k-${i}`,
    problem: { id: `gsm8k-${i}`, text: r.question },
    reference: r.answer.split('####').pop().trim(),
    solution: r.answer,
    source: { file: rel, line: i + 1 },
  }));
}
export function math500Items(rel = 'math/math500_test.jsonl'): BenchItem[] {
  return rows(rel).map((r, i) => ({
    id: r.unique_id,
    problem: { id: r.unique_id, text: r.problem },
    reference: r.answer,
    solution: r.solution,
    source: { file: rel, line: i + 1 },
  }));
}
export const lookup = (items: readonly BenchItem[]) => {
  const m = new Map(items.map((it) => [it.id, it]));
  return (id: string) => m.get(id);
};

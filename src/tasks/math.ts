import { FormatError } from '../core/errors.ts';
import { optStr, str } from '../training/data/jsonl.ts';
import { loadJsonlItems, parseLevel } from './jsonl-items.ts';
import { lastBoxed } from '../grade/extract.ts';
import type { BenchItem, DatasetFilters, DatasetKind } from './types.ts';

/**
 * MATH (Hendrycks): `{problem, solution, level: "Level 3", type}`; the reference is the solution's
 * last \boxed{}. Ids are `math/<idx>` when the row has `idx`, else `math/<file stem>/<row>`.
 */
export function loadMath(file: string, filters?: DatasetFilters): AsyncGenerator<BenchItem> {
  return loadJsonlItems(
    file,
    (row, { stem, line, index, where }) => {
      const text = str(row, 'problem', where);
      const solution = str(row, 'solution', where);
      const reference = lastBoxed(solution);
      if (reference === null) throw new FormatError(where, 'field `solution`: no \\boxed{} answer in it');
      const idx = row.idx;
      const id = typeof idx === 'number' && Number.isInteger(idx) ? `math/${idx}` : `math/${stem}/${index}`;
      const subject = optStr(row, 'type', where);
      const level = parseLevel(row.level, where);
      return {
        id,
        problem: { id, text },
        reference,
        solution,
        ...(level !== undefined && { level }),
        ...(subject !== undefined && { subject }),
        source: { file, line },
      };
    },
    filters,
  );
}

/** MATH-500 (PRM800K split): `{problem, solution, answer, subject, level: 3, unique_id}`; ids are the unique_id. */
export function loadMath500(file: string, filters?: DatasetFilters): AsyncGenerator<BenchItem> {
  return loadJsonlItems(
    file,
    (row, { line, where }) => {
      const id = str(row, 'unique_id', where);
      const text = str(row, 'problem', where);
      const reference = str(row, 'answer', where);
      const solution = optStr(row, 'solution', where);
      const subject = optStr(row, 'subject', where);
      const level = parseLevel(row.level, where);
      return {
        id,
        problem: { id, text },
        reference,
        ...(solution !== undefined && { solution }),
        ...(level !== undefined && { level }),
        ...(subject !== undefined && { subject }),
        source: { file, line },
      };
    },
    filters,
  );
}

export const math: DatasetKind = {
  summary: 'MATH JSONL ({problem, solution, level "Level N", type}; answer = last \\boxed{}), e.g. ../shared/data/math/math_test_full.jsonl',
  grader: 'math',
  load: loadMath,
};

export const math500: DatasetKind = {
  summary: 'MATH-500 JSONL ({problem, answer, subject, level, unique_id}), e.g. ../shared/data/math/math500_test.jsonl',
  grader: 'math',
  load: loadMath500,
};

import { InvalidOptionError } from '../core/errors.ts';
import { arithProblem } from './arith.ts';
import { applyFilters } from './filters.ts';
import type { BenchItem, DatasetFilters, DatasetKind } from './types.ts';

/**
 * The offline arith task as a dataset: `--data COUNT` or `--data COUNT:LENGTH` generates problems
 * seeded 1..COUNT (nothing is read). The search sees the problem without its answer.
 */
export async function* loadArith(spec: string, filters?: DatasetFilters): AsyncGenerator<BenchItem> {
  const m = /^(\d+)(?::(\d+))?$/.exec(spec.trim());
  if (!m) throw new InvalidOptionError('--data', `arith takes COUNT or COUNT:LENGTH (e.g. 100:10), got ${JSON.stringify(spec)}`);
  const count = Number(m[1]);
  const length = m[2] === undefined ? 10 : Number(m[2]);
  async function* all(): AsyncGenerator<BenchItem> {
    for (let i = 1; i <= count; i++) {
      const { answer, ...problem } = arithProblem(i, { length });
      yield { id: problem.id, problem, reference: answer!, source: { file: `arith:${spec}`, line: i } };
    }
  }
  yield* applyFilters(all(), filters);
}

export const arith: DatasetKind = {
  summary: 'offline arith problems generated from seeds 1..COUNT (--data COUNT[:LENGTH])',
  grader: 'arith',
  load: loadArith,
};

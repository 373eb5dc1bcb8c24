import type { Problem } from '../core/problem.ts';
import { InvalidOptionError } from '../core/errors.ts';
import { arithProblem, gradeArith } from '../tasks/arith.ts';
import type { SweepConfig } from './config.ts';

/** One problem of a sweep, with what the bins need. The search sees `problem` only. */
export interface SweepItem {
  readonly id: string;
  readonly problem: Problem;
  readonly reference: string;
  /** Reference steps (arith: L; GSM8K: solution lines). */
  readonly steps?: number;
  readonly level?: number;
}

export interface Source {
  readonly items: readonly SweepItem[];
  grade(item: SweepItem, answer: string | null): Promise<boolean>;
}

/** The problems of a sweep's task (replay tasks have their own loader, replay.ts). */
export async function loadSource(task: SweepConfig['task']): Promise<Source> {
  if (task.kind === 'arith') {
    const items = task.lengths.flatMap((length) =>
      Array.from({ length: task.problems }, (_, i) => {
        const p = arithProblem(task.offset + i, { length });
        return { id: p.id, problem: { ...p, answer: undefined }, reference: p.answer!, steps: length };
      }),
    );
    return { items, grade: async (it, a) => gradeArith({ ...it.problem, answer: it.reference }, a) };
  }
  if (task.kind === 'dataset') return datasetSource(task);
  throw new InvalidOptionError('task.kind', `${task.kind} has no problems to search`);
}

async function datasetSource(task: Extract<SweepConfig['task'], { kind: 'dataset' }>): Promise<Source> {
  // the dataset and grader registries come from the runner and grading roles
  const { datasetKind } = (await import('../tasks/registry.ts' as string)) as { datasetKind: (n: string) => { grader: string; load(path: string, f?: object): AsyncIterable<{ id: string; problem: Problem; reference: string; solution?: string; level?: number }> } };
  const kind = datasetKind(task.dataset);
  const items: SweepItem[] = [];
  for await (const it of kind.load(task.path, { limit: task.limit, levels: task.levels }))
    items.push({ id: it.id, problem: it.problem, reference: it.reference, level: it.level, steps: it.solution ? it.solution.split('\n').filter((l) => l.trim()).length : undefined });
  const grading = (await import('../grade/index.ts' as string)) as { grade: (grader: string, pred: string | null, ref: string) => Promise<{ correct: boolean }> | { correct: boolean } };
  return { items, grade: async (it, a) => (await grading.grade(kind.grader, a, it.reference)).correct };
}

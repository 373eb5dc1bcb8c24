import type { Problem } from '../core/problem.ts';
import { InvalidOptionError } from '../core/errors.ts';
import { gradeAnswer } from '../grade/index.ts';
import { arithProblem, gradeArith } from '../tasks/arith.ts';
import { datasetKind } from '../tasks/registry.ts';
import type { BenchItem } from '../tasks/types.ts';
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
  /** The dataset item behind a problem id, for offline policies that need the reference (simulated). */
  bench?(problemId: string): BenchItem | undefined;
}

/** The problems of a sweep's task (replay tasks have their own loader, replay.ts). */
export async function loadSource(task: SweepConfig['task']): Promise<Source> {
  if (task.kind === 'arith') {
    // problem-major order, so a PRM limited to the first k problems still sees every length
    const items = Array.from({ length: task.problems }, (_, i) =>
      task.lengths.map((length) => {
        const p = arithProblem(task.offset + i, { length });
        return { id: p.id, problem: { ...p, answer: undefined }, reference: p.answer!, steps: length };
      }),
    ).flat();
    return { items, grade: async (it, a) => gradeArith({ ...it.problem, answer: it.reference }, a) };
  }
  if (task.kind === 'dataset') return datasetSource(task);
  throw new InvalidOptionError('task.kind', `${task.kind} has no problems to search`);
}

async function datasetSource(task: Extract<SweepConfig['task'], { kind: 'dataset' }>): Promise<Source> {
  const kind = datasetKind(task.dataset);
  const items: SweepItem[] = [];
  const bench = new Map<string, BenchItem>();
  for await (const it of kind.load(task.path, { limit: task.limit, levels: task.levels })) {
    bench.set(it.problem.id, it);
    items.push({
      id: it.id,
      problem: it.problem,
      reference: it.reference,
      level: it.level,
      steps: it.solution ? it.solution.split('\n').filter((l) => l.trim() && !l.startsWith('####')).length : undefined,
    });
  }
  return {
    items,
    bench: (id) => bench.get(id),
    // a search without a final answer is wrong, never graded on an empty string
    grade: async (it, a) => a !== null && (await gradeAnswer(kind.grader, a, it.reference)).correct,
  };
}

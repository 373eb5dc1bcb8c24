import type { GradeResult } from '../grade/types.ts';
import type { GraderName } from '../tasks/types.ts';
import type { Trajectory } from '../search/result.ts';

export type GradeFn = (grader: GraderName, prediction: string, reference: string, opts: { timeoutMs?: number }) => Promise<GradeResult>;

interface GradeModule {
  gradeAnswer: GradeFn;
  closeGraders(): Promise<void>;
}

// the grade module is written concurrently on its own branch; loaded lazily so bench starts fast
let mod: Promise<GradeModule> | null = null;
const gradeModule = (): Promise<GradeModule> => (mod ??= import(['..', 'grade', 'index.ts'].join('/')) as Promise<GradeModule>);

/**
 * Grades the best trajectory: its full text (the grader extracts the answer as it would from a model's
 * output); when nothing can be extracted from the text, the answer the policy marked.
 */
export async function gradeTrajectory(grader: GraderName, best: Trajectory | null, reference: string, timeoutMs?: number): Promise<GradeResult> {
  if (!best) return { correct: false, rule: 'no-answer', status: 'ok', extracted: null };
  const { gradeAnswer } = await gradeModule();
  const opts = timeoutMs === undefined ? {} : { timeoutMs };
  const r = await gradeAnswer(grader, best.steps.join('\n'), reference, opts);
  if (r.extracted === null && best.answer !== null) return gradeAnswer(grader, best.answer, reference, opts);
  return r;
}

/** Stops the grader's worker pool (if one was started). */
export async function closeGrading(): Promise<void> {
  if (mod) await (await mod).closeGraders();
}

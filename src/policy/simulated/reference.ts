import { InvalidOptionError } from '../../core/errors.ts';
import type { BenchItem } from '../../tasks/types.ts';
import { lastBoxed, splitLines, splitProse } from '../steps.ts';
import { stripAnnotations } from './numbers.ts';

/** How GSM8K calculator annotations `<<48/2=24>>` appear in proposed steps: removed (default) or kept as in the data. */
export type AnnotationMode = 'strip' | 'keep';

/**
 * A reference solution split into steps. `steps` keep GSM8K annotations (the simulator re-evaluates them to
 * carry an error through); `display` gives a step as proposed.
 */
export interface Reference {
  readonly kind: 'gsm8k' | 'prose';
  readonly steps: readonly string[];
  readonly answer: string;
}

const GSM8K_FINAL = /^\s*####\s*(.+?)\s*$/m;

export function parseReference(item: BenchItem): Reference {
  const sol = item.solution;
  if (typeof sol !== 'string' || !sol.trim())
    throw new InvalidOptionError(
      'policy.items',
      `problem ${item.id} has no reference solution (${item.source.file}:${item.source.line}); the simulated policy needs one`,
    );
  // GSM8K: a `#### N` line, or line-per-step prose with calculator annotations and no \boxed{}
  if (GSM8K_FINAL.test(sol) || (/<<[^<>]*=[^<>]*>>/.test(sol) && !/\\boxed\{/.test(sol))) {
    const { steps, answer } = splitLines(sol);
    if (!steps.length) throw new InvalidOptionError('policy.items', `problem ${item.id}: the reference solution has no step before ####`);
    return { kind: 'gsm8k', steps, answer: answer ?? item.reference };
  }
  const steps = splitProse(sol);
  if (!steps.length) throw new InvalidOptionError('policy.items', `problem ${item.id}: the reference solution is empty`);
  return { kind: 'prose', steps, answer: lastBoxed(steps[steps.length - 1]!) ?? item.reference };
}

/** Step `i` as proposed; a GSM8K last step carries the `#### answer` line. */
export function display(ref: Reference, i: number, text: string, answer: string, mode: AnnotationMode): string {
  if (ref.kind === 'prose') return text;
  const t = mode === 'strip' ? stripAnnotations(text) : text;
  return i === ref.steps.length - 1 ? `${t}\n#### ${answer}` : t;
}

import { basename } from 'node:path';
import { FormatError } from '../../core/errors.ts';
import { asObject, int, kind, optStr, str, strList, type Row } from './jsonl.ts';

/** A training/eval example: a solution split into steps, with a label in [0, 1] per step (null = unlabelled). */
export interface Example {
  readonly id: string;
  readonly problem: string;
  readonly steps: string[];
  readonly labels: (number | null)[];
  /** Where the example came from (e.g. `processbench/gsm8k`), for grouping results. */
  readonly source?: string;
}

export type DataFormat = 'processbench' | 'prmbench' | 'prm800k-critic' | 'steptree';
export const dataFormats: readonly DataFormat[] = ['processbench', 'prmbench', 'prm800k-critic', 'steptree'];

export interface LoadOptions {
  /** prmbench: also yield the error-free `original_process` of `redundency` rows (as the official evaluator does). */
  readonly prmbenchOriginals?: boolean;
  /** prm800k-critic: label for a 0 ("neutral") rating. Default 1: PRM800K's usual "neutral is not wrong". */
  readonly neutral?: 0 | 0.5 | 1;
}

/** Counts of things skipped or repaired while loading; nothing is dropped silently. */
export interface LoadWarnings {
  /** prmbench: `error_steps` entries past the end of `modified_process` (annotation noise, ignored). */
  errorStepsPastEnd: number;
  /** prmbench: rows holding at least one such entry. */
  rowsWithPastEndErrors: number;
  /** prmbench: rows whose every `error_steps` entry was past the end, so they load as all-correct. */
  rowsWithOnlyPastEndErrors: number;
  /** prm800k-critic: rows with `rating: null` (human-written or unrated steps), skipped. */
  unratedRows: number;
  /** Rows whose id was already used (e.g. PRMBench multi_solutions repeats an idx); renamed `<id>#2`, `#3`, …. */
  duplicateIds: number;
}

export const emptyWarnings = (): LoadWarnings => ({
  errorStepsPastEnd: 0,
  rowsWithPastEndErrors: 0,
  rowsWithOnlyPastEndErrors: 0,
  unratedRows: 0,
  duplicateIds: 0,
});

/** Steps before `firstError` are 1, the first wrong step 0, later steps null (their correctness is not known). */
export function firstErrorLabels(n: number, firstError: number): (number | null)[] {
  return Array.from({ length: n }, (_, i) => (firstError < 0 || i < firstError ? 1 : i === firstError ? 0 : null));
}

type Convert = (row: Row, file: string, opts: LoadOptions, w: LoadWarnings) => Example[];

const stem = (file: string) => basename(file).replace(/\.jsonl$/i, '');

const processbench: Convert = ({ value, where }, file) => {
  const o = asObject(value, where);
  const steps = strList(o, 'steps', where);
  const label = int(o, 'label', where, -1, steps.length - 1);
  return [
    { id: str(o, 'id', where), problem: str(o, 'problem', where), steps, labels: firstErrorLabels(steps.length, label), source: `processbench/${stem(file)}` },
  ];
};

const prmbench: Convert = ({ value, where }, _file, opts, w) => {
  const o = asObject(value, where);
  const cls = str(o, 'classification', where);
  // `idx` repeats across classes; the official evaluator keys rows by class and idx together.
  const id = `${cls}_${str(o, 'idx', where)}`;
  const steps = strList(o, 'modified_process', where);
  const errs = o.error_steps;
  if (!Array.isArray(errs)) throw new FormatError(where, `field \`error_steps\`: expected an array of 1-based step numbers, got ${kind(errs)}`);
  let first = Infinity;
  let past = 0;
  errs.forEach((e, i) => {
    if (typeof e !== 'number' || !Number.isInteger(e) || e < 1) {
      throw new FormatError(where, `field \`error_steps[${i}]\`: expected a 1-based step number, got ${JSON.stringify(e)}`);
    }
    if (e > steps.length) past++;
    else first = Math.min(first, e - 1);
  });
  w.errorStepsPastEnd += past;
  if (past > 0) w.rowsWithPastEndErrors++;
  if (past > 0 && first === Infinity) w.rowsWithOnlyPastEndErrors++;
  const out: Example[] = [
    {
      id,
      problem: str(o, 'modified_question', where),
      steps,
      labels: firstErrorLabels(steps.length, first === Infinity ? -1 : first),
      source: `prmbench/${cls}`,
    },
  ];
  if (opts.prmbenchOriginals && cls === 'redundency') {
    const orig = strList(o, 'original_process', where);
    out.push({ id: `${id}_original`, problem: str(o, 'original_question', where), steps: orig, labels: orig.map(() => 1), source: 'prmbench/original' });
  }
  return out;
};

const critic: Convert = ({ value, where, line }, file, opts, w) => {
  const o = asObject(value, where);
  const rating = o.rating;
  if (rating === null) {
    w.unratedRows++;
    return [];
  }
  if (rating !== 1 && rating !== 0 && rating !== -1) throw new FormatError(where, `field \`rating\`: expected 1, 0, -1 or null, got ${JSON.stringify(rating)}`);
  const prev = strList(o, 'responses', where, false);
  let next = str(o, 'next_response', where);
  // The converter cut "\n\n# Answer\n\n<answer>" off the step; put it back so the step reads as the labeller saw it.
  const answer = optStr(o, 'answer', where);
  if (answer !== undefined) next += `\n\n# Answer\n\n${answer}`;
  const label = rating === 1 ? 1 : rating === -1 ? 0 : (opts.neutral ?? 1);
  return [
    {
      id: `${stem(file)}:${line}`,
      problem: str(o, 'instruction', where),
      steps: [...prev, next],
      labels: [...prev.map(() => null), label],
      source: 'prm800k-critic',
    },
  ];
};

const steptree: Convert = ({ value, where, line }, file) => {
  const o = asObject(value, where);
  const steps = strList(o, 'steps', where);
  const labels = o.labels;
  if (!Array.isArray(labels) || labels.length !== steps.length) {
    throw new FormatError(
      where,
      `field \`labels\`: expected an array of ${steps.length} numbers in [0, 1] or null (one per step), got ${Array.isArray(labels) ? `${labels.length} entries` : kind(labels)}`,
    );
  }
  labels.forEach((l, i) => {
    if (l !== null && (typeof l !== 'number' || !(l >= 0 && l <= 1)))
      throw new FormatError(where, `field \`labels[${i}]\`: expected a number in [0, 1] or null, got ${JSON.stringify(l)}`);
  });
  const source = optStr(o, 'source', where);
  return [
    {
      id: optStr(o, 'id', where) ?? `${stem(file)}:${line}`,
      problem: str(o, 'problem', where),
      steps,
      labels: labels as (number | null)[],
      ...(source !== undefined && { source }),
    },
  ];
};

export const converters: Record<DataFormat, Convert> = { processbench, prmbench, 'prm800k-critic': critic, steptree };

import type { Problem } from '../core/problem.ts';

/** Which grader decides a prediction against a reference. */
export type GraderName = 'gsm8k' | 'math' | 'arith';

/**
 * One benchmark problem as a dataset loader yields it. `problem` is what the search sees (its
 * `answer` is left unset: search never sees the reference); `reference` and `solution` stay with the
 * runner and the graders (and with offline simulators, which are labelled as such).
 */
export interface BenchItem {
  readonly id: string;
  readonly problem: Problem;
  /** The reference final answer (GSM8K's `#### N`, MATH's last \boxed{}, MATH-500's `answer`). */
  readonly reference: string;
  /** The reference solution text, when the dataset has one (simulated policies split it into steps). */
  readonly solution?: string;
  readonly level?: number;
  readonly subject?: string;
  /** Where it came from, for error messages: file and 1-based line. */
  readonly source: { readonly file: string; readonly line: number };
}

/** Filters every loader takes (`--limit`, `--levels`, `--subjects`, `--ids`, `--shard i/n`). */
export interface DatasetFilters {
  readonly limit?: number;
  readonly levels?: readonly number[];
  readonly subjects?: readonly string[];
  readonly ids?: readonly string[];
  readonly shard?: { readonly index: number; readonly count: number };
}

/** A dataset kind: one entry per kind in the dataset registry. */
export interface DatasetKind {
  readonly summary: string;
  readonly grader: GraderName;
  load(path: string, filters?: DatasetFilters): AsyncIterable<BenchItem>;
}

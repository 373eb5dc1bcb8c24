/** The outcome of comparing a prediction with a reference. */
export interface GradeResult {
  /** Equal under the dataset's rules; false also when status is not `ok`. */
  readonly correct: boolean;
  /** Which rule decided (e.g. `numeric`, `rational`, `set`, `symbolic`), for `--explain` and results.jsonl. */
  readonly rule: string;
  /** `timeout`: the symbolic stage ran past its time limit; `error`: it crashed. Never thrown. */
  readonly status: 'ok' | 'timeout' | 'error';
  /** The answer extracted from the prediction text, or null when none was found. */
  readonly extracted: string | null;
}

export interface GradeOptions {
  /** Time limit of the symbolic stage, per comparison (ms). */
  readonly timeoutMs?: number;
}

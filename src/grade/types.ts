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
  /** Which stage decided: 1 (normalisation, exact rationals) or 2 (symbolic). */
  readonly stage?: 1 | 2;
  /** How the answer was found in the prediction text (`boxed`, `hashes`, `answer-is`, `bare`, `last-number`, …). */
  readonly extractedBy?: string;
  /** Both normal forms, for `--explain`. */
  readonly normalized?: { readonly prediction: string; readonly reference: string };
  /** Why the symbolic stage failed, when status is `error`. */
  readonly detail?: string;
}

export interface GradeOptions {
  /** Time limit of the symbolic stage, per comparison (ms). Default 5000. */
  readonly timeoutMs?: number;
  /** Run the symbolic stage on what stage 1 leaves undecided (default true; false = stage 1 only). */
  readonly symbolic?: boolean;
  /** Scalar answers longer than this (characters) skip the symbolic stage and grade false. Default 2000. */
  readonly maxSymbolicLength?: number;
  /**
   * Relative numeric tolerance (default 0: exact, so `2\pi` ≠ `6.2832` and `1/2004!` ≠ `1/2006!`). With
   * t > 0, numbers with |a − b| ≤ t·max(|a|, |b|) are equal: exactly for rationals, in floating point for
   * irrational values (where two values that both underflow to 0 are still not equal).
   */
  readonly tolerance?: number;
}

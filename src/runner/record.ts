/** One line of results.jsonl: the outcome of one (problem, seed). */
export interface ResultRecord {
  /** `id#seed`: what resuming skips on. */
  readonly key: string;
  readonly id: string;
  readonly seed: number;
  /** `error`: an infrastructure failure (no answer could be produced); excluded from accuracy, counted, never graded. */
  readonly status: 'ok' | 'error';
  /** The answer the grader extracted from the best trajectory (null: none found). */
  readonly prediction: string | null;
  readonly reference: string;
  readonly correct: boolean;
  /** The grading rule that decided (`numeric`, `rational`, `symbolic`, …) and the grader's status. */
  readonly rule: string | null;
  readonly gradeStatus: 'ok' | 'timeout' | 'error' | null;
  /** Aggregated PRM value of the best trajectory. */
  readonly score: number | null;
  readonly level?: number;
  readonly subject?: string;
  readonly stats: RecordStats;
  /** Tree JSON file, relative to the run folder (with --save-trees). */
  readonly tree?: string;
  readonly error?: string;
}

export interface RecordStats {
  /** Generated tokens. */
  readonly tokens: number;
  /** Prompt tokens billed by the server, and of those the ones it served from its prefix cache (0 offline). */
  readonly promptTokens: number;
  readonly cachedTokens: number;
  readonly policyCalls: number;
  /** Policy calls that failed after the policy's own retries (the node was marked failed). */
  readonly policyErrors: number;
  /** Steps scored by the PRM (0 with `--prm none`). */
  readonly prmSteps: number;
  readonly nodes: number;
  /** Nodes whose policy or PRM call failed (the search went on without them). */
  readonly failures: number;
  /** Waves of policy calls: the critical path in round trips. */
  readonly waves: number;
  readonly stoppedBy: string;
  readonly wallMs: number;
}

export const resultKey = (id: string, seed: number): string => `${id}#${seed}`;

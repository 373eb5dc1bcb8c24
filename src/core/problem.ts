/** A problem to solve. `answer` (the reference) is optional and never shown to the policy by the engine. */
export interface Problem {
  readonly id: string;
  readonly text: string;
  readonly answer?: string;
  /** Task-specific data (e.g. the arith operations). Must be JSON-serialisable: it goes into the tree JSON. */
  readonly meta?: Readonly<Record<string, unknown>>;
}

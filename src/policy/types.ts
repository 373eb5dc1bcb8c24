import type { Problem } from '../core/problem.ts';

/** One proposed next step. */
export interface StepProposal {
  readonly text: string;
  /** Generated tokens for this step (counted against Budget.tokens). */
  readonly tokens: number;
  /** Log-probability of the step under the policy; used as the MCTS prior when present. */
  readonly logprob?: number;
  /** True when this step ends the solution. */
  readonly terminal: boolean;
  /** The final answer, when `terminal`. */
  readonly answer?: string;
  /** Prompt tokens the call that produced this step was billed for (shared by its n samples: counted once per call, on the first). */
  readonly promptTokens?: number;
  /** Of those, prompt tokens the server reported as served from its prefix cache. */
  readonly cachedTokens?: number;
  /** True when generation stopped at the token limit (`finish_reason: length`): the step is cut short. */
  readonly truncated?: boolean;
}

export interface ProposeRequest {
  readonly problem: Problem;
  /** Texts of the steps so far (root excluded). */
  readonly steps: readonly string[];
  /** Up to k proposals are wanted; fewer is allowed. */
  readonly k: number;
  /** Deterministic per (search seed, node, call index): a simulated or seeded policy draws from it. */
  readonly seed: string;
  /** The node being expanded (path tag such as `0.2.1`). */
  readonly nodeId: string;
  readonly signal: AbortSignal;
}

/**
 * The policy role: proposes next reasoning steps. An LLM behind an OpenAI-compatible server,
 * or an offline simulator. The engine merges duplicated proposals.
 */
export interface Policy {
  readonly name: string;
  propose(req: ProposeRequest): Promise<StepProposal[]>;
  /** Facts for reports (endpoint, model, counters); offline simulators include `simulated: true`. */
  info?(): Readonly<Record<string, unknown>>;
  /** Drops what the policy keeps for a problem; a runner calls it once every seed of that problem has finished. */
  forget?(problemId: string): void;
}

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
}

import type { Problem } from '../core/problem.ts';

/**
 * One step to score. `key` identifies the new step's node uniquely in this process and
 * `parentKey` its parent (undefined for a first step), so an implementation may keep per-node
 * state (e.g. a recurrent aggregator's hidden state) and score a child from its parent's cache
 * without re-encoding the prefix. The engine never asks twice for the same key. A parentKey the PRM
 * has no state for (e.g. a search continued from a loaded tree) means: fall back to `prefix`.
 */
export interface ScoreRequest {
  readonly problem: Problem;
  /** Steps before the new one (already scored earlier under their own keys). */
  readonly prefix: readonly string[];
  readonly step: string;
  readonly key: string;
  readonly parentKey?: string;
}

/**
 * The process reward model role: for each request, P(new step is correct | problem, prefix), in [0, 1].
 * Called with batches gathered across the frontier and across concurrent searches.
 */
export interface PRM {
  readonly name: string;
  score(requests: readonly ScoreRequest[], signal?: AbortSignal): Promise<number[]>;
  /** Drop cached state for these keys (the engine calls it when a search ends). */
  release?(keys: readonly string[]): void;
  /** Facts to report in stats (backend, model path, …). */
  info?(): Readonly<Record<string, unknown>>;
}

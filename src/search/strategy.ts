import type { Aggregation } from '../core/aggregate.ts';
import type { NodeRec, TreeStore } from './tree.ts';
import type { SearchEmitter } from './events.ts';

/** Ask the engine for up to `k` proposals at a node (proposals already requested there are reused). */
export interface Expansion {
  readonly node: NodeRec;
  readonly k: number;
  /** Children made by this expansion are MCTS rollout nodes. */
  readonly rollout?: boolean;
}

/** What one expansion yielded, in the order the strategy asked: every usable child (new or reused). */
export interface ExpansionResult {
  readonly node: NodeRec;
  readonly children: readonly NodeRec[];
  readonly failed: boolean;
}

export interface StrategyContext {
  readonly tree: TreeStore;
  readonly aggregation: Aggregation;
  /** Seeded; draw only in plan/observe so runs are reproducible. */
  readonly rng: () => number;
  readonly events: SearchEmitter;
}

/**
 * A strategy is a state machine over the tree: `plan` names the expansions that are ready now (the
 * engine sends them concurrently and scores every new child in one PRM batch), `observe` takes the
 * results in the order asked, whatever order they arrived in. `plan` returning null ends the search;
 * an empty array means nothing to send yet (the engine yields to the event loop and plans again), so
 * a strategy with much work between expansions never holds the thread.
 */
export interface Strategy {
  plan(ctx: StrategyContext): Expansion[] | null;
  observe(ctx: StrategyContext, results: readonly ExpansionResult[]): void;
  /** Why `plan` returned null (asked once, after it did). Default: `maxDepth` when open nodes wait at the depth cap, `exhausted` when nothing finished, else `complete`. */
  ended?(ctx: StrategyContext): EndReason;
  /** The node to report as best; default: final selection over terminal candidates. */
  pick?(ctx: StrategyContext): NodeRec | null;
}

/** How a strategy's own work ended (see StopReason). */
export type EndReason = 'complete' | 'maxDepth' | 'exhausted';

/** A validated strategy configuration; `create` makes a fresh state machine per search. */
export interface StrategySpec {
  readonly name: string;
  /** JSON-serialisable options, written into the tree. */
  readonly config: Readonly<Record<string, unknown>>;
  create(): Strategy;
}

/** Usable = scored, not failed. */
export const usable = (n: NodeRec): boolean => n.failed === null && n.score !== null;

import type { Aggregation } from '../core/aggregate.ts';
import type { Problem } from '../core/problem.ts';
import { readOptions, type OptionSchema, type Parsed } from '../core/options.ts';
import type { SearchEmitter } from './events.ts';
import type { NodeCore } from './fields.ts';

/**
 * Writing a strategy: the contract between a strategy and the engine.
 *
 * A strategy is a state machine over the search tree. Each wave:
 * 1. `plan(ctx)` returns the expansions that are ready now, or null to end the search. An empty
 *    array means nothing to send yet: the engine yields to the event loop and plans again, so a
 *    strategy with much work between expansions never holds the thread (and the clock, the signal
 *    and the budget are checked in between).
 *    Each names a node and `total`: the number of proposals wanted at that node *in all*. Proposals
 *    already requested there (by an earlier wave, or in the tree a search resumed from) are reused
 *    and cost nothing; the engine asks the policy only for the missing `total − requested`
 *    (that difference is `ProposeRequest.k`). A node named twice in one wave gets one call (the
 *    later entry asks only for what the earlier did not). A terminal or failed node is never expanded:
 *    its result lists the children it has.
 * 2. The engine sends the wave's policy calls concurrently, merges duplicate proposals into one
 *    node (its `count` keeps the samples), scores every new child in one PRM batch and computes
 *    each node's `value` with the search's aggregation.
 * 3. `observe(ctx, results)` gets one result per planned expansion, in plan order, whatever order
 *    the responses arrived in. `children` lists every *usable* child (scored, not failed), new or
 *    reused, in creation order; `failed` is true when the policy call at that node failed (the
 *    node's `failed` holds the reason) and the search goes on. A child whose PRM score failed is
 *    left out of `children`. Terminal children (`terminal`, with `answer`) are finished
 *    trajectories: the strategy decides whether it wants more.
 * 4. A budget, the wall clock or an abort may end the search before `observe` is called: a wave
 *    that was cut short is never observed. A strategy keeps no promise that a planned wave ran.
 *
 * The tree a strategy sees is read-only: only the engine adds nodes (so every node is counted
 * against the budget). The strategy's own statistics on a node, `visits` and `w` (MCTS backups),
 * are the only fields it writes. Draw randomness only from `ctx.rng`, in plan/observe, so a seed
 * reproduces the tree byte for byte.
 */

/**
 * A node as a strategy sees it (fields: NodeCore, in fields.ts), read-only but for its own
 * statistics. Its id (path tag) is `ctx.tree.idOf(node)`, made when asked for: most nodes' ids are
 * never read during a search.
 */
export interface SearchNode extends Omit<NodeCore, 'visits' | 'id'> {
  readonly parent: SearchNode | null;
  readonly children: readonly SearchNode[];
  /** Strategy statistics: visit count and total backed-up value (the tree JSON writes `visits` and q = w / visits). */
  visits: number;
  w: number;
}

/** The tree as a strategy sees it: lookups, no way to add nodes. */
export interface TreeView {
  readonly problem: Problem;
  readonly root: SearchNode;
  readonly size: number;
  get(id: string): SearchNode | undefined;
  /** The node's id (path tag: `0` is the root, `0.2` its third child), as events, the JSON and `get` use. */
  idOf(n: SearchNode): string;
  /** Step texts root→node (root excluded). */
  steps(n: SearchNode): string[];
  /** PRM scores root→node (root excluded; unscored steps count as 0). */
  scores(n: SearchNode): number[];
}

/** Ask for `total` proposals in all at `node` (already requested ones are reused). */
export interface Expansion<N extends SearchNode = SearchNode> {
  readonly node: N;
  /** Proposals wanted at this node in all, counting those already requested (not the new ones). */
  readonly total: number;
  /** Children made by this expansion are MCTS rollout nodes. */
  readonly rollout?: boolean;
}

/** What one expansion yielded: every usable child (new or reused), in creation order. */
export interface ExpansionResult<N extends SearchNode = SearchNode> {
  readonly node: N;
  readonly children: readonly N[];
  readonly failed: boolean;
}

export interface StrategyContext {
  readonly tree: TreeView;
  readonly aggregation: Aggregation;
  /** Seeded; draw only in plan/observe so runs are reproducible. */
  readonly rng: () => number;
  readonly events: SearchEmitter;
}

/** The state machine of one search (see the contract above). */
export interface Strategy {
  plan(ctx: StrategyContext): Expansion[] | null;
  observe(ctx: StrategyContext, results: readonly ExpansionResult[]): void;
  /** Why `plan` returned null (asked once, after it did). Default: `maxDepth` when open nodes wait at the depth cap, `exhausted` when nothing finished, else `complete`. */
  ended?(ctx: StrategyContext): EndReason;
  /** The node to report as best; default: final selection over terminal candidates. */
  pick?(ctx: StrategyContext): SearchNode | null;
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

/**
 * A strategy's registry entry: its name (CLI `--strategy`, tree JSON), a one-line summary, its option
 * table (validation, CLI flags, help and the README all come from it), CLI defaults for required
 * options, cross-option checks and the state machine.
 */
export interface StrategyDescriptor<S extends OptionSchema = OptionSchema> {
  readonly name: string;
  readonly summary: string;
  /** The library function that makes it (`beam`), for the docs. */
  readonly factory: string;
  readonly options: S;
  /** What the CLI uses for required options the user did not give (`beam`: n 8, beamWidth 4). */
  readonly defaults?: Readonly<Record<string, unknown>>;
  /** Checks across options; throw InvalidOptionError naming one. */
  check?(config: Parsed<S>): void;
  create(config: Parsed<S>): Strategy;
}

/** Identity, for type inference of a descriptor's config. */
export function defineStrategy<S extends OptionSchema>(d: StrategyDescriptor<S>): StrategyDescriptor<S> {
  return d;
}

/** Validates options against a descriptor (errors name `name.option`) and returns the spec a search takes. */
export function specOf<S extends OptionSchema>(d: StrategyDescriptor<S>, options: unknown): StrategySpec {
  const config = readOptions(d.name, options, d.options);
  d.check?.(config);
  return { name: d.name, config, create: () => d.create(config) };
}

/** Usable = scored, not failed. */
export const usable = (n: SearchNode): boolean => n.failed === null && n.score !== null;

/** Higher value first; ties by creation order so rankings are deterministic. */
export const byValue = (a: SearchNode, b: SearchNode): number => (b.value ?? 0) - (a.value ?? 0) || a.order - b.order;

// The search module's surface (the engine, strategies, tree); the package's is src/index.ts.
export { search, startSearch, SearchRun, DEFAULT_TIMEOUTS, type SearchOptions, type Timeouts } from './engine.ts';
export { Scheduler, defaultScheduler, type SchedulerOptions } from './scheduler.ts';
export { greedy, bestOfN, type GreedyOptions, type BestOfNOptions } from './strategies/simple.ts';
export { beam, dvts, type BeamOptions, type DvtsOptions } from './strategies/beam.ts';
export { bestFirst, type BestFirstOptions } from './strategies/bestfirst.ts';
export { mcts, type MctsOptions } from './strategies/mcts.ts';
export { strategyByName, strategyDescriptor, strategyDescriptors, registerStrategy, builtinStrategies } from './strategies/index.ts';
export { rebase, rebaseWidths, type RebaseOptions } from './strategies/rebase.ts';
export { SearchTree, type TreeNode } from './tree.ts';
export { SCHEMA_VERSION, toTreeJSON, stringifyTree, parseTree, type TreeJSON, type LoadedTree } from './schema.ts';
export type { SearchResult, SearchStats, Trajectory } from './result.ts';
export type { SearchEvent, SearchEventMap } from './events.ts';
export {
  defineStrategy,
  specOf,
  usable,
  byValue,
  type Strategy,
  type StrategySpec,
  type StrategyDescriptor,
  type StrategyContext,
  type Expansion,
  type ExpansionResult,
  type SearchNode,
  type TreeView,
  type EndReason,
} from './strategy.ts';

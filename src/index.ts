// The public surface of `steptree`: every name listed once, grouped by what a user does with it.
// (File-reading helpers and model back ends have their own modules and subpaths.)

// Run a search
export { search, startSearch, SearchRun, DEFAULT_TIMEOUTS, type SearchOptions, type Timeouts } from './search/engine.ts';
export type { SearchResult, SearchStats, Trajectory } from './search/result.ts';
export type { SearchEvent, SearchEventMap, SearchEventName } from './search/events.ts';
export type { Problem } from './core/problem.ts';

// Strategies
export { greedy, bestOfN, type GreedyOptions, type BestOfNOptions } from './search/strategies/simple.ts';
export { beam, dvts, type BeamOptions, type DvtsOptions } from './search/strategies/beam.ts';
export { mcts, type MctsOptions } from './search/strategies/mcts.ts';
export { bestFirst, type BestFirstOptions } from './search/strategies/bestfirst.ts';
export { rebase, rebaseWidths, type RebaseOptions } from './search/strategies/rebase.ts';
export { strategyByName, strategyDescriptor, strategyDescriptors, registerStrategy, builtinStrategies } from './search/strategies/index.ts';

// Writing a strategy
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
} from './search/strategy.ts';
export { opt, readOptions, checkField, known, type Field, type FieldType, type OptionSchema, type Parsed } from './core/options.ts';
export { BinaryHeap } from './core/heap.ts';
export { SearchEmitter } from './search/events.ts';

// Roles
export type { Policy, ProposeRequest, StepProposal } from './policy/types.ts';
export type { PRM, ScoreRequest } from './reward/types.ts';

// Aggregation, selection, budget, scheduler
export {
  aggregations,
  getAggregation,
  selections,
  getSelection,
  answerKey,
  type Aggregation,
  type AggregationName,
  type AggregationSpec,
  type SelectionName,
  type Candidate,
  type RankedCandidate,
} from './core/aggregate.ts';
export { budgetAxes, validateBudget, BudgetMeter, type Budget, type BudgetAxis, type StopReason, type Usage } from './core/budget.ts';
export { Scheduler, defaultScheduler, type SchedulerOptions } from './search/scheduler.ts';

// The tree
export { SearchTree, type TreeNode } from './search/tree.ts';
export type { NodeCore } from './search/fields.ts';
export { SCHEMA_VERSION, toTreeJSON, stringifyTree, parseTree, type TreeJSON, type NodeJSON, type LoadedTree } from './search/schema.ts';

// Errors
export {
  SteptreeError,
  InvalidOptionError,
  PolicyError,
  PRMError,
  SearchFailedError,
  FormatError,
  ModelConfigError,
  BackendError,
  MissingDependencyError,
  HttpPRMError,
  errorText,
} from './core/errors.ts';

// The public surface: roles, the engine, strategies, the tree format, and the one error module.
export * from './search/index.ts';
export { loadTreeFile } from './node/tree-file.ts';
export * from './core/errors.ts';
export { aggregations, getAggregation, selections, getSelection, answerKey, type Aggregation, type AggregationSpec, type Candidate, type RankedCandidate } from './core/aggregate.ts';
export { BudgetMeter, type Budget, type BudgetAxis, type StopReason, type Usage } from './core/budget.ts';
export type { Problem } from './core/problem.ts';
export type { Policy, ProposeRequest, StepProposal } from './policy/types.ts';
export type { PRM, ScoreRequest } from './reward/types.ts';

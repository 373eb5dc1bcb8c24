// The benchmark runner as a library: `runBench(config)` runs (or resumes) a benchmark and returns its summary.
export { runBench, filtersOf, type BenchHooks, type BenchOutcome, type BenchStart } from './run.ts';
export { benchConfigSchema, resolveConfig, configHash, type BenchConfig, type BenchConfigInput } from './config.ts';
export { createModels, type Models } from './models.ts';
export { summarize, SummaryBuilder, type BenchSummary, type AccuracyCell } from './summary.ts';
export { readResults } from './results.ts';
export { wilson } from './wilson.ts';
export { resultKey, type ResultRecord, type RecordStats } from './record.ts';

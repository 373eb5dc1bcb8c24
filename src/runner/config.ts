import { createHash } from 'node:crypto';
import { z } from 'zod';
import { InvalidOptionError } from '../core/errors.ts';

const int = (min: number) => z.int().min(min);
const budget = z.strictObject({ policyCalls: int(0), tokens: int(0), prmCalls: int(0), nodes: int(1), wallMs: z.number().positive() }).partial();
const shard = z
  .string()
  .regex(/^\d+\/\d+$/, 'expected i/n such as 0/4')
  .refine((s) => {
    const [i, n] = s.split('/').map(Number);
    return n! >= 1 && i! < n!;
  }, 'expected 0 ≤ i < n');

/**
 * Every option of `steptree bench`, as a config file holds it (`--config run.json`; flags override it).
 * The fields under "what is computed" make the config hash; the rest only say how the run goes.
 */
export const benchConfigSchema = z.strictObject({
  // what is computed
  dataset: z.string().min(1),
  data: z.string().min(1),
  limit: int(0).optional(),
  levels: z.array(int(1)).optional(),
  subjects: z.array(z.string().min(1)).optional(),
  ids: z.array(z.string().min(1)).optional(),
  shard: shard.optional(),
  policy: z.string().min(1),
  /** Options of the policy kind (baseUrl, model, errorRate, …), checked by its factory. */
  policyOptions: z.record(z.string(), z.unknown()).default({}),
  /** `none`, `verifier`, `oracle`, `tfjs:DIR`, `http:URL`. */
  prm: z.string().min(1).default('none'),
  prmFormat: z.string().optional(),
  prmModel: z.string().optional(),
  prmNoise: z.number().min(0).optional(),
  strategy: z.string().min(1),
  strategyOptions: z.record(z.string(), z.unknown()).default({}),
  aggregation: z.enum(['last', 'min', 'prod', 'mean', 'geomean']).optional(),
  selection: z.enum(['best', 'majority', 'weighted']).optional(),
  budget: budget.default({}),
  seeds: z.array(z.int()).min(1).default([1]),
  /** Symbolic grading time limit per comparison (ms). */
  gradeTimeoutMs: z.number().positive().optional(),
  // how the run goes (not hashed: changing them keeps a run resumable)
  out: z.string().min(1),
  /** Problems (problem × seed) in flight at once. */
  concurrency: int(1).default(8),
  /** Policy calls in flight at once across all problems (the shared scheduler's cap); default 16 × concurrency. */
  maxInFlight: int(1).optional(),
  saveTrees: z.boolean().default(false),
  /** Rerun the (problem, seed) pairs recorded as `error`. */
  retryErrors: z.boolean().default(false),
  /** US$ per million tokens, for the cost column (unset: the openai policy's own `pricing`, else no cost shown). */
  pricing: z
    .strictObject({ promptPerMTok: z.number().min(0), cachedPromptPerMTok: z.number().min(0), completionPerMTok: z.number().min(0) })
    .partial()
    .optional(),
  /** Response cache folder of the openai policy (default `<out>/cache`; false: none). */
  cache: z.union([z.string().min(1), z.literal(false)]).optional(),
});

export type BenchConfigInput = z.input<typeof benchConfigSchema>;
export type BenchConfig = z.output<typeof benchConfigSchema>;

/** Fields that do not change what is computed (`data` is covered by the dataset's own hash, so a moved file still resumes). */
const RUN_ONLY = ['data', 'out', 'concurrency', 'maxInFlight', 'saveTrees', 'retryErrors', 'pricing', 'cache'] as const;

/** Validates a config (from a file, flags, or a library caller); the error names the field. */
export function resolveConfig(input: unknown, nameOf: (path: string[]) => string = (p) => ['config', ...p].join('.')): BenchConfig {
  const r = benchConfigSchema.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const path = [...issue.path.map(String), ...(issue.code === 'unrecognized_keys' ? [issue.keys[0]!] : [])];
  const more = r.error.issues.length > 1 ? ` (and ${r.error.issues.length - 1} more)` : '';
  throw new InvalidOptionError(nameOf(path), issue.message + more);
}

/** Keys sorted at every level, so equal configs hash equal whatever order they were written in. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

/** The part of the config that decides the results. */
export function computedPart(c: BenchConfig): Record<string, unknown> {
  const o: Record<string, unknown> = { ...c };
  for (const k of RUN_ONLY) delete o[k];
  return o;
}

export const sha256 = (s: string | Buffer): string => createHash('sha256').update(s).digest('hex');
export const configHash = (c: BenchConfig): string => sha256(canonicalJson(computedPart(c)));

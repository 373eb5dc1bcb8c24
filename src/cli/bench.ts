import { readFileSync } from 'node:fs';
import cliProgress from 'cli-progress';
import { FormatError, InvalidOptionError } from '../core/errors.ts';
import { resolveConfig, type BenchConfig } from '../runner/config.ts';
import { runBench } from '../runner/run.ts';
import { formatSummary } from '../runner/table.ts';
import { strategyDescriptors } from '../search/strategies/index.ts';
import { number, parse, strategyOptions } from './args.ts';

export const BENCH_HELP = `steptree bench --dataset gsm8k|math|math500|arith --data PATH --policy openai|simulated|replay|arith-sim
  [--base-url URL --model NAME] [--policy-option key=value ...] [--error-rate p]
  --prm none|verifier|oracle|tfjs:DIR|http:URL [--prm-format F] [--prm-model NAME] [--prm-noise s]
  --strategy ${strategyDescriptors()
    .map((d) => d.name)
    .join('|')} [strategy options, as in \`steptree solve --help\`]
  [--aggregation last|min|prod|mean|geomean] [--selection best|majority|weighted]
  [--budget-policy-calls n] [--budget-tokens n] [--budget-prm-calls n] [--budget-nodes n] [--budget-ms n]
  [--limit n] [--levels 1,2] [--subjects "Algebra,Number Theory"] [--ids a,b] [--shard i/n]
  [--seeds 1,2,3] [--concurrency c] [--max-in-flight k] [--save-trees] [--retry-errors] [--cache DIR | --no-cache]
  [--grade-timeout-ms t] --out runs/NAME [--config run.json] [--print-config] [--json] [--no-progress]
Re-running the same command resumes (finished (problem, seed) pairs are skipped).`;

const FLAGS = {
  config: { type: 'string' },
  'print-config': { type: 'boolean' },
  json: { type: 'boolean' },
  'no-progress': { type: 'boolean' },
  help: { type: 'boolean' },
  dataset: { type: 'string' },
  data: { type: 'string' },
  limit: { type: 'string' },
  levels: { type: 'string' },
  subjects: { type: 'string' },
  ids: { type: 'string' },
  shard: { type: 'string' },
  policy: { type: 'string' },
  'base-url': { type: 'string' },
  model: { type: 'string' },
  'policy-option': { type: 'string', multiple: true },
  'error-rate': { type: 'string' },
  prm: { type: 'string' },
  'prm-format': { type: 'string' },
  'prm-model': { type: 'string' },
  'prm-noise': { type: 'string' },
  strategy: { type: 'string' },
  aggregation: { type: 'string' },
  selection: { type: 'string' },
  'budget-policy-calls': { type: 'string' },
  'budget-tokens': { type: 'string' },
  'budget-prm-calls': { type: 'string' },
  'budget-nodes': { type: 'string' },
  'budget-ms': { type: 'string' },
  seeds: { type: 'string' },
  concurrency: { type: 'string' },
  'max-in-flight': { type: 'string' },
  'save-trees': { type: 'boolean' },
  'retry-errors': { type: 'boolean' },
  cache: { type: 'string' },
  'no-cache': { type: 'boolean' },
  'grade-timeout-ms': { type: 'string' },
  out: { type: 'string' },
} as const;

const list = (v: unknown) =>
  v === undefined
    ? undefined
    : String(v)
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
const ints = (flag: string, v: unknown) => list(v)?.map((s) => number(flag, s, true)!);

/** `--policy-option k=v`: the value is JSON when it parses as JSON (numbers, booleans), else a string. */
function policyOptions(values: Record<string, unknown>): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const kv of (values['policy-option'] as string[] | undefined) ?? []) {
    const i = kv.indexOf('=');
    if (i <= 0) throw new InvalidOptionError('--policy-option', `expected key=value, got ${JSON.stringify(kv)}`);
    const v = kv.slice(i + 1);
    try {
      o[kv.slice(0, i)] = JSON.parse(v);
    } catch {
      o[kv.slice(0, i)] = v;
    }
  }
  if (values['base-url'] !== undefined) o.baseURL = values['base-url'];
  if (values.model !== undefined) o.model = values.model;
  if (values['error-rate'] !== undefined) o.errorRate = number('error-rate', values['error-rate']);
  return o;
}

/** The flags the user gave, as config fields (undefined ones dropped, so a config file's values stay). */
function flagConfig(v: Record<string, unknown>): Record<string, unknown> {
  const budget = Object.fromEntries(
    (
      [
        ['policyCalls', 'budget-policy-calls'],
        ['tokens', 'budget-tokens'],
        ['prmCalls', 'budget-prm-calls'],
        ['nodes', 'budget-nodes'],
        ['wallMs', 'budget-ms'],
      ] as const
    )
      .map(([k, f]) => [k, number(f, v[f])])
      .filter(([, x]) => x !== undefined),
  );
  const c: Record<string, unknown> = {
    dataset: v.dataset,
    data: v.data,
    limit: number('limit', v.limit, true),
    levels: ints('levels', v.levels),
    subjects: list(v.subjects),
    ids: list(v.ids),
    shard: v.shard,
    policy: v.policy,
    prm: v.prm,
    prmFormat: v['prm-format'],
    prmModel: v['prm-model'],
    prmNoise: number('prm-noise', v['prm-noise']),
    strategy: v.strategy,
    aggregation: v.aggregation,
    selection: v.selection,
    seeds: ints('seeds', v.seeds),
    concurrency: number('concurrency', v.concurrency, true),
    maxInFlight: number('max-in-flight', v['max-in-flight'], true),
    saveTrees: v['save-trees'],
    retryErrors: v['retry-errors'],
    cache: v['no-cache'] ? false : v.cache,
    gradeTimeoutMs: number('grade-timeout-ms', v['grade-timeout-ms']),
    out: v.out,
  };
  if (Object.keys(budget).length) c.budget = budget;
  return Object.fromEntries(Object.entries(c).filter(([, x]) => x !== undefined));
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InvalidOptionError('--config', `cannot read ${path}: ${(e as Error).message}`);
  }
  try {
    const v = JSON.parse(text) as unknown;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('expected a JSON object');
    return v as Record<string, unknown>;
  } catch (e) {
    throw new FormatError(path, (e as Error).message);
  }
}

/** Config file, then flags over it (policy and strategy options merged key by key). */
export function benchConfig(argv: string[]): { config: BenchConfig; values: Record<string, unknown> } {
  const { values } = parse(argv, FLAGS);
  const file = values.config ? readConfigFile(values.config as string) : {};
  const flags = flagConfig(values);
  const merged = {
    ...file,
    ...flags,
    policyOptions: { ...(file.policyOptions as object | undefined), ...policyOptions(values) },
    strategyOptions: {
      ...(file.strategyOptions as object | undefined),
      ...strategyOptions(String(values.strategy ?? (file.strategy as string | undefined) ?? 'beam'), values),
    },
    budget: { ...(file.budget as object | undefined), ...(flags.budget as object | undefined) },
  };
  // name the flag when a flag gave the field, else the config file's field
  const kebab = (k: string) => k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  const nameOf = (p: string[]) => (p[0]! in flags && !['budget'].includes(p[0]!) ? `--${kebab(p[0]!)}` : `${values.config ?? 'config'}: ${p.join('.')}`);
  return { config: resolveConfig(merged, nameOf), values };
}

/** A word as a POSIX shell reads it back (the resume line is copied into a shell). */
const shellQuote = (w: string) => (/^[A-Za-z0-9_./:=,@%+-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`);

/** The policy's own counters (requests, retries, failures), the numbers that say how the server behaved. */
function policyLine(info: Readonly<Record<string, unknown>>): string {
  const keys = ['calls', 'requests', 'retries', 'failedCalls', 'throttled', 'timeouts', 'cacheHits', 'truncatedSteps', 'costUsd'];
  const kv = keys.filter((k) => typeof info[k] === 'number').map((k) => `${k} ${info[k]}`);
  return kv.length ? kv.join(', ') : JSON.stringify(info);
}

export async function bench(argv: string[]): Promise<number> {
  if (argv.includes('--help')) return (console.log(BENCH_HELP), 0);
  const { config, values } = benchConfig(argv);
  if (values['print-config']) return (console.log(JSON.stringify(config, null, 2)), 0);
  const bar = values['no-progress']
    ? null
    : new cliProgress.SingleBar(
        {
          format: 'bench [{bar}] {value}/{total} | ETA {eta_formatted} | acc {acc} | errors {errors}',
          noTTYOutput: true,
          notTTYSchedule: 5000,
          stream: process.stderr,
          etaBuffer: 50,
        },
        cliProgress.Presets.legacy,
      );
  let ok = 0,
    correct = 0,
    errors = 0;
  const ac = new AbortController();
  const resume = `steptree bench ${argv.map(shellQuote).join(' ')}`;
  // first Ctrl-C: no new searches; those in flight are dropped, written lines are fsynced. Second: exit now.
  const onSig = () => {
    bar?.stop();
    if (ac.signal.aborted) {
      console.error(`steptree bench: stopped at once; every fsynced line of results.jsonl is kept. Resume with: ${resume}`);
      process.exit(130);
    }
    console.error('steptree bench: interrupted; finishing the results being written (Ctrl-C again to stop at once)');
    ac.abort();
  };
  process.on('SIGINT', onSig);
  try {
    const out = await runBench(config, {
      signal: ac.signal,
      onStart: (s) => {
        if (s.resumed)
          console.error(
            `resuming ${config.out}: ${s.total - s.todo} of ${s.total} done${s.tornBytes ? `, a torn last line (${s.tornBytes} bytes) dropped` : ''}${s.retried ? `, ${s.retried} error record(s) to retry` : ''}`,
          );
        bar?.start(s.todo, 0, { acc: '-', errors: 0 });
      },
      onResult: (r) => {
        if (r.status === 'error') errors++;
        else (ok++, r.correct && correct++);
        bar?.increment(1, { acc: ok ? `${((100 * correct) / ok).toFixed(1)}%` : '-', errors });
      },
    });
    bar?.stop();
    if (values.json) console.log(JSON.stringify({ ...out.summary, simulated: out.start.simulated, ...(out.policyInfo && { policy: out.policyInfo }) }));
    else {
      console.log(
        formatSummary(
          out.summary,
          `${config.dataset} · ${config.policy} · prm ${config.prm} · ${config.strategy} ${JSON.stringify(config.strategyOptions)} · seeds ${config.seeds.join(',')} → ${config.out}`,
          out.start.simulated,
        ),
      );
      if (out.policyInfo) console.log(`  policy (this invocation): ${policyLine(out.policyInfo)}`);
    }
    if (!ac.signal.aborted) return 0;
    console.error(
      `steptree bench: interrupted after ${out.ran} new record(s) (${out.summary.records} of ${out.start.total} in ${config.out}). Resume with: ${resume}`,
    );
    return 130;
  } finally {
    bar?.stop();
    process.off('SIGINT', onSig);
  }
}

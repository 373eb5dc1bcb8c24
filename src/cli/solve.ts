import { loadPRM } from '../reward/registry.ts';
import { writeFileSync } from 'node:fs';
import { aggregations, selections, type SelectionName } from '../core/aggregate.ts';
import type { Budget } from '../core/budget.ts';
import { InvalidOptionError } from '../core/errors.ts';
import { describe, flagOf, leaves, type Field } from '../core/options.ts';
import type { PRM } from '../reward/types.ts';
import { search } from '../search/engine.ts';
import { SCHEMA_VERSION, stringifyTree, type LoadedTree } from '../search/schema.ts';
import { loadTreeFile } from '../node/tree-file.ts';
import { strategyByName, strategyDescriptor, strategyDescriptors } from '../search/strategies/index.ts';
import type { StrategySpec } from '../search/strategy.ts';
import type { SearchResult } from '../search/result.ts';
import type { SearchTree, TreeNode } from '../search/tree.ts';
import { arithProblem, ArithPolicy, gradeArith } from '../tasks/arith.ts';
import { inputFile, number, outputFile, parse, strategyOptions } from './args.ts';

const OWN_FLAGS = {
  task: { type: 'string' },
  length: { type: 'string' },
  'error-rate': { type: 'string' },
  prm: { type: 'string' },
  'prm-noise': { type: 'string' },
  model: { type: 'string' },
  strategy: { type: 'string' },
  seed: { type: 'string' },
  resume: { type: 'string' },
  'budget-policy-calls': { type: 'string' },
  'budget-tokens': { type: 'string' },
  'budget-prm-calls': { type: 'string' },
  'budget-nodes': { type: 'string' },
  'budget-ms': { type: 'string' },
  aggregation: { type: 'string' },
  selection: { type: 'string' },
  out: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean' },
} as const;

const BUDGET_FLAGS = [
  ['policyCalls', 'budget-policy-calls'],
  ['tokens', 'budget-tokens'],
  ['prmCalls', 'budget-prm-calls'],
  ['nodes', 'budget-nodes'],
  ['wallMs', 'budget-ms'],
] as const;

/** `solve --help`: the command's own flags, then every registered strategy with its flags (from the registry). */
export function solveHelp(): string {
  return `steptree solve [--task arith] [--length L] [--error-rate p] [--prm verifier|tfjs[:DIR]|hf:DIR|http:URL] [--prm-noise s] [--model DIR]
  [--strategy ${strategyDescriptors()
    .map((d) => d.name)
    .join('|')}] [strategy flags]
  [--budget-policy-calls n] [--budget-tokens n] [--budget-prm-calls n] [--budget-nodes n] [--budget-ms n]
  [--aggregation ${Object.keys(aggregations).join('|')}] [--selection ${Object.keys(selections).join('|')}]
  [--seed n] [--out tree.json] [--json]
  [--resume tree.json]   continue a saved search: its problem, seed, strategy and options are the defaults,
                         its proposals and scores are reused; flags given override them

strategies (--strategy NAME, default beam):
${strategyHelp()}`;
}

export async function solve(argv: string[]): Promise<number> {
  const { values } = parse(argv, OWN_FLAGS);
  if (values.help) return (console.log(solveHelp()), 0);
  if ((values.task ?? 'arith') !== 'arith')
    throw new InvalidOptionError('--task', `only the offline task "arith" is built in, got ${JSON.stringify(values.task)}`);
  // check where the tree goes before spending a search on it
  if (values.out !== undefined) outputFile('out', values.out);
  const resume = values.resume === undefined ? undefined : loadTreeFile(inputFile('resume', values.resume));
  if (resume && values.length !== undefined) throw new InvalidOptionError('--length', 'a resumed search keeps the problem of its tree (--resume)');
  const seed = number('seed', values.seed ?? resume?.json.seed ?? '1', true)!;
  const problem = resume ? resume.tree.problem : arithProblem(seed, { length: number('length', values.length, true, { min: 1 }) ?? 10 });
  const policy = new ArithPolicy({ errorRate: number('error-rate', values['error-rate'], false, { min: 0, max: 1 }) ?? 0.3, seed });
  const prmName = values.prm ?? 'verifier';
  // every PRM kind of the registry (verifier, tfjs[:DIR], http:URL, hf:DIR, …); --model DIR is tfjs:DIR
  const spec = prmName === 'tfjs' && values.model ? `tfjs:${values.model}` : prmName;
  const prm: PRM = await loadPRM(spec, { seed, noise: number('prm-noise', values['prm-noise'], false, { min: 0 }) ?? 0 });
  const strategy = strategyFrom(values, resume);
  const budget: Budget = Object.fromEntries(BUDGET_FLAGS.map(([k, f]) => [k, number(f, values[f], false, { min: 0 })]).filter(([, v]) => v !== undefined));
  const aggregation = values.aggregation ?? resume?.json.aggregation;
  const selection = (values.selection ?? resume?.json.selection) as SelectionName | undefined;
  const r = await search({ problem, policy, prm, strategy, budget, seed, aggregation: aggregation as never, selection, ...(resume ? { resume } : {}) });
  if (values.out) {
    try {
      writeFileSync(values.out, stringifyTree(r) + '\n');
    } catch (e) {
      throw new InvalidOptionError('--out', `cannot write ${values.out}: ${(e as Error).message}`);
    }
  }
  const correct = gradeArith(problem, r.best?.answer ?? null);
  if (values.json) {
    const best = r.best && { steps: r.best.steps, answer: r.best.answer, score: r.best.score, nodeId: r.best.nodeId };
    console.log(JSON.stringify({ schemaVersion: SCHEMA_VERSION, problem, best, correct, stats: r.stats }));
  } else console.log(report(r, problem.text, correct, values.out));
  return 0;
}

/** The strategy: flags over (when resuming the same strategy) the saved config, over the registry's CLI defaults. */
function strategyFrom(values: Record<string, unknown>, resume: LoadedTree | undefined): StrategySpec {
  const saved = resume?.json.strategy;
  const name = (values.strategy as string | undefined) ?? saved?.name ?? 'beam';
  const d = strategyDescriptor(name);
  const base = saved && saved.name === name ? saved.config : (d.defaults ?? {});
  return strategyByName(name, { ...base, ...merge(base, strategyOptions(name, values)) });
}

/** Flags for one field of a group (`--widening-c`) keep the group's other saved fields. */
function merge(base: Readonly<Record<string, unknown>>, flags: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(flags)) {
    const b = base[k];
    out[k] = v && typeof v === 'object' && b && typeof b === 'object' ? { ...b, ...v } : v;
  }
  return out;
}

function strategyHelp(): string {
  const lines: string[] = [];
  for (const d of strategyDescriptors()) {
    lines.push(`  ${d.name.padEnd(11)} ${d.summary}`);
    for (const { path, field } of leaves(d.options)) {
      const cli = d.defaults?.[path];
      const def = 'default' in field && field.default !== null ? ` (default ${field.default})` : cli !== undefined ? ` (default ${cli})` : '';
      lines.push(`      --${flagOf(path).padEnd(16)} ${valueHint(field).padEnd(20)} ${field.help}${def}`);
    }
  }
  return lines.join('\n');
}

function valueHint(f: Field<unknown>): string {
  if (f.type === 'boolean') return '';
  if (f.type === 'choice') return f.choices!.join('|');
  return describe(f.type === 'int' ? 'int' : 'number', f).replace(/^an? /, '');
}

function report(r: SearchResult, text: string, correct: boolean, out?: string): string {
  const lines = [`problem: ${text}`, `strategy: ${r.strategy.name} ${JSON.stringify(r.strategy.config)}  seed ${r.seed}`, '', 'best trajectory:'];
  r.best?.steps.forEach((s, i) => lines.push(`  ${i + 1}. ${s}`));
  lines.push(`  answer ${r.best?.answer ?? '(none)'}  score ${r.best?.score?.toFixed(3) ?? '-'}  ${correct ? 'correct' : 'wrong'}`, '', 'tree:');
  lines.push(...treeView(r.tree, new Set(r.best ? r.tree.path(r.best.nodeId).map((n) => n.id) : [])));
  const s = r.stats;
  lines.push(
    '',
    `stats: ${s.nodes} nodes, ${s.policyCalls} policy calls, ${s.tokens} tokens, ${s.prmCalls} PRM steps, ${s.failures} failed, ${s.wallMs.toFixed(1)} ms, stopped by ${s.stoppedBy}`,
  );
  if (out) lines.push(`tree written to ${out}`);
  return lines.join('\n');
}

/** The best path with its siblings; other subtrees folded into a count. */
export function treeView(t: SearchTree, onPath: Set<string>, maxLines = 80): string[] {
  const out: string[] = [];
  const size = (n: TreeNode): number => 1 + n.children.reduce((a, c) => a + size(t.get(c)!), 0);
  const line = (n: TreeNode, indent: string) => {
    const mark = onPath.has(n.id) ? '*' : ' ';
    const sc = n.score === null ? '  -  ' : n.score.toFixed(3);
    const extra = [
      n.visits ? `N=${n.visits}` : '',
      n.terminal ? `→ ${n.answer}` : '',
      n.failed ? `FAILED` : '',
      !onPath.has(n.id) && n.children.length ? `(+${size(n) - 1} below)` : '',
    ]
      .filter(Boolean)
      .join(' ');
    out.push(`${indent}${mark} ${n.id.padEnd(14)} ${sc}  ${n.text || '(root)'} ${extra}`);
  };
  const walk = (n: TreeNode, indent: string) => {
    if (out.length >= maxLines) return;
    line(n, indent);
    if (onPath.has(n.id)) for (const c of t.children(n.id)) walk(c, indent + '  ');
  };
  walk(t.root, '');
  if (out.length >= maxLines) out.push(`  … (${t.size} nodes in all)`);
  return out;
}

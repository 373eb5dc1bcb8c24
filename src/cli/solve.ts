import { existsSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { SelectionName } from '../core/aggregate.ts';
import type { Budget } from '../core/budget.ts';
import { InvalidOptionError } from '../core/errors.ts';
import type { PRM } from '../reward/types.ts';
import { search } from '../search/engine.ts';
import { SCHEMA_VERSION, stringifyTree } from '../search/schema.ts';
import { strategyByName } from '../search/strategies/index.ts';
import type { SearchResult } from '../search/result.ts';
import type { SearchTree, TreeNode } from '../search/tree.ts';
import { arithProblem, ArithPolicy, gradeArith, VerifierPRM } from '../tasks/arith.ts';
import { number, parse, strategyOptions } from './args.ts';

export const SOLVE_HELP = `steptree solve --task arith [--length L] [--error-rate p] [--prm verifier|tfjs] [--prm-noise s] [--model DIR]
  --strategy greedy|best-of-n|beam|dvts|mcts|best-first|rebase [strategy options]
  [--budget-policy-calls n] [--budget-tokens n] [--budget-prm-calls n] [--budget-nodes n] [--budget-ms n]
  [--aggregation last|min|prod|mean|geomean] [--selection best|majority|weighted]
  --seed n [--out tree.json] [--json]
strategy options: --n --beam-width --lookahead --max-depth (beam, dvts, best-of-n)
  --simulations --formula puct|uct --c-puct --prior logprob|uniform --expansion-width --rollout --parallel
  --virtual-loss --final-pick visits|value --widening-alpha --widening-c (mcts)
  --expansion-width --depth-penalty --frontier-cap --parallel --solutions (best-first)
  --n --balance-temperature --rounding round|largest-remainder --max-depth (rebase)`;

/** Defaults a user gets without strategy flags. */
const DEFAULTS: Record<string, Record<string, unknown>> = { beam: { n: 8, beamWidth: 4 }, dvts: { n: 8, beamWidth: 4 }, 'best-of-n': { n: 8 }, rebase: { n: 8 } };

export async function solve(argv: string[], loadTfjsPRM?: (dir: string | undefined) => Promise<PRM>): Promise<number> {
  const { values } = parse(argv, {
    task: { type: 'string', default: 'arith' }, length: { type: 'string' }, 'error-rate': { type: 'string' },
    prm: { type: 'string', default: 'verifier' }, 'prm-noise': { type: 'string' }, model: { type: 'string' },
    strategy: { type: 'string', default: 'beam' }, seed: { type: 'string', default: '1' },
    'budget-policy-calls': { type: 'string' }, 'budget-tokens': { type: 'string' }, 'budget-prm-calls': { type: 'string' },
    'budget-nodes': { type: 'string' }, 'budget-ms': { type: 'string' },
    aggregation: { type: 'string' }, selection: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean' },
  });
  if (values.help) return console.log(SOLVE_HELP), 0;
  if (values.task !== 'arith') throw new InvalidOptionError('--task', `only the offline task "arith" is built in, got ${JSON.stringify(values.task)}`);
  // check where the tree goes before spending a search on it
  if (values.out && !existsSync(dirname(resolve(values.out as string)))) throw new InvalidOptionError('--out', `folder ${dirname(values.out as string)} does not exist`);
  const seed = number('seed', values.seed, true)!;
  const problem = arithProblem(seed, { length: number('length', values.length, true) ?? 10 });
  const policy = new ArithPolicy({ errorRate: number('error-rate', values['error-rate']) ?? 0.3, seed });
  let prm: PRM;
  if (values.prm === 'verifier') prm = new VerifierPRM({ noise: number('prm-noise', values['prm-noise']) ?? 0, seed });
  else if (values.prm === 'tfjs' && loadTfjsPRM) prm = await loadTfjsPRM(values.model as string | undefined);
  else throw new InvalidOptionError('--prm', `expected verifier${loadTfjsPRM ? ' or tfjs' : ''}, got ${JSON.stringify(values.prm)}`);
  const name = values.strategy as string;
  const strategy = strategyByName(name, { ...(DEFAULTS[name] ?? {}), ...strategyOptions(values) });
  const budget: Budget = Object.fromEntries(
    ([['policyCalls', 'budget-policy-calls'], ['tokens', 'budget-tokens'], ['prmCalls', 'budget-prm-calls'], ['nodes', 'budget-nodes'], ['wallMs', 'budget-ms']] as const)
      .map(([k, f]) => [k, number(f, values[f])]).filter(([, v]) => v !== undefined),
  );
  const r = await search({ problem, policy, prm, strategy, budget, seed, aggregation: values.aggregation as never, selection: values.selection as SelectionName | undefined });
  if (values.out) {
    try {
      writeFileSync(values.out as string, stringifyTree(r) + '\n');
    } catch (e) {
      throw new InvalidOptionError('--out', `cannot write ${values.out}: ${(e as Error).message}`);
    }
  }
  const correct = gradeArith(problem, r.best?.answer ?? null);
  if (values.json) {
    const best = r.best && { steps: r.best.steps, answer: r.best.answer, score: r.best.score, nodeId: r.best.nodeId };
    console.log(JSON.stringify({ schemaVersion: SCHEMA_VERSION, problem, best, correct, stats: r.stats }));
  } else console.log(report(r, problem.text, correct, values.out as string | undefined));
  return 0;
}

function report(r: SearchResult, text: string, correct: boolean, out?: string): string {
  const lines = [`problem: ${text}`, `strategy: ${r.strategy.name} ${JSON.stringify(r.strategy.config)}  seed ${r.seed}`, '', 'best trajectory:'];
  r.best?.steps.forEach((s, i) => lines.push(`  ${i + 1}. ${s}`));
  lines.push(`  answer ${r.best?.answer ?? '(none)'}  score ${r.best?.score?.toFixed(3) ?? '-'}  ${correct ? 'correct' : 'wrong'}`, '', 'tree:');
  lines.push(...treeView(r.tree, new Set(r.best ? r.tree.path(r.best.nodeId).map((n) => n.id) : [])));
  const s = r.stats;
  lines.push('', `stats: ${s.nodes} nodes, ${s.policyCalls} policy calls, ${s.tokens} tokens, ${s.prmCalls} PRM steps, ${s.failures} failed, ${s.wallMs.toFixed(1)} ms, stopped by ${s.stoppedBy}`);
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
    const extra = [n.visits ? `N=${n.visits}` : '', n.terminal ? `→ ${n.answer}` : '', n.failed ? `FAILED` : '', !onPath.has(n.id) && n.children.length ? `(+${size(n) - 1} below)` : ''].filter(Boolean).join(' ');
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

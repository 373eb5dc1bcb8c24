import { readFileSync } from 'node:fs';
import { InvalidOptionError } from '../core/errors.ts';
import { closeGraders, gradeAnswer, type GradeResult } from '../grade/index.ts';
import type { GraderName } from '../tasks/types.ts';
import { number, parseFlags } from './args.ts';

const HELP = `steptree grade --dataset gsm8k|math|math500|arith --pred TEXT --ref TEXT [--explain]

Grades one prediction (a model's full output or a bare answer) against a reference answer and
prints true or false, so a disputed grade can be checked by hand.
  --dataset      which grader: gsm8k (numeric), math / math500 (normalisation, then symbolic), arith
  --pred TEXT    the prediction text (--pred-file PATH reads it from a file)
  --ref TEXT     the reference answer (a bare answer, a \\boxed{} solution or a "#### N" solution)
  --explain      also print the deciding rule, the extracted answer and both normal forms
  --timeout-ms   time limit of the symbolic stage (default 5000)
  --tolerance T  relative numeric tolerance (default 0: exact; 2\\pi ≠ 6.2832)

example: steptree grade --dataset math --pred 'so the answer is $\\boxed{\\dfrac12}$.' --ref 0.5 --explain`;

const GRADERS: Record<string, GraderName> = { gsm8k: 'gsm8k', math: 'math', math500: 'math', arith: 'arith' };

export function explain(g: GradeResult): string {
  const lines = [
    `rule: ${g.rule} (stage ${g.stage ?? 1}, status ${g.status})`,
    `extracted: ${g.extracted === null ? '(none)' : JSON.stringify(g.extracted)}${g.extractedBy ? ` by ${g.extractedBy}` : ''}`,
  ];
  if (g.normalized)
    lines.push(`prediction normal form: ${JSON.stringify(g.normalized.prediction)}`, `reference normal form: ${JSON.stringify(g.normalized.reference)}`);
  if (g.detail) lines.push(`detail: ${g.detail}`);
  return lines.join('\n');
}

export async function gradeCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, {
    dataset: { type: 'string' },
    pred: { type: 'string' },
    'pred-file': { type: 'string' },
    ref: { type: 'string' },
    explain: { type: 'boolean' },
    'timeout-ms': { type: 'string' },
    tolerance: { type: 'string' },
    help: { type: 'boolean' },
  });
  if (values.help) return (console.log(HELP), 0);
  const grader = GRADERS[values.dataset ?? ''];
  if (!grader) throw new InvalidOptionError('--dataset', `expected one of ${Object.keys(GRADERS).join(', ')}, got ${JSON.stringify(values.dataset ?? '')}`);
  if ((values.pred === undefined) === (values['pred-file'] === undefined))
    throw new InvalidOptionError('--pred', 'give exactly one of --pred TEXT and --pred-file PATH');
  if (values.ref === undefined) throw new InvalidOptionError('--ref', 'the reference answer is required');
  let pred = values.pred;
  if (pred === undefined) {
    try {
      pred = readFileSync(values['pred-file']!, 'utf8');
    } catch (e) {
      throw new InvalidOptionError('--pred-file', `cannot read ${values['pred-file']}: ${(e as Error).message}`);
    }
  }
  const timeoutMs = number('timeout-ms', values['timeout-ms'], true, { min: 1 });
  const tolerance = number('tolerance', values.tolerance, false, { min: 0 });
  try {
    const g = await gradeAnswer(grader, pred, values.ref, {
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
      ...(tolerance === undefined ? {} : { tolerance }),
    });
    console.log(String(g.correct));
    if (values.explain) console.log(explain(g));
  } finally {
    await closeGraders();
  }
  return 0;
}

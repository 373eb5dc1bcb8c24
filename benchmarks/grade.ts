// Grading benchmark: which stage decides, agreement with the labels shipped with real model outputs,
// time per grade for each stage, and how many MATH-500 answers compute-engine parses.
//   npx tsx benchmarks/grade.ts [--json]
import { existsSync, readFileSync } from 'node:fs';
import { closeGraders, gradeAnswer, gradeAnswerSync, lastBoxed, normalizeMath } from '../src/grade/index.ts';
import { SymbolicPool } from '../src/grade/pool.ts';
import type { GraderName } from '../src/tasks/types.ts';

const DATA = new URL('../../shared/data/', import.meta.url);
const rows = (p: string): any[] =>
  readFileSync(new URL(p, DATA), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

interface Case {
  readonly grader: GraderName;
  readonly pred: string;
  readonly ref: string;
  /** The label shipped with the data (null: the pair must grade equal). */
  readonly label: boolean | null;
}

function sets(): Record<string, Case[]> {
  const m500 = rows('math/math500_test.jsonl');
  const full = rows('math/math_test_full.jsonl');
  const gsm = rows('gsm8k/test.jsonl');
  const byProblem = new Map(full.map((r) => [r.problem.trim(), lastBoxed(r.solution)!]));
  const gsmByQ = new Map(gsm.map((r) => [r.question.trim(), r.answer.split('####').pop().trim()]));
  const pbMath = rows('processbench/math.jsonl').filter((r) => byProblem.has(r.problem.trim()));
  const pbGsm = rows('processbench/gsm8k.jsonl').filter((r) => gsmByQ.has(r.problem.trim()));
  const ex = rows('gsm8k/example_model_solutions.jsonl');
  const models = ['6b_finetuning', '6b_verification', '175b_finetuning', '175b_verification'];
  return {
    'MATH-500 solution vs answer': m500.map((r) => ({ grader: 'math', pred: r.solution, ref: r.answer, label: null })),
    'MATH test solution vs itself': full.map((r) => ({ grader: 'math', pred: r.solution, ref: lastBoxed(r.solution)!, label: null })),
    'GSM8K test reference vs itself': gsm.map((r) => ({ grader: 'gsm8k', pred: r.answer, ref: r.answer.split('####').pop().trim(), label: null })),
    'Qwen2.5-Math 100×8 (bon/) vs its score': rows('bon/qwen25math_math_cot_100.jsonl').flatMap((r) =>
      r.code.map((c: string, i: number) => ({ grader: 'math', pred: c, ref: r.answer, label: r.score[i] })),
    ),
    'ProcessBench math vs final_answer_correct': pbMath.map((r) => ({
      grader: 'math',
      pred: r.steps.join('\n\n'),
      ref: byProblem.get(r.problem.trim())!,
      label: r.final_answer_correct,
    })),
    'ProcessBench gsm8k vs final_answer_correct': pbGsm.map((r) => ({
      grader: 'gsm8k',
      pred: r.steps.join('\n\n'),
      ref: gsmByQ.get(r.problem.trim())!,
      label: r.final_answer_correct,
    })),
    'GSM8K example solutions (4 models) vs is_correct': ex.flatMap((r) =>
      models.map((m) => ({
        grader: 'gsm8k',
        pred: r[m].solution.replace(/A:\s*([^\n]*)\s*$/, '#### $1'),
        ref: r.ground_truth.split('A:').pop().trim(),
        label: r[m].is_correct,
      })),
    ),
  };
}

async function agreement(cases: Case[]) {
  let s1 = 0,
    s2 = 0,
    ok = 0,
    timeouts = 0,
    errors = 0,
    t1 = 0,
    t2 = 0;
  for (const c of cases) {
    const t0 = performance.now();
    const g = await gradeAnswer(c.grader, c.pred, c.ref);
    const dt = performance.now() - t0;
    if (g.stage === 2) (s2++, (t2 += dt));
    else (s1++, (t1 += dt));
    if (g.status === 'timeout') timeouts++;
    if (g.status === 'error') errors++;
    if (g.correct === (c.label ?? true)) ok++;
  }
  return { n: cases.length, stage1: s1, stage2: s2, agree: ok, timeouts, errors, usPerStage1: (1000 * t1) / Math.max(1, s1), msPerStage2: s2 ? t2 / s2 : null };
}

/** Stage 1 alone, mean over several passes of the 5,000 MATH answers (µs per grade). */
function stage1Speed(answers: string[]): number {
  for (const a of answers.slice(0, 500)) gradeAnswerSync('math', a, a);
  const t0 = performance.now();
  const passes = 3;
  for (let p = 0; p < passes; p++) for (const a of answers) gradeAnswerSync('math', `so $\\boxed{${a}}$.`, a);
  return ((performance.now() - t0) * 1000) / (passes * answers.length);
}

/** Stage 2 on every MATH-500 answer against itself (normalised form): parse count and warm ms per pair. */
async function stage2(answers: string[]) {
  const pool = new SymbolicPool({ size: 1 });
  const t0 = performance.now();
  await pool.compare([['1', '1', 'value']], 60_000);
  const startMs = performance.now() - t0;
  let parsedNorm = 0,
    parsedRaw = 0,
    equal = 0,
    timeouts = 0;
  const t1 = performance.now();
  for (const a of answers) {
    const n = normalizeMath(a);
    const o = await pool.compare(
      [
        [n, n, 'value'],
        [a, a, 'value'],
      ],
      5000,
    );
    if (o.status !== 'ok') {
      timeouts++;
      continue;
    }
    if (o.results[0]!.parsed[0]) parsedNorm++;
    if (o.results[1]!.parsed[0]) parsedRaw++;
    if (o.results[0]!.verdict === 'equal') equal++;
  }
  const msPerPair = (performance.now() - t1) / (2 * answers.length);
  await pool.close();
  return { answers: answers.length, parsedNormalized: parsedNorm, parsedRaw, selfEqual: equal, timeoutsOrErrors: timeouts, workerStartMs: startMs, msPerPair };
}

async function main() {
  if (!existsSync(DATA)) return console.log(`no data at ${DATA.pathname}: nothing to measure`);
  const out: Record<string, unknown> = {};
  const table = [
    '| set | n | stage 1 decides | needs stage 2 | agrees with label | timeouts / errors | µs per stage-1 grade | ms per stage-2 grade |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  await gradeAnswer('math', 'x+1', '1+x'); // start the worker first: its start-up is reported apart
  for (const [name, cases] of Object.entries(sets())) {
    const r = await agreement(cases);
    out[name] = r;
    table.push(
      `| ${name} | ${r.n} | ${r.stage1} | ${r.stage2} | ${r.agree} (${((100 * r.agree) / r.n).toFixed(1)} %) | ${r.timeouts} / ${r.errors} | ${r.usPerStage1.toFixed(0)} | ${r.msPerStage2 === null ? '–' : r.msPerStage2.toFixed(1)} |`,
    );
  }
  await closeGraders();
  const full = rows('math/math_test_full.jsonl').map((r) => lastBoxed(r.solution)!);
  const us = stage1Speed(full);
  const s2 = await stage2(rows('math/math500_test.jsonl').map((r) => r.answer));
  out.stage1UsPerGrade = us;
  out.stage2 = s2;
  if (process.argv.includes('--json')) return console.log(JSON.stringify(out));
  console.log(table.join('\n'));
  console.log(`\nstage 1 alone: ${us.toFixed(1)} µs per grade (MATH test answers, boxed in a sentence)`);
  console.log(
    `stage 2: worker start ${s2.workerStartMs.toFixed(0)} ms; ${s2.msPerPair.toFixed(2)} ms per pair warm; compute-engine parses ${s2.parsedNormalized}/${s2.answers} MATH-500 answers after normalisation, ${s2.parsedRaw}/${s2.answers} raw; ${s2.selfEqual} equal themselves; ${s2.timeoutsOrErrors} timeouts or errors`,
  );
}

await main();

import { gradeArith } from '../tasks/arith.ts';
import type { GraderName } from '../tasks/types.ts';
import { extractWithRule, lastBoxed, lastNumber } from './extract.ts';
import { gsm8kEqual, gsm8kNumber } from './gsm8k.ts';
import { mathStage1, pairKey, resolveWithSymbolic, toleranceOf, type Stage1 } from './math.ts';
import { SymbolicPool, type PoolOptions } from './pool.ts';
import { toString } from './rational.ts';
import type { Verdict } from './structure.ts';
import type { GradeOptions, GradeResult } from './types.ts';

/**
 * Grading: extract the final answer from a model's output and compare it with the reference under
 * the dataset's rules. MATH runs stage 1 (normalisation, exact rationals, shapes) and sends only what
 * it leaves undecided to the symbolic stage in a worker pool. The search never imports this module.
 */
export type { GradeOptions, GradeResult } from './types.ts';
export type { PoolOptions } from './pool.ts';
export { extractAnswer, extractWithRule, lastBoxed, type Extraction } from './extract.ts';
export { normalizeMath } from './normalize.ts';
export { mathStage1 } from './math.ts';

const DEFAULT_TIMEOUT_MS = 5000;
const DEFAULT_MAX_SYMBOLIC = 2000;

/** A reference may come as a bare answer, a `\boxed{}` solution or a GSM8K `#### N` solution. */
export function referenceAnswer(reference: string): string {
  const boxed = lastBoxed(reference);
  if (boxed !== null) return boxed.trim();
  const i = reference.lastIndexOf('####');
  return (i >= 0 ? reference.slice(i + 4) : reference).trim();
}

function arithAnswer(a: string): string {
  // a whole step "17 + 5 = 22" states its result after the last `=`
  const i = a.lastIndexOf('=');
  return i >= 0 ? a.slice(i + 1).trim() : a.trim();
}

function stage1Result(s: Stage1, extracted: string, extractedBy: string): GradeResult {
  const normalized = { prediction: s.prediction, reference: s.reference };
  return { correct: s.verdict === 'equal', rule: s.rule, status: 'ok', extracted, stage: 1, extractedBy, normalized };
}

/**
 * Stage 1 only, synchronous: what normalisation and exact arithmetic decide. A MATH pair that needs
 * the symbolic stage grades false with rule `undecided`.
 */
export function gradeAnswerSync(grader: GraderName, prediction: string, reference: string, options: Pick<GradeOptions, 'tolerance'> = {}): GradeResult {
  let ex = extractWithRule(prediction);
  const ref = referenceAnswer(reference);
  // GSM8K answers are numbers: a short phrase ("costs 18") that is not one falls back to its last number
  // (and a last math span "$160 - 36 - 65 = 59$" is an equation, not a number)
  if (grader !== 'math' && (ex?.rule === 'last-math' || (ex?.rule === 'bare' && gsm8kNumber(ex.answer) === null))) ex = lastNumber(prediction) ?? ex;
  if (ex === null) return { correct: false, rule: 'no-answer', status: 'ok', extracted: null, stage: 1 };
  const base = { status: 'ok', extracted: ex.answer, stage: 1, extractedBy: ex.rule } as const;
  if (grader === 'gsm8k') {
    const [p, r] = [gsm8kNumber(ex.answer), gsm8kNumber(ref)];
    const normalized = { prediction: p ? toString(p) : ex.answer, reference: r ? toString(r) : ref };
    return { ...base, correct: gsm8kEqual(ex.answer, ref, toleranceOf(options.tolerance)), rule: 'numeric', normalized };
  }
  if (grader === 'arith') {
    const a = arithAnswer(ex.answer);
    return { ...base, correct: gradeArith({ id: 'grade', text: '', answer: ref }, a), rule: 'exact-integer', normalized: { prediction: a, reference: ref } };
  }
  return stage1Result(mathStage1(ex.answer, ref, options.tolerance), ex.answer, ex.rule);
}

let pool: SymbolicPool | null = null;
let poolOptions: PoolOptions = {};

/** Set the symbolic pool's size and memory cap (applies to the next pool started). */
export function configureGraders(o: PoolOptions): void {
  poolOptions = o;
}

/** Terminate the symbolic workers (a later grade starts new ones). */
export async function closeGraders(): Promise<void> {
  const p = pool;
  pool = null;
  await p?.close();
}

/** Grade `prediction` (a model's full output, or a bare answer) against `reference`. Never throws on a hostile answer. */
export async function gradeAnswer(grader: GraderName, prediction: string, reference: string, options: GradeOptions = {}): Promise<GradeResult> {
  const r1 = gradeAnswerSync(grader, prediction, reference, options);
  if (grader !== 'math' || r1.rule !== 'undecided' || options.symbolic === false) return r1;
  const s = mathStage1(r1.extracted!, referenceAnswer(reference), options.tolerance);
  const max = options.maxSymbolicLength ?? DEFAULT_MAX_SYMBOLIC;
  if (s.pending.some(([a, b]) => a.length > max || b.length > max)) return { ...r1, rule: 'too-long-for-symbolic' };
  pool ??= new SymbolicPool(poolOptions);
  const out = await pool.compare(s.pending, options.timeoutMs ?? DEFAULT_TIMEOUT_MS, options.tolerance ?? 0);
  if (out.status !== 'ok') return { ...r1, stage: 2, rule: 'symbolic', status: out.status, ...(out.status === 'error' ? { detail: out.message } : {}) };
  const decided = new Map<string, Verdict>(s.pending.map((pair, i) => [pairKey(pair), out.results[i]!.verdict]));
  const unparsed = out.results.some((r) => !r.parsed[0] || !r.parsed[1]);
  const verdict = resolveWithSymbolic(s, decided, options.tolerance);
  return { ...r1, stage: 2, correct: verdict === 'equal', rule: unparsed && verdict !== 'equal' ? 'symbolic-unparsed' : 'symbolic' };
}

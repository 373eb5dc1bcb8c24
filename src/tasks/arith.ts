import seedrandom from 'seedrandom';
import { InvalidOptionError } from '../core/errors.ts';
import { checkField, opt } from '../core/options.ts';
import type { Problem } from '../core/problem.ts';
import type { Policy, ProposeRequest, StepProposal } from '../policy/types.ts';
import type { PRM, ScoreRequest } from '../reward/types.ts';

/**
 * The offline task `arith`: a start integer and L operations (+a, −a, ×a, values mod 1000). Each step
 * states one operation and its result ("17 + 5 = 22"); the answer is the last result. Search matters
 * because the simulated policy errs per step and later steps build on its mistakes.
 */
export type Op = '+' | '-' | '*';
export interface ArithMeta {
  readonly start: number;
  readonly ops: readonly { readonly op: Op; readonly a: number }[];
}

const MOD = 1000;
export const applyOp = (v: number, op: Op, a: number): number => (((op === '+' ? v + a : op === '-' ? v - a : v * a) % MOD) + MOD) % MOD;

export function arithProblem(seed: number | string, opts: { length?: number } = {}): Problem {
  const length = opts.length ?? 10;
  checkField('length', length, opt.int({ min: 1 }));
  const rng = seedrandom(`arith-problem/${seed}/${length}`);
  const int = (lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
  const start = int(1, 99);
  const ops = Array.from({ length }, () => {
    const op = (['+', '-', '*'] as const)[int(0, 2)]!;
    return { op, a: op === '*' ? int(2, 9) : int(1, 99) };
  });
  const answer = ops.reduce((v, o) => applyOp(v, o.op, o.a), start);
  const text = `Start with ${start}. ${ops.map((o) => `${o.op === '*' ? 'Multiply by' : o.op === '+' ? 'Add' : 'Subtract'} ${o.a}`).join(', then ')}. Work modulo 1000; state each result.`;
  return { id: `arith-${seed}-L${length}`, text, answer: String(answer), meta: { start, ops } satisfies ArithMeta };
}

export function arithMeta(p: Problem): ArithMeta {
  const m = p.meta as ArithMeta | undefined;
  if (!m || !Number.isInteger(m.start) || !Array.isArray(m.ops)) throw new InvalidOptionError('problem.meta', `problem ${p.id} is not an arith problem`);
  return m;
}

const STEP = /^(\d+) ([+\-*]) (\d+) = (\d+)$/;
export const stepText = (v: number, op: Op, a: number, r: number): string => `${v} ${op} ${a} = ${r}`;

/** The value the next step starts from: the last stated result (right or wrong), else the start. */
function currentValue(m: ArithMeta, steps: readonly string[]): number {
  const last = steps.length ? STEP.exec(steps[steps.length - 1]!) : null;
  return last ? Number(last[4]) : m.start;
}

export interface ArithPolicyOptions {
  /** Probability that a proposed step has a wrong result. */
  readonly errorRate?: number;
  readonly seed?: string | number;
}

/** Simulated policy, deterministic per (seed, request seed). Logprobs are mildly informative, like an LLM's. */
export class ArithPolicy implements Policy {
  readonly name = 'arith-sim';
  readonly errorRate: number;
  private readonly seed: string;
  constructor(o: ArithPolicyOptions = {}) {
    this.errorRate = o.errorRate ?? 0.3;
    checkField('errorRate', this.errorRate, opt.number({ min: 0, max: 1 }));
    this.seed = String(o.seed ?? 0);
  }
  async propose(req: ProposeRequest): Promise<StepProposal[]> {
    return this.proposeSync(req);
  }
  proposeSync(req: Pick<ProposeRequest, 'problem' | 'steps' | 'k' | 'seed'>): StepProposal[] {
    const m = arithMeta(req.problem);
    const i = req.steps.length;
    if (i >= m.ops.length) return [];
    const rng = seedrandom(`${this.seed}/${req.problem.id}/${req.seed}`);
    const v = currentValue(m, req.steps);
    const { op, a } = m.ops[i]!;
    const right = applyOp(v, op, a);
    const terminal = i === m.ops.length - 1;
    return Array.from({ length: req.k }, () => {
      const wrong = rng() < this.errorRate;
      // a wrong result is off by a small nonzero amount, the kind of slip a model makes
      const r = wrong ? (right + (1 + Math.floor(rng() * 20)) * (rng() < 0.5 ? -1 : 1) + MOD) % MOD : right;
      const conf = wrong ? 0.1 + 0.8 * rng() : 0.3 + 0.7 * rng();
      const text = stepText(v, op, a, r);
      return { text, tokens: 7, logprob: Math.log(conf), terminal, ...(terminal ? { answer: String(r) } : {}) };
    });
  }
}

export interface VerifierOptions {
  /** Std-dev of Gaussian noise added to the verdict's logit (0 = perfect verifier). */
  readonly noise?: number;
  readonly seed?: string | number;
}

/** PRM that checks each step's input, operation and arithmetic; seeded logit noise dials its quality. */
export class VerifierPRM implements PRM {
  readonly name = 'verifier';
  readonly noise: number;
  private readonly seed: string;
  constructor(o: VerifierOptions = {}) {
    this.noise = o.noise ?? 0;
    checkField('prmNoise', this.noise, opt.number({ min: 0 }));
    this.seed = String(o.seed ?? 0);
  }
  async score(reqs: readonly ScoreRequest[]): Promise<number[]> {
    return reqs.map((r) => this.scoreOne(r.problem, r.prefix, r.step));
  }
  info() {
    return { name: this.name, noise: this.noise };
  }
  scoreOne(problem: Problem, prefix: readonly string[], step: string): number {
    const ok = checkStep(arithMeta(problem), prefix, step);
    let logit = ok ? 6 : -6;
    if (this.noise > 0) {
      // noise depends only on the request, so a step always gets the same score
      const rng = seedrandom(`${this.seed}/${problem.id}/${prefix.length}/${step}`);
      const g = Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
      logit += this.noise * g;
    }
    return 1 / (1 + Math.exp(-logit));
  }
}

/** Is this step right given the true value so far (an error earlier makes every later step wrong)? */
export function checkStep(m: ArithMeta, prefix: readonly string[], step: string): boolean {
  const i = prefix.length;
  const s = STEP.exec(step);
  if (!s || i >= m.ops.length) return false;
  const truth = m.ops.slice(0, i).reduce((v, o) => applyOp(v, o.op, o.a), m.start);
  const { op, a } = m.ops[i]!;
  return Number(s[1]) === truth && s[2] === op && Number(s[3]) === a && Number(s[4]) === applyOp(truth, op, a);
}

export const gradeArith = (p: Problem, answer: string | null): boolean => answer !== null && p.answer !== undefined && answer.trim() === p.answer;

import seedrandom from 'seedrandom';
import { InvalidOptionError } from '../../core/errors.ts';
import type { BenchItem } from '../../tasks/types.ts';
import { lastBoxed } from '../steps.ts';
import type { Policy, ProposeRequest, StepProposal } from '../types.ts';
import { forgetMarks, markStep } from './marks.ts';
import { canonical, carry, diffNumbers, format, numberTokens, type ValueMap } from './numbers.ts';
import { display, parseReference, type AnnotationMode, type Reference } from './reference.ts';

export interface SimulatedPolicyOptions {
  /** Looks up the benchmark item (with its reference solution) of a problem id; search never sees it. */
  readonly items: (problemId: string) => BenchItem | undefined;
  /** Probability that a proposed step changes one of its numbers (the error is carried through later steps). Default 0.2. */
  readonly errorRate?: number;
  readonly seed?: string | number;
  /** GSM8K calculator annotations in proposed steps: `strip` (default) or `keep`. */
  readonly annotations?: AnnotationMode;
}

/**
 * An offline policy grounded on real problems (a simulator; `info().simulated` is true): it proposes the
 * reference solution's next step or, with probability `errorRate` per sample, a corrupted one where one number
 * is changed. Later steps carry the change through (GSM8K annotations are re-evaluated), and a corrupted
 * trajectory always ends on a wrong final answer. Deterministic per (seed, problem, request seed).
 */
export class SimulatedPolicy implements Policy {
  readonly name = 'simulated';
  readonly errorRate: number;
  readonly annotations: AnnotationMode;
  private readonly seed: string;
  private readonly refs = new Map<string, Reference>();
  private readonly cleans = new Map<string, readonly string[]>();

  constructor(private readonly o: SimulatedPolicyOptions) {
    if (typeof o?.items !== 'function') throw new InvalidOptionError('policy.items', 'the simulated policy needs a lookup from problem id to its dataset item');
    this.errorRate = o.errorRate ?? 0.2;
    if (!(this.errorRate >= 0 && this.errorRate <= 1)) throw new InvalidOptionError('policy.errorRate', `expected a number in [0, 1], got ${o.errorRate}`);
    this.annotations = o.annotations ?? 'strip';
    if (this.annotations !== 'strip' && this.annotations !== 'keep')
      throw new InvalidOptionError('policy.annotations', `expected strip or keep, got ${JSON.stringify(o.annotations)}`);
    this.seed = String(o.seed ?? 0);
  }

  info() {
    return { name: this.name, simulated: true, errorRate: this.errorRate, annotations: this.annotations };
  }

  async propose(req: ProposeRequest): Promise<StepProposal[]> {
    return this.proposeSync(req);
  }

  /** The problem's parsed reference and the oracle's marks: a long run would otherwise hold every problem's. */
  forget(problemId: string): void {
    this.refs.delete(problemId);
    this.cleans.delete(problemId);
    forgetMarks(problemId);
  }

  proposeSync(req: Pick<ProposeRequest, 'problem' | 'steps' | 'k' | 'seed'>): StepProposal[] {
    const ref = this.reference(req.problem.id);
    const i = req.steps.length;
    if (i >= ref.steps.length) return [];
    const map = this.valuesSoFar(req.problem.id, ref, req.steps);
    const rng = seedrandom.alea(`${this.seed}/${req.problem.id}/${req.seed}`);
    const clean = this.clean(req.problem.id, ref)[i]!;
    let right: Omit<StepProposal, 'tokens'> | null = null; // every sample without a new error proposes the same step
    return Array.from({ length: req.k }, () => {
      const wrong = rng() < this.errorRate;
      const p = wrong ? this.step(ref, i, new Map(map), true, rng) : (right ??= this.step(ref, i, new Map(map), false, rng));
      markStep(req.problem.id, i, p.text, p.text !== clean);
      const conf = p.text !== clean ? 0.1 + 0.8 * rng() : 0.3 + 0.7 * rng();
      return { ...p, tokens: Math.ceil(p.text.length / 4), logprob: Math.log(conf) };
    });
  }

  /** The reference steps as proposed. */
  private clean(id: string, ref: Reference): readonly string[] {
    let c = this.cleans.get(id);
    if (!c) this.cleans.set(id, (c = ref.steps.map((t, j) => display(ref, j, t, ref.answer, this.annotations))));
    return c;
  }

  private reference(id: string): Reference {
    let ref = this.refs.get(id);
    if (!ref) {
      const item = this.o.items(id);
      if (!item) throw new InvalidOptionError('policy.items', `no dataset item for problem ${JSON.stringify(id)}`);
      this.refs.set(id, (ref = parseReference(item)));
    }
    return ref;
  }

  /**
   * The values changed so far, recovered from the prefix by comparing each step with its reference. The prefix is
   * marked too, so the oracle can judge a search resumed from a saved tree.
   */
  private valuesSoFar(problemId: string, ref: Reference, steps: readonly string[]): ValueMap {
    const map: ValueMap = new Map();
    const cleans = this.clean(problemId, ref);
    steps.forEach((s, j) => {
      const clean = cleans[j] ?? '';
      markStep(problemId, j, s, s !== clean);
      if (s !== clean) for (const [from, to] of diffNumbers(clean, s) ?? []) if (!map.has(from)) map.set(from, to);
    });
    return map;
  }

  private step(ref: Reference, i: number, map: ValueMap, wrong: boolean, rng: () => number): Omit<StepProposal, 'tokens'> {
    const src = ref.steps[i]!;
    const nums = wrong ? numberTokens(ref.kind === 'gsm8k' ? src.replace(/<<[^<>]*>>/g, (m) => ' '.repeat(m.length)) : src) : [];
    if (nums.length) {
      const c = canonical(nums[Math.floor(rng() * nums.length)]!.text);
      map.set(c, nudge(Number(map.get(c) ?? c), rng));
    }
    const terminal = i === ref.steps.length - 1;
    let text = carry(src, map);
    if (!terminal) return { text: display(ref, i, text, '', this.annotations), terminal };
    let answer = finalAnswer(ref, text, map);
    // a last step without numbers (a word answer) can still be wrong: its answer is changed
    if ((map.size > 0 || wrong) && answer === ref.answer) {
      // the error did not reach the answer: change the answer too, so a corrupted trajectory never ends right
      const forced = forceWrong(ref, src, map, rng);
      text = forced.text;
      answer = forced.answer;
    }
    return { text: display(ref, i, text, answer, this.annotations), terminal, answer };
  }
}

function finalAnswer(ref: Reference, text: string, map: ValueMap): string {
  if (ref.kind === 'gsm8k') return map.get(canonical(ref.answer)) ?? ref.answer;
  return lastBoxed(text) ?? ref.answer;
}

function forceWrong(ref: Reference, src: string, map: ValueMap, rng: () => number): { text: string; answer: string } {
  if (ref.kind === 'gsm8k') {
    const a = canonical(ref.answer);
    map.set(a, nudge(Number(a), rng));
    return { text: carry(src, map), answer: map.get(a)! };
  }
  const text = carry(src, map);
  const boxed = lastBoxed(text) ?? '';
  const nums = numberTokens(boxed);
  const wrong = nums.length
    ? boxed.slice(0, nums[nums.length - 1]!.at) +
      nudge(Number(canonical(nums[nums.length - 1]!.text)), rng) +
      boxed.slice(nums[nums.length - 1]!.at + nums[nums.length - 1]!.text.length)
    : `${boxed} + 1`;
  const at = text.lastIndexOf(`{${boxed}}`);
  return { text: at < 0 ? text : text.slice(0, at) + `{${wrong}}` + text.slice(at + boxed.length + 2), answer: wrong };
}

/** A nearby different value, the kind of slip a model makes (never negative from a non-negative value). */
function nudge(v: number, rng: () => number): string {
  const places = Number.isInteger(v) ? 0 : Math.min(4, (String(v).split('.')[1] ?? '').length);
  const d = (1 + Math.floor(rng() * 5)) / 10 ** places;
  const down = rng() < 0.5 && v - d >= 0;
  return format(down ? v - d : v + d);
}

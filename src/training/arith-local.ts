/**
 * Exact local examples for the arith task: isolated steps "v op a = r" of fresh problems' true trajectories, half of
 * them right and half slips, for training a model's local check (reward/tfjs/train-check.ts). Slips follow the
 * simulated policy's (±1–20), and a share of them change only the tens digit (±10, ±20), the slips Monte-Carlo
 * labels of 3,000 problems gave too few of (benchmarks/README.md).
 */
import seedrandom from 'seedrandom';
import { checkField, opt } from '../core/options.ts';
import { applyOp, arithMeta, arithProblem, stepText } from '../tasks/arith.ts';
import type { LocalExample } from '../reward/tfjs/train-check.ts';

export interface ArithLocalOptions {
  /** Examples to make. */
  readonly count: number;
  readonly seed?: number | string;
  /** Share of slips that are ±10 or ±20 (the rest: ±1–20 uniform, as ArithPolicy slips). Default 0.5. */
  readonly tensShare?: number;
}

export function arithLocalExamples(o: ArithLocalOptions): LocalExample[] {
  checkField('count', o.count, opt.int({ min: 1 }));
  const tensShare = o.tensShare ?? 0.5;
  checkField('tensShare', tensShare, opt.number({ min: 0, max: 1 }));
  const rng = seedrandom(`arith-local/${o.seed ?? 0}`);
  const out: LocalExample[] = [];
  for (let p = 0; out.length < o.count; p++) {
    const m = arithMeta(arithProblem(`local-${o.seed ?? 0}-${p}`));
    let v = m.start;
    for (const { op, a } of m.ops) {
      if (out.length >= o.count) break;
      const r = applyOp(v, op, a);
      const right = rng() < 0.5;
      const size = rng() < tensShare ? (rng() < 0.5 ? 10 : 20) : 1 + Math.floor(rng() * 20);
      const slip = right ? 0 : size * (rng() < 0.5 ? -1 : 1);
      out.push({ step: stepText(v, op, a, (r + slip + 1000) % 1000), label: right ? 1 : 0 });
      v = r;
    }
  }
  return out;
}

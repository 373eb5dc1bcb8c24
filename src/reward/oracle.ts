import { createHash } from 'node:crypto';
import seedrandom from 'seedrandom';
import { InvalidOptionError, SteptreeError } from '../core/errors.ts';
import { stepDeviates } from '../policy/simulated/marks.ts';
import type { PRM, ScoreRequest } from './types.ts';

export interface OraclePRMOptions {
  /** Std-dev of Gaussian noise on the verdict's logit (0 = perfect). */
  readonly noise?: number;
  readonly seed?: string | number;
}

/**
 * A simulator PRM (`info().simulated` is true) that pairs with the `simulated` policy: it knows which steps that
 * policy corrupted (from the policy's private marks, never from the text) and scores a step right iff neither it
 * nor any step before it deviates from the reference. Seeded logit noise sets its quality. A step the simulated
 * policy never proposed cannot be judged: the batch fails with an error that says so.
 */
export class OraclePRM implements PRM {
  readonly name = 'oracle';
  readonly noise: number;
  private readonly seed: string;
  constructor(o: OraclePRMOptions = {}) {
    this.noise = o.noise ?? 0;
    if (!(this.noise >= 0 && Number.isFinite(this.noise))) throw new InvalidOptionError('prmNoise', `expected a number ≥ 0, got ${o.noise}`);
    this.seed = String(o.seed ?? 0);
  }
  async score(reqs: readonly ScoreRequest[]): Promise<number[]> {
    return reqs.map((r) => this.scoreOne(r));
  }
  info() {
    return { name: this.name, simulated: true, noise: this.noise };
  }
  scoreOne(r: Pick<ScoreRequest, 'problem' | 'prefix' | 'step'>): number {
    const steps = [...r.prefix, r.step];
    const ok = steps.every((s, depth) => {
      const d = stepDeviates(r.problem.id, depth, s);
      if (d === undefined) throw new SteptreeError(`oracle PRM: step ${depth} of problem ${r.problem.id} was not proposed by the simulated policy in this process (the oracle pairs only with --policy simulated)`);
      return !d;
    });
    let logit = ok ? 6 : -6;
    if (this.noise > 0) {
      // noise depends only on the path, so a step always gets the same score
      const path = createHash('sha256').update(steps.join('\u0000')).digest('hex');
      const rng = seedrandom(`${this.seed}/${r.problem.id}/${path}`);
      logit += this.noise * Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
    }
    return 1 / (1 + Math.exp(-logit));
  }
}

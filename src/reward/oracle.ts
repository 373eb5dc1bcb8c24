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
  release(keys: readonly string[]): void {
    for (const k of keys) this.paths.delete(k);
  }
  info() {
    return { name: this.name, simulated: true, noise: this.noise };
  }
  /** P(step right); with a `key`, a child is judged from its parent's cached verdict instead of the whole prefix. */
  scoreOne(r: Pick<ScoreRequest, 'problem' | 'prefix' | 'step'> & Partial<Pick<ScoreRequest, 'key' | 'parentKey'>>): number {
    const depth = r.prefix.length;
    const parent = depth === 0 ? { ok: true, hash: '' } : r.parentKey !== undefined ? this.paths.get(r.parentKey) : undefined;
    const before = parent ?? this.walk(r.problem.id, r.prefix);
    const ok = before.ok && !this.deviates(r.problem.id, depth, r.step);
    // noise depends only on the path (a hash chain over its steps), so a step always gets the same score
    const hash = this.noise > 0 ? createHash('sha256').update(`${before.hash}\u0000${r.step}`).digest('hex') : '';
    if (r.key !== undefined) this.paths.set(r.key, { ok, hash });
    let logit = ok ? 6 : -6;
    if (this.noise > 0) {
      const rng = seedrandom(`${this.seed}/${r.problem.id}/${hash}`);
      logit += this.noise * Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
    }
    return 1 / (1 + Math.exp(-logit));
  }

  private readonly paths = new Map<string, { ok: boolean; hash: string }>();

  private walk(problemId: string, prefix: readonly string[]): { ok: boolean; hash: string } {
    let ok = true,
      hash = '';
    prefix.forEach((s, depth) => {
      ok = !this.deviates(problemId, depth, s) && ok;
      if (this.noise > 0) hash = createHash('sha256').update(`${hash}\u0000${s}`).digest('hex');
    });
    return { ok, hash };
  }

  private deviates(problemId: string, depth: number, text: string): boolean {
    const d = stepDeviates(problemId, depth, text);
    if (d === undefined)
      throw new SteptreeError(
        `oracle PRM: step ${depth} of problem ${problemId} was not proposed by the simulated policy in this process (the oracle pairs only with --policy simulated)`,
      );
    return d;
  }
}

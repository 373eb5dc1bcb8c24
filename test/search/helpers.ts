import seedrandom from 'seedrandom';
import type { Policy, ProposeRequest, StepProposal } from '../../src/policy/types.ts';
import type { PRM, ScoreRequest } from '../../src/reward/types.ts';
import { ArithPolicy, VerifierPRM } from '../../src/tasks/arith.ts';

export const arithPolicy = (errorRate = 0.3) => new ArithPolicy({ errorRate });
export const verifier = (noise = 0) => new VerifierPRM({ noise });

/** Wraps a policy with random delays (from an unseeded source) so responses arrive in any order. */
export function jittery(p: Policy, maxMs = 4, seed = String(Math.random())): Policy {
  const rng = seedrandom(seed);
  return {
    name: p.name,
    propose: async (r: ProposeRequest) => {
      await sleep(rng() * maxMs);
      return p.propose(r);
    },
  };
}

export function slow(p: Policy, ms: number): Policy {
  return {
    name: p.name,
    propose: (r: ProposeRequest) =>
      new Promise<StepProposal[]>((res, rej) => {
        const t = setTimeout(() => res(p.propose(r)), ms);
        r.signal.addEventListener('abort', () => (clearTimeout(t), rej(new Error('aborted'))), { once: true });
      }),
  };
}

/** Counts calls and remembers every key scored. */
export function spyPRM(inner: PRM): PRM & { keys: string[]; batches: number } {
  const spy = {
    name: inner.name,
    keys: [] as string[],
    batches: 0,
    async score(reqs: readonly ScoreRequest[]) {
      spy.batches++;
      spy.keys.push(...reqs.map((r) => r.key));
      return inner.score(reqs);
    },
  };
  return spy;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

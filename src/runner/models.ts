import { join } from 'node:path';
import { InvalidOptionError } from '../core/errors.ts';
import { policyKinds } from '../policy/registry.ts';
import type { Policy } from '../policy/types.ts';
import { loadPRM } from '../reward/registry.ts';
import type { PRM } from '../reward/types.ts';
import type { BenchItem } from '../tasks/types.ts';
import type { BenchConfig } from './config.ts';

export interface Models {
  readonly policy: Policy;
  readonly prm: PRM;
  /** An offline simulator produced the steps: every output says so. */
  readonly simulated: boolean;
  /** `--prm none`: steps are not scored (greedy, majority vote); PRM steps count as 0. */
  readonly noPrm: boolean;
}

/**
 * Models are built once per run with seed 0: they are fixed like a served model, and the search seed
 * (`--seeds`) drives the sampling, so a (problem, seed) result does not depend on the other seeds.
 * `items` lets offline simulators read the reference of the problems in flight (search never sees it).
 */
export async function createModels(c: BenchConfig, items: (id: string) => BenchItem | undefined): Promise<Models> {
  const kind = Object.hasOwn(policyKinds, c.policy) ? policyKinds[c.policy] : undefined;
  if (!kind) throw new InvalidOptionError('--policy', `expected one of ${Object.keys(policyKinds).join(', ')}, got ${JSON.stringify(c.policy)}`);
  // the openai policy caches responses under the run folder unless told otherwise, so a resumed run never pays twice
  const options =
    c.policy === 'openai' && c.policyOptions.cache === undefined && c.cache !== false
      ? { ...c.policyOptions, cache: c.cache ?? join(c.out, 'cache') }
      : c.policyOptions;
  const ctx = { seed: 0, options, items };
  const policy = await kind.create(ctx);
  const prmCtx = {
    seed: 0,
    items,
    ...(c.prmNoise !== undefined && { noise: c.prmNoise }),
    ...(c.prmModel !== undefined && { model: c.prmModel }),
    ...(c.prmFormat !== undefined && { format: c.prmFormat }),
  };
  const prm = await loadPRM(c.prm, prmCtx);
  return { policy, prm, simulated: kind.simulated || prm.name === 'oracle' || prm.name === 'verifier', noPrm: prm.name === 'none' };
}

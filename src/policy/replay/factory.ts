import { InvalidOptionError } from '../../core/errors.ts';
import type { PolicyContext } from '../registry.ts';
import { ReplayPolicy, type ReplaySampling } from './policy.ts';

/** `replay` from the registry: options `pool` (a JSONL path or a list of them) and `sampling` (distinct | sample). */
export function createReplay(ctx: PolicyContext): ReplayPolicy {
  const { pool, sampling, ...rest } = ctx.options;
  const extra = Object.keys(rest);
  if (extra.length) throw new InvalidOptionError(`policy.${extra[0]}`, 'unknown option of the replay policy (known: pool, sampling)');
  const ok = typeof pool === 'string' || (Array.isArray(pool) && pool.length > 0 && pool.every((p) => typeof p === 'string'));
  if (!ok)
    throw new InvalidOptionError(
      'policy.pool',
      `expected a candidate file path or a list of them, e.g. ../shared/data/bon/qwen25math_math_cot_100.jsonl, got ${JSON.stringify(pool)}`,
    );
  return new ReplayPolicy({ pool: pool as string | string[], sampling: sampling as ReplaySampling | undefined, seed: ctx.seed });
}

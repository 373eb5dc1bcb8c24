import { InvalidOptionError } from '../core/errors.ts';
import type { PRM } from './types.ts';

/** What a PRM loader may use besides its own argument (`tfjs:DIR` → arg `DIR`). */
export interface PRMContext {
  readonly seed: number;
  /** Noise dial of simulated PRMs (verifier, oracle). */
  readonly noise?: number;
  /** Served model name and step format of a PRM behind a server (`--prm-model`, `--prm-format`). */
  readonly model?: string;
  readonly format?: string;
  /** tfjs backend preference of in-process models (`--backend`: auto, tensorflow, webgpu, wasm, cpu). */
  readonly backend?: string;
}

export interface PRMKind {
  readonly summary: string;
  /** `arg` is what follows `name:` in the spec (undefined when there is none). */
  load(arg: string | undefined, ctx: PRMContext): Promise<PRM>;
}

/**
 * One registry of PRM kinds, shared by every command that takes `--prm` (solve, bench, scale, prm eval).
 * A spec is `name` or `name:arg`: `verifier`, `tfjs:models/arith-prm`, `http:http://127.0.0.1:8000`.
 */
export const prmKinds: Record<string, PRMKind> = {
  none: {
    summary: 'no PRM, for the baselines that need none (greedy, majority vote): every step gets 0.5 and counts as unscored',
    load: async () => ({ name: 'none', score: async (reqs) => reqs.map(() => 0.5), info: () => ({ name: 'none' }) }),
  },
  verifier: {
    summary: 'arith only: checks each step exactly; --prm-noise dials its quality',
    load: async (_arg, ctx) => new (await import('../tasks/arith.ts')).VerifierPRM({ noise: ctx.noise ?? 0, seed: ctx.seed }),
  },
  oracle: {
    summary: 'simulator paired with --policy simulated: knows which steps it corrupted; --prm-noise dials its quality',
    load: async (_arg, ctx) => new (await import('./oracle.ts')).OraclePRM({ noise: ctx.noise ?? 0, seed: ctx.seed }),
  },
  tfjs: {
    summary: 'a TensorFlow.js PRM saved by `prm train` (default models/arith-prm)',
    load: async (arg) => {
      (await import('./tfjs/peers.ts')).requireTfjs('--prm tfjs');
      return (await import('../cli/prm.ts')).loadPRMForSolve(arg);
    },
  },
  http: {
    summary: 'a PRM served over HTTP (vLLM pooling); arg is the base URL',
    load: async (arg, ctx) => {
      if (!arg) throw new InvalidOptionError('--prm', 'http needs a URL: http:http://127.0.0.1:8000');
      if (!ctx.model) throw new InvalidOptionError('--prm-model', 'an http PRM needs the served model name');
      const { HttpPRM } = await import('./http/index.ts');
      return new HttpPRM({ baseUrl: arg, model: ctx.model, format: (ctx.format ?? 'qwen2.5-math-prm') as never });
    },
  },
  hf: {
    summary:
      'a Hugging Face PRM checkpoint folder run in-process on tfjs (Qwen2.5-Math-PRM, Math-Shepherd, RLHFlow, value heads); --prm-format picks the step format',
    load: async (arg, ctx) => {
      if (!arg) throw new InvalidOptionError('--prm', 'hf needs a checkpoint folder: hf:models/Qwen2.5-Math-PRM-7B');
      (await import('./tfjs/peers.ts')).requireTfjs('--prm hf');
      const { HfPRM } = await import('./hf/index.ts');
      return HfPRM.load(arg, { format: ctx.format as never, backend: ctx.backend as never });
    },
  },
};

/** Splits `name:arg` and loads it; an unknown name lists the known ones. */
export async function loadPRM(spec: string, ctx: PRMContext): Promise<PRM> {
  const i = spec.indexOf(':');
  const name = i < 0 ? spec : spec.slice(0, i);
  const kind = prmKinds[name];
  if (!kind) throw new InvalidOptionError('--prm', `expected one of ${Object.keys(prmKinds).join(', ')} (as name or name:arg), got ${JSON.stringify(spec)}`);
  return kind.load(i < 0 ? undefined : spec.slice(i + 1), ctx);
}

import type { BenchItem } from '../tasks/types.ts';
import type { Policy } from './types.ts';

/** What a policy factory gets: the run's seed and the user's options for it (validated by the factory). */
export interface PolicyContext {
  readonly seed: number;
  readonly options: Readonly<Record<string, unknown>>;
  /** The dataset item of a problem id, for offline policies that need the reference (simulated); search never sees it. */
  readonly items?: (problemId: string) => BenchItem | undefined;
}

export interface PolicyKind {
  readonly summary: string;
  /** True for offline simulators: every output that used one says so. */
  readonly simulated: boolean;
  create(ctx: PolicyContext): Promise<Policy>;
}

/** One registry of policies, shared by `solve`, `bench` and `scale`. */
export const policyKinds: Record<string, PolicyKind> = {
  'arith-sim': {
    summary: 'arith only: an offline policy that errs with a per-step rate (errorRate)',
    simulated: true,
    create: async ({ seed, options }) =>
      new (await import('../tasks/arith.ts')).ArithPolicy({ errorRate: (options.errorRate as number | undefined) ?? 0.3, seed }),
  },
  openai: {
    summary: 'an LLM behind an OpenAI-compatible server (vLLM, SGLang, llama.cpp, Ollama): baseURL, model, mode, nMode, cache, …',
    simulated: false,
    create: async (ctx) => {
      (await import('../core/optional.ts')).requireInstalled(['openai'], 'the openai policy', import.meta); // an optional peer
      return (await import('./openai/factory.ts')).createOpenAI(ctx);
    },
  },
  simulated: {
    summary: 'offline simulator on GSM8K/MATH: proposes the reference step, or with errorRate a corrupted one (pairs with --prm oracle)',
    simulated: true,
    create: async (ctx) => (await import('./simulated/factory.ts')).createSimulated(ctx),
  },
  replay: {
    summary: 'serves real model outputs from a candidate pool (Qwen2.5-Math best-of-8, GSM8K example solutions): options pool, sampling',
    simulated: false,
    create: async (ctx) => (await import('./replay/factory.ts')).createReplay(ctx),
  },
};

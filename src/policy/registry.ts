import type { Policy } from './types.ts';

/** What a policy factory gets: the run's seed and the user's options for it (validated by the factory). */
export interface PolicyContext {
  readonly seed: number;
  readonly options: Readonly<Record<string, unknown>>;
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
    create: async ({ seed, options }) => new (await import('../tasks/arith.ts')).ArithPolicy({ errorRate: (options.errorRate as number | undefined) ?? 0.3, seed }),
  },
};

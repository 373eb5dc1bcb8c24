import { InvalidOptionError } from '../../core/errors.ts';
import type { StrategySpec } from '../strategy.ts';
import { beam, dvts } from './beam.ts';
import { bestFirst } from './bestfirst.ts';
import { mcts } from './mcts.ts';
import { rebase } from './rebase.ts';
import { bestOfN, greedy } from './simple.ts';

/** Strategy factories by CLI name. */
export const strategies: Record<string, (o: never) => StrategySpec> = {
  greedy,
  'best-of-n': bestOfN,
  beam,
  dvts,
  mcts,
  'best-first': bestFirst,
  rebase,
};

export function strategyByName(name: string, options: Record<string, unknown>): StrategySpec {
  const f = strategies[name];
  if (!f) throw new InvalidOptionError('strategy', `expected one of ${Object.keys(strategies).join(', ')}, got ${JSON.stringify(name)}`);
  return f(options as never);
}

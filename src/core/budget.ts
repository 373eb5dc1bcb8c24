import { InvalidOptionError } from './errors.ts';
import { checkField, opt } from './options.ts';

/**
 * The one Budget type. Every field is optional; a search stops at the first limit reached and
 * reports it in `stats.stoppedBy`. `prmCalls` counts steps sent to the PRM (one call per step from
 * the search's point of view, however the scheduler batches them), so it is reproducible.
 */
export interface Budget {
  readonly policyCalls?: number;
  readonly tokens?: number;
  readonly prmCalls?: number;
  readonly nodes?: number;
  readonly wallMs?: number;
}

export type BudgetAxis = keyof Budget;
export const budgetAxes: readonly BudgetAxis[] = ['policyCalls', 'tokens', 'prmCalls', 'nodes', 'wallMs'];

/** Why a search ended. */
export type StopReason = 'complete' | BudgetAxis | 'aborted';

const axis = opt.number({ min: 0 });

export function validateBudget(b: unknown, option = 'budget'): Budget {
  if (b === undefined) return {};
  if (typeof b !== 'object' || b === null) throw new InvalidOptionError(option, 'expected an object');
  for (const [k, v] of Object.entries(b)) {
    if (!budgetAxes.includes(k as BudgetAxis)) throw new InvalidOptionError(`${option}.${k}`, `unknown budget axis (known: ${budgetAxes.join(', ')})`);
    if (v !== undefined) checkField(`${option}.${k}`, v, axis);
  }
  return b as Budget;
}

import { InvalidOptionError } from './errors.ts';
import { opt, readOptions, type Field } from './options.ts';

/**
 * The one Budget type. Every field is optional; a search stops at the first limit reached and
 * reports it in `stats.stoppedBy`. `prmCalls` counts steps sent to the PRM (one call per step from
 * the search's point of view, however the scheduler batches them), so it is reproducible.
 * A resumed search counts the whole tree: the loaded tree's work counts against the budget.
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

/**
 * Why a search ended: `complete` (the strategy finished), `maxDepth` (it stopped at its depth cap with
 * open nodes left there), `exhausted` (nothing left to expand: the policy had no more to give), a
 * budget axis, or `aborted` (the caller's signal). Failed nodes are counted beside it, in `failures`.
 */
export type StopReason = 'complete' | 'maxDepth' | 'exhausted' | BudgetAxis | 'aborted';
export const stopReasons: readonly StopReason[] = ['complete', 'maxDepth', 'exhausted', ...budgetAxes, 'aborted'];

/** Every axis optional (absent: no limit). */
const budgetOptions = Object.fromEntries(budgetAxes.map((k) => [k, opt.number({ min: 0, default: undefined, help: `budget on ${k}` })])) as Record<
  BudgetAxis,
  Field<number | undefined>
>;

export function validateBudget(b: unknown, option = 'budget'): Budget {
  if (b === undefined) return {};
  if (b === null) throw new InvalidOptionError(option, 'expected an object of budget axes, got null');
  readOptions(option, b, budgetOptions); // throws naming the axis; the caller's object is kept as given
  return b as Budget;
}

/** Work done so far, as counted against a Budget. */
export interface Usage {
  policyCalls: number;
  tokens: number;
  prmCalls: number;
}

/**
 * The budget arithmetic of one search: what is spent, what is left on each axis, and which axis ran
 * out first. `nodes` is checked against the tree size the caller passes; `wallMs` against `now()`.
 */
export class BudgetMeter {
  readonly used: Usage;
  private readonly deadline: number;

  constructor(
    readonly budget: Budget,
    start: Readonly<Usage> = { policyCalls: 0, tokens: 0, prmCalls: 0 },
    private readonly now: () => number = () => performance.now(),
  ) {
    this.used = { policyCalls: start.policyCalls, tokens: start.tokens, prmCalls: start.prmCalls };
    this.deadline = budget.wallMs === undefined ? Infinity : now() + budget.wallMs;
  }

  /** Policy calls still allowed (Infinity when unbounded). */
  policyCallsLeft(): number {
    return this.budget.policyCalls === undefined ? Infinity : Math.max(0, this.budget.policyCalls - this.used.policyCalls);
  }
  /** Steps the PRM may still score. */
  prmCallsLeft(): number {
    return this.budget.prmCalls === undefined ? Infinity : Math.max(0, this.budget.prmCalls - this.used.prmCalls);
  }
  /** Spends `n` tokens if they fit; false (nothing spent) when they would exceed the budget. */
  takeTokens(n: number): boolean {
    if (this.budget.tokens !== undefined && this.used.tokens + n > this.budget.tokens) return false;
    this.used.tokens += n;
    return true;
  }
  /** Can the tree (now `size` nodes) take one more? */
  roomForNode(size: number): boolean {
    return this.budget.nodes === undefined || size < this.budget.nodes;
  }
  /** Milliseconds left before `wallMs` (Infinity when unbounded). */
  msLeft(): number {
    return this.deadline === Infinity ? Infinity : this.deadline - this.now();
  }
  /** The axis that is spent before a wave can start, if any. */
  spent(size: number): BudgetAxis | null {
    if (this.msLeft() <= 0) return 'wallMs';
    if (!this.roomForNode(size)) return 'nodes';
    return null;
  }
}

import type { BudgetMeter, StopReason } from '../../core/budget.ts';
import type { StepProposal } from '../../policy/types.ts';
import type { NodeRec, TreeStore } from '../tree.ts';

/** The policy's answer as proposals, or what is wrong with it. */
export function checkProposals(value: unknown): StepProposal[] | string {
  if (!Array.isArray(value)) return `expected an array of proposals, got ${typeof value}`;
  const bad = value.findIndex((p: StepProposal) => !validProposal(p));
  return bad >= 0 ? `proposal ${bad} is malformed: ${JSON.stringify(value[bad])?.slice(0, 200)}` : (value as StepProposal[]);
}

function validProposal(p: StepProposal): boolean {
  return (
    typeof p === 'object' &&
    p !== null &&
    typeof p.text === 'string' &&
    typeof p.terminal === 'boolean' &&
    Number.isFinite(p.tokens) &&
    p.tokens >= 0 &&
    (p.logprob === undefined || typeof p.logprob === 'number')
  );
}

/**
 * Adds one expansion's proposals under `node` (new ones into `fresh`; a duplicate adds to its node's
 * count). Returns the budget axis that ran out part-way, if one did: the rest are dropped.
 */
export function addProposals(
  store: TreeStore,
  meter: BudgetMeter,
  node: NodeRec,
  props: readonly StepProposal[],
  rollout: boolean,
  fresh: NodeRec[],
): StopReason | null {
  for (const p of props) {
    if (!meter.takeTokens(p.tokens)) return 'tokens';
    const dup = store.childByText(node, p.text);
    if (dup) {
      dup.count++;
      continue;
    }
    if (!meter.roomForNode(store.size)) return 'nodes';
    fresh.push(store.addStep(node, p.text, p.tokens, p.terminal, p.terminal ? (p.answer ?? null) : null, p.logprob ?? null, rollout, props.length));
  }
  return null;
}

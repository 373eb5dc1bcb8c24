import { usable } from '../strategy.ts';
import type { NodeRec, TreeStore } from '../tree.ts';

/**
 * What a search's end reads off its tree, from one walk. The walk is the tree's pre-order with
 * siblings in the string order of their indices ('10' before '2'), which is the string order of
 * the ids: final selection breaks ties by a terminal's place in it, a number, not a path tag.
 */
export interface TreeWalk {
  /** Usable terminals, in the string order of their ids. */
  readonly terminals: readonly NodeRec[];
  /** Each terminal's step texts, root excluded (read off the walk's path, not walked up per node). */
  readonly steps: readonly string[][];
  /** Positions in `terminals`, in creation order. */
  readonly byCreation: readonly number[];
  /** A usable open node at the depth cap was never expanded (EndReason `maxDepth`). */
  readonly capped: boolean;
}

export function walkTree(store: TreeStore, cap: number): TreeWalk {
  const terminals: NodeRec[] = [];
  const steps: string[][] = [];
  const at = new Int32Array(store.size); // 1 + position in terminals, by creation order
  let capped = false;
  const path: string[] = [];
  const stack: NodeRec[] = [store.root];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.depth > 0) path[n.depth - 1] = n.text; // its ancestors' texts are still below (pre-order)
    if (usable(n)) {
      if (n.terminal) {
        at[n.order] = terminals.push(n);
        steps.push(path.slice(0, n.depth));
      } else if (n.depth >= cap && n.requested === 0) capped = true;
    }
    const kids = n.children;
    const perm = kids.length > 10 ? stringOrder(kids.length) : null;
    for (let j = kids.length - 1; j >= 0; j--) stack.push(kids[perm ? perm[j]! : j]!); // the first child pops next
  }
  const byCreation: number[] = [];
  for (let o = 0; o < at.length; o++) if (at[o]) byCreation.push(at[o]! - 1);
  return { terminals, steps, byCreation, capped };
}

/** 0 … n−1 in the string order of their decimal forms, as sibling ids compare. */
const stringOrders = new Map<number, number[]>();
function stringOrder(n: number): number[] {
  let p = stringOrders.get(n);
  if (!p) stringOrders.set(n, (p = Array.from({ length: n }, (_, i) => i).sort((a, b) => (String(a) < String(b) ? -1 : 1))));
  return p;
}

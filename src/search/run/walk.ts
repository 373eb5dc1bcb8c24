import { usable } from '../strategy.ts';
import type { NodeRec, TreeStore } from '../tree.ts';

/** What a search's end reads off its tree. */
export interface TreeScan {
  /** Usable terminals, in creation order. */
  readonly terminals: readonly NodeRec[];
  /** A usable open node at the depth cap was never expanded (EndReason `maxDepth`). */
  readonly capped: boolean;
}

/**
 * Builds the TreeScan as nodes are scored, so the end of a search reads no node twice (a pass over
 * the whole tree at the end was 3 % of beam B=1024; benchmarks/README.md). Nodes are told in
 * creation order; a resumed tree's are read once, up front.
 */
export class EndScan {
  private readonly terminals: NodeRec[] = [];
  /** Open nodes at the cap, usable when scored (a later wave may expand them, or fail them). */
  private readonly deep: NodeRec[] = [];

  constructor(
    store: TreeStore,
    private readonly cap: number,
  ) {
    const nodes = store.nodes;
    for (let i = 1; i < nodes.length; i++) if (usable(nodes[i]!)) this.scored(nodes[i]!);
  }

  /** `n` was just scored. */
  scored(n: NodeRec): void {
    if (n.terminal) this.terminals.push(n);
    else if (n.depth >= this.cap) this.deep.push(n);
  }

  scan(): TreeScan {
    return { terminals: this.terminals.filter(usable), capped: this.deep.some((n) => n.requested === 0 && usable(n)) };
  }
}

const ON_PATH = -1;

/**
 * Each of `nodes`' place in the string order of their ids ('0.10' before '0.2'), as numbers: the
 * tree's pre-order with siblings in the string order of their indices. The walk enters only the
 * paths that lead to one of `nodes` (beam B=1024's 8192 terminals: about a fifth of the tree), and
 * makes no id.
 */
export function idRanks(store: TreeStore, nodes: readonly NodeRec[]): Int32Array {
  // mark[order]: 0 off every path, ON_PATH on one, k + 1 for nodes[k]
  const mark = new Int32Array(store.size);
  for (let k = 0; k < nodes.length; k++) {
    const n = nodes[k]!;
    mark[n.order] = k + 1;
    for (let c = n.parent; c !== null && mark[c.order] === 0; c = c.parent) mark[c.order] = ON_PATH;
  }
  const ranks = new Int32Array(nodes.length);
  let next = 0;
  const stack: NodeRec[] = [store.root];
  while (stack.length) {
    const n = stack.pop()!;
    const k = mark[n.order]!;
    if (k > 0) ranks[k - 1] = next++;
    const kids = n.children;
    const perm = kids.length > 10 ? stringOrder(kids.length) : null;
    for (let j = kids.length - 1; j >= 0; j--) {
      const c = kids[perm ? perm[j]! : j]!;
      if (mark[c.order] !== 0) stack.push(c); // the first child pops next
    }
  }
  return ranks;
}

/** 0 … n−1 in the string order of their decimal forms, as sibling ids compare. */
const stringOrders = new Map<number, number[]>();
function stringOrder(n: number): number[] {
  let p = stringOrders.get(n);
  if (!p) stringOrders.set(n, (p = Array.from({ length: n }, (_, i) => i).sort((a, b) => (String(a) < String(b) ? -1 : 1))));
  return p;
}

import type { SearchNode } from '../strategy.ts';

/**
 * A strategy's own bits per node, indexed by creation order (`order` is dense and unique): a typed
 * array read where a Set of nodes would hash into a table as large as the tree on every step of a
 * selection path.
 */
export class NodeFlags {
  private bits = new Uint8Array(256);

  has(n: SearchNode, flag: number): boolean {
    const o = n.order;
    return o < this.bits.length && (this.bits[o]! & flag) !== 0;
  }

  set(n: SearchNode, flag: number): void {
    const o = n.order;
    if (o >= this.bits.length) {
      const b = new Uint8Array(Math.max(o + 1, this.bits.length * 2));
      b.set(this.bits);
      this.bits = b;
    }
    this.bits[o]! |= flag;
  }
}

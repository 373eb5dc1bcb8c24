/**
 * A binary heap ordered by `before(a, b)` (true when a comes out first). For priority frontiers
 * (best-first); `before` must be a strict total order so the pop order is deterministic.
 */
export class BinaryHeap<T> {
  private readonly items: T[] = [];
  constructor(private readonly before: (a: T, b: T) => boolean) {}

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(x: T): void {
    const h = this.items;
    h.push(x);
    for (let i = h.length - 1; i > 0;) {
      const p = (i - 1) >> 1;
      if (!this.before(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  pop(): T | undefined {
    const h = this.items;
    const top = h[0];
    const last = h.pop();
    if (h.length && last !== undefined) {
      h[0] = last;
      this.down(0);
    }
    return top;
  }

  /** Every item in pop order (a sorted copy; the heap is unchanged). */
  sorted(): T[] {
    return [...this.items].sort((a, b) => (this.before(a, b) ? -1 : this.before(b, a) ? 1 : 0));
  }

  /** Keeps the `n` first items and returns the rest, in pop order. */
  truncate(n: number): T[] {
    if (this.items.length <= n) return [];
    const all = this.sorted();
    this.items.length = 0;
    this.items.push(...all.slice(0, n)); // a sorted array is a valid heap
    return all.slice(n);
  }

  private down(i: number): void {
    const h = this.items;
    for (;;) {
      const l = 2 * i + 1,
        r = l + 1;
      let m = i;
      if (l < h.length && this.before(h[l]!, h[m]!)) m = l;
      if (r < h.length && this.before(h[r]!, h[m]!)) m = r;
      if (m === i) return;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }
}

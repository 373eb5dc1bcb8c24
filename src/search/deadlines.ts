/**
 * Many timeouts, one timer. Every call the scheduler sends has a deadline, and nearly all finish long
 * before it: a setTimeout + clearTimeout per call would cost more than a zero-cost model's call. Here
 * adding and cancelling a deadline is a Set operation; one timer is armed for the earliest deadline
 * and, in Node, holds the process open only while some deadline is pending.
 */
type Timer = ReturnType<typeof setTimeout> & { ref?: () => void; unref?: () => void };
/** A pending deadline (pass it to `cancel`). */
export interface Entry {
  readonly at: number;
  readonly fire: () => void;
}

export class Deadlines {
  private readonly pending = new Set<Entry>();
  private timer: Timer | null = null;
  private armedAt = Infinity;

  constructor(private readonly now: () => number = () => performance.now()) {}

  get size(): number {
    return this.pending.size;
  }

  /** Calls `fire` after `ms` unless `cancel(entry)` runs first. */
  add(ms: number, fire: () => void): Entry {
    const e: Entry = { at: this.now() + ms, fire };
    if (this.pending.size === 0) this.timer?.ref?.();
    this.pending.add(e);
    if (e.at < this.armedAt) this.arm(e.at);
    return e;
  }

  cancel(e: Entry): void {
    if (this.pending.delete(e) && this.pending.size === 0) this.timer?.unref?.();
  }

  private arm(at: number): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.armedAt = at;
    this.timer = setTimeout(() => this.tick(), Math.max(0, at - this.now())) as Timer;
  }

  private tick(): void {
    this.timer = null;
    this.armedAt = Infinity;
    const now = this.now();
    let next = Infinity;
    const due: Entry[] = [];
    for (const e of this.pending) {
      if (e.at <= now) due.push(e);
      else if (e.at < next) next = e.at;
    }
    for (const e of due) this.pending.delete(e);
    if (next < Infinity) this.arm(next);
    for (const e of due) e.fire();
  }
}

import type { Sink } from '../calls.ts';

/** A failed call's error, as `Gather.values` holds it (apart from any value a call may return). */
export class Failure {
  constructor(readonly error: unknown) {}
}

const NO_CALLS: never[] = [];

/**
 * The outcomes of one wave's calls, in send order, gathered without a promise per call: the
 * scheduler hands each outcome to `settled`, and the wave waits on one promise for them all.
 * Sized up front (a wave knows how many calls it may send), so it allocates nothing per call.
 */
export class Gather<C extends { settle(): void } = { settle(): void }> implements Sink {
  /** The calls with a settle hook, in send order (`add`). */
  readonly calls: C[];
  /** Each call's value, or its Failure. */
  readonly values: unknown[];
  private count = 0;
  private open = 0;
  private wake: ((all: boolean) => void) | null = null;
  private then: (() => void) | null = null;

  /** `most`: the most calls this gather will count; `hooks`: whether they have settle hooks. */
  constructor(most: number, hooks: boolean) {
    this.values = new Array(most);
    this.calls = hooks ? new Array(most) : NO_CALLS;
  }

  /** Counts one more call with a settle hook (send it after); returns its index. */
  add(call: C): number {
    this.calls[this.count] = call;
    return this.expect();
  }
  /** Counts one more call (a PRM batch); returns its index. */
  expect(): number {
    this.open++;
    return this.count++;
  }
  /** Calls counted. */
  get size(): number {
    return this.count;
  }

  settled(at: number, ok: boolean, value: unknown): void {
    if (this.calls !== NO_CALLS) this.calls[at]!.settle();
    this.values[at] = ok ? value : new Failure(value);
    if (--this.open > 0) return;
    this.wake?.(true);
    this.wake = null;
    this.then?.();
  }

  /** True once every call has settled (at once if they have); false if `stop` comes first. */
  wait(): boolean | Promise<boolean> {
    if (this.open === 0) return true;
    return new Promise<boolean>((r) => (this.wake = r));
  }
  stop(): void {
    this.wake?.(false);
    this.wake = null;
  }
  /** Runs `fn` once every call has settled, even after `stop`. */
  whenDone(fn: () => void): void {
    if (this.open === 0) fn();
    else this.then = fn;
  }
}

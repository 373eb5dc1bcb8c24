import type { Sink } from '../scheduler.ts';

/**
 * The outcomes of one wave's calls, in send order, gathered without a promise per call: the
 * scheduler hands each outcome to `settled`, and the wave waits on one promise for them all.
 */
export class Gather<C extends { settle(): void } = { settle(): void }> implements Sink {
  readonly calls: C[] = [];
  readonly ok: boolean[] = [];
  readonly values: unknown[] = [];
  private open = 0;
  private wake: ((all: boolean) => void) | null = null;
  private then: (() => void) | null = null;

  /** Counts one more call (send it after); `call.settle()` runs when its outcome comes. */
  add(call: C): number {
    this.calls.push(call);
    return this.expect();
  }
  /** Counts a call that has no settle hook (a PRM batch). */
  expect(): number {
    this.ok.push(false);
    this.values.push(undefined);
    return this.open++;
  }

  settled(at: number, ok: boolean, value: unknown): void {
    this.calls[at]?.settle();
    this.ok[at] = ok;
    this.values[at] = value;
    if (--this.open > 0) return;
    this.wake?.(true);
    this.wake = null;
    this.then?.();
  }

  get size(): number {
    return this.ok.length;
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

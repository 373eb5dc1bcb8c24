/**
 * A call in flight, as the scheduler runs it: the guard that races it against its timeout and its
 * caller's signal, where its outcome goes, and a PRM batch's pieces.
 */
import type { ScoreRequest } from '../reward/types.ts';
import { CallTimeoutError } from '../core/errors.ts';
import { stopWatching, watchAbort } from './abort.ts';
import type { Deadlines, Entry } from './deadlines.ts';

const settled = Promise.resolve();
/**
 * Runs `f` in a microtask, on the queue queueMicrotask uses. Node's queueMicrotask also makes an
 * async resource and a bound function per call: 570 B per MCTS simulation, about 8 % of its CPU
 * (benchmarks/README.md, round 8).
 */
export const microtask = (f: () => void): void => void settled.then(f);

/** How long one call may take, and whose it is. */
export interface CallLimits {
  /** Give up after this many ms: the caller gets a CallTimeoutError and the slot is freed, whether or not the callee stops. */
  readonly timeoutMs?: number;
  /** The caller's signal: a call still queued when it aborts is never sent; a sent one is given up. */
  readonly signal?: AbortSignal;
  /** Told when the call is given up (timeout or abort), so the caller can abort the callee's own signal. */
  readonly onGiveUp?: { giveUp(reason: unknown): void };
}

/**
 * @internal Where a call's outcome goes: the engine's wave takes every outcome of a wave through one
 * of these, so a call costs no promise of its own (`at` tells the calls apart).
 */
export interface Sink {
  settled(at: number, ok: boolean, value: unknown): void;
}

/** A promise's settle functions as a Sink (the public, promise-returning methods). */
export class ToPromise<T> implements Sink {
  constructor(
    private readonly resolve: (v: T) => void,
    private readonly reject: (e: unknown) => void,
  ) {}
  settled(_at: number, ok: boolean, value: unknown): void {
    if (ok) this.resolve(value as T);
    else this.reject(value);
  }
}

/**
 * One caller's PRM requests, queued or in a batch. A class: V8 pretenured the object literal this
 * was (a dead old Pending kept its wave's young objects through scavenges; benchmarks/README.md,
 * round 8), and it never pretenures a class's instances.
 */
export class Pending {
  constructor(
    readonly reqs: readonly ScoreRequest[],
    readonly limits: CallLimits,
    readonly sink: Sink,
    readonly at: number,
  ) {}
}

/** What calls need from their scheduler (Scheduler is one). */
export interface CallHost {
  /** Arms a guard two microtasks on, unless its call is over by then (Scheduler.arm). */
  arm(g: { arm(): void }): void;
  /** A policy slot is free again. */
  free(): void;
  /** A batch is over: its controller may serve the next one. */
  spareAgain(ctl: AbortController): void;
  readonly deadlines: Deadlines;
  readonly stats: { timeouts: number; armed: number };
}

/** One PRM batch in flight: checks the PRM's answer once, counts callers still waiting. */
export class Batch {
  private open: number;
  private gone = 0;
  private checked: number[] | Error | null = null;
  constructor(
    private readonly s: CallHost,
    private readonly prm: string,
    private readonly size: number,
    private readonly callers: number,
    readonly ctl: AbortController,
    private readonly done: () => void,
  ) {
    this.open = callers;
  }
  /** The scores, or why they are unusable (checked once per batch). */
  scores(out: unknown): number[] | Error {
    return (this.checked ??=
      Array.isArray(out) && out.length === this.size
        ? (out as number[])
        : new Error(`PRM ${this.prm} returned ${Array.isArray(out) ? out.length : typeof out} scores for ${this.size} requests`));
  }
  /** The PRM's signal aborts once every caller has given up. */
  gaveUp(reason: unknown): void {
    if (++this.gone === this.callers) this.ctl.abort(reason);
  }
  ended(): void {
    if (--this.open > 0) return;
    this.s.spareAgain(this.ctl);
    this.done();
  }
}

/** One caller's share of a batch: its slice of the scores, forwarded to its sink. */
export class Part implements Sink {
  constructor(
    private readonly b: Batch,
    private readonly p: Pending,
    private readonly from: number,
  ) {}
  settled(_at: number, ok: boolean, value: unknown): void {
    const { p } = this;
    if (ok) {
      const all = this.b.scores(value);
      if (all instanceof Error) ((ok = false), (value = all));
      else value = p.reqs.length === all.length ? all : all.slice(this.from, this.from + p.reqs.length);
    }
    this.b.ended();
    p.sink.settled(p.at, ok, value);
  }
  giveUp(reason: unknown): void {
    this.p.limits.onGiveUp?.giveUp(reason);
    this.b.gaveUp(reason);
  }
}

/**
 * One call raced against its timeout and its caller's signal; settles on the first, into its sink.
 * Nearly every call of an in-process model has settled before the microtask in which its guard
 * would arm, and then costs no deadline and no abort watch at all (see CallHost.arm).
 */
export class Guard<T> {
  over = false;
  private entry: Entry | null = null;
  private watching = false;
  constructor(
    private readonly s: CallHost,
    readonly limits: CallLimits,
    private readonly onGiveUp: CallLimits['onGiveUp'],
    private readonly role: 'policy' | 'PRM',
    private readonly name: string,
    private readonly slot: boolean,
    private readonly sink: Sink,
    private readonly at: number,
  ) {}

  run(p: Promise<T>): void {
    p.then(
      (v) => this.end() && this.sink.settled(this.at, true, v),
      (e: unknown) => this.end() && this.sink.settled(this.at, false, e),
    );
    this.s.arm(this);
  }

  /** Starts the clock and the abort watch, unless the call is over already. */
  arm(): void {
    if (this.over) return;
    this.s.stats.armed++;
    const { timeoutMs = Infinity, signal } = this.limits;
    if (signal) {
      if (signal.aborted) return this.giveUp(signal.reason);
      this.watching = true;
      watchAbort(signal, this.onAbort);
    }
    if (timeoutMs !== Infinity) this.entry = this.s.deadlines.add(timeoutMs, () => this.timeout());
  }

  private end(): boolean {
    if (this.over) return false;
    this.over = true;
    if (this.entry) this.s.deadlines.cancel(this.entry);
    if (this.watching) stopWatching(this.limits.signal!, this.onAbort);
    if (this.slot) this.s.free();
    return true;
  }
  /** Made only when the guard arms (a closure per call otherwise). */
  private get onAbort(): (reason: unknown) => void {
    return (this.abortFn ??= (reason: unknown) => this.giveUp(reason));
  }
  private abortFn: ((reason: unknown) => void) | null = null;
  private giveUp(reason: unknown): void {
    if (!this.end()) return;
    this.onGiveUp?.giveUp(reason);
    this.sink.settled(this.at, false, reason);
  }
  private timeout(): void {
    this.s.stats.timeouts++;
    this.giveUp(new CallTimeoutError(this.role, this.name, this.limits.timeoutMs!));
  }
}

import type { Policy, ProposeRequest, StepProposal } from '../policy/types.ts';
import type { PRM, ScoreRequest } from '../reward/types.ts';
import { CallTimeoutError } from '../core/errors.ts';
import { opt, readOptions } from '../core/options.ts';
import { stopWatching, watchAbort } from './abort.ts';
import { Deadlines, type Entry } from './deadlines.ts';
import { nextTurn } from './turn.ts';

const settled = Promise.resolve();
/**
 * Runs `f` in a microtask, on the queue queueMicrotask uses. Node's queueMicrotask also makes an
 * async resource and a bound function per call: 570 B per MCTS simulation, about 8 % of its CPU
 * (benchmarks/README.md, round 8).
 */
const microtask = (f: () => void): void => void settled.then(f);

export interface SchedulerOptions {
  /** Policy calls in flight at once, across every search using this scheduler. */
  readonly concurrency?: number;
  /** Largest PRM batch; bigger queues are split. */
  readonly maxPrmBatch?: number;
}

const schedulerOptions = {
  concurrency: opt.int({ min: 1, default: 64, help: 'policy calls in flight at once, across every search using the scheduler' }),
  maxPrmBatch: opt.int({ min: 1, default: 1024, help: 'largest PRM batch; bigger queues are split' }),
};

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
class ToPromise<T> implements Sink {
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
class Pending {
  constructor(
    readonly reqs: readonly ScoreRequest[],
    readonly limits: CallLimits,
    readonly sink: Sink,
    readonly at: number,
  ) {}
}

/**
 * Sends the requests strategies plan. Policy calls run concurrently up to a cap. PRM requests go to
 * each PRM one batch at a time: whatever any search queues while a batch is in flight, or in the same
 * turn of the event loop, rides in the next batch. A lone search skips the event-loop turn.
 * A call past its timeout frees its slot (policy) or its PRM (batch) at once, so one hung callee
 * never blocks the other searches sharing this scheduler.
 */
export class Scheduler {
  readonly concurrency: number;
  readonly maxPrmBatch: number;
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly queues = new Map<PRM, Pending[]>();
  private readonly busy = new Set<PRM>();
  private searches = 0;
  /** @internal */
  readonly deadlines = new Deadlines();
  /** Counters for benchmarks and tests; `armed`: calls still running two microtasks after they were sent, which got a clock and an abort watch. */
  readonly stats = { prmBatches: 0, prmSteps: 0, largestPrmBatch: 0, policyCalls: 0, peakInFlight: 0, timeouts: 0, armed: 0 };

  constructor(opts: SchedulerOptions = {}) {
    const o = readOptions('scheduler', opts, schedulerOptions);
    this.concurrency = o.concurrency;
    this.maxPrmBatch = o.maxPrmBatch;
  }

  /** The engine brackets each search with enter/leave, so a lone search need not wait for company. */
  enter(): void {
    this.searches++;
  }
  leave(): void {
    this.searches--;
  }

  propose(policy: Policy, req: ProposeRequest, limits: CallLimits = {}): Promise<StepProposal[]> {
    return new Promise((resolve, reject) => this.proposeTo(policy, req, limits, new ToPromise(resolve, reject), 0));
  }

  /**
   * @internal `propose`, its outcome handed to `sink` as call `at`; `onGiveUp` overrides the limits'
   * (so a search shares one limits object between its calls).
   */
  proposeTo(policy: Policy, req: ProposeRequest, limits: CallLimits, sink: Sink, at: number, onGiveUp = limits.onGiveUp): void {
    if (this.active < this.concurrency) {
      this.active++;
      return this.send(policy, req, limits, sink, at, onGiveUp);
    }
    // a freed slot is handed straight to the next waiter, so the cap holds however calls interleave
    this.waiting.push(() => this.send(policy, req, limits, sink, at, onGiveUp));
  }

  /** Holds one slot; frees it when the call settles or is given up, whichever comes first. */
  private send(policy: Policy, req: ProposeRequest, limits: CallLimits, sink: Sink, at: number, onGiveUp: CallLimits['onGiveUp']): void {
    this.stats.policyCalls++;
    if (this.active > this.stats.peakInFlight) this.stats.peakInFlight = this.active;
    if (limits.signal?.aborted) {
      this.free();
      return sink.settled(at, false, limits.signal.reason);
    }
    let p: Promise<StepProposal[]>;
    try {
      p = Promise.resolve(policy.propose(req)); // a plain array is an answer too
    } catch (e) {
      p = Promise.reject(e);
    }
    new Guard(this, limits, onGiveUp, 'policy', policy.name, true, sink, at).run(p);
  }

  private arming: { arm(): void }[] = [];
  private spare: AbortController | null = null;
  /**
   * @internal Arms a guard two microtasks on, with the other guards made before the first of them
   * ran: by then an in-process call has settled (its reaction was queued first) and needs no clock
   * or watch. A guard made after it waits for the next pair: taking it along armed the PRM guard of
   * every wave, and with those deadlines and abort watches each wave's objects survived scavenges
   * until a full GC (MCTS 1000 sims: 13x the bytes promoted, 1.7x the CPU; benchmarks/README.md, round 8).
   */
  arm(g: { arm(): void }): void {
    if (this.arming.push(g) > 1) return;
    microtask(() => {
      const gs = this.arming;
      this.arming = [];
      microtask(() => {
        for (const x of gs) x.arm();
      });
    });
  }

  /** @internal A policy slot is free again. */
  free(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }

  score(prm: PRM, reqs: readonly ScoreRequest[], limits: CallLimits = {}): Promise<number[]> {
    if (reqs.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => this.scoreTo(prm, reqs, limits, new ToPromise(resolve, reject), 0));
  }

  /** @internal `score`, its outcome handed to `sink` as call `at` (reqs not empty). */
  scoreTo(prm: PRM, reqs: readonly ScoreRequest[], limits: CallLimits, sink: Sink, at: number): void {
    const p = new Pending(reqs, limits, sink, at);
    // a lone search with the PRM idle: nothing to wait for, send at once
    if (this.searches <= 1 && !this.busy.has(prm) && !this.queues.has(prm)) return this.runAll(prm, [[p]]);
    let q = this.queues.get(prm);
    if (!q) {
      this.queues.set(prm, (q = []));
      // in flight: the batch's completion flushes the queue; otherwise wait one turn for other searches
      if (!this.busy.has(prm)) {
        if (this.searches > 1) void nextTurn().then(() => this.flush(prm));
        else microtask(() => this.flush(prm));
      }
    }
    q.push(p);
  }

  private flush(prm: PRM): void {
    const q = this.queues.get(prm);
    if (!q || this.busy.has(prm)) return;
    this.queues.delete(prm);
    // Pack whole callers into batches of at most maxPrmBatch (a caller larger than that goes alone);
    // callers that aborted while queued are dropped unsent.
    const batches: Pending[][] = [];
    let batch: Pending[] = [];
    let size = 0;
    for (const p of q) {
      if (p.limits.signal?.aborted) {
        p.sink.settled(p.at, false, p.limits.signal.reason);
        continue;
      }
      if (size > 0 && size + p.reqs.length > this.maxPrmBatch) {
        batches.push(batch);
        batch = [];
        size = 0;
      }
      batch.push(p);
      size += p.reqs.length;
    }
    if (batch.length) batches.push(batch);
    if (batches.length) this.runAll(prm, batches);
  }

  /**
   * Runs batches of one PRM in order, then whatever queued meanwhile. Each next step is a microtask
   * after a batch ends, as an awaiting loop would run it; callbacks rather than an async function
   * and a promise per batch, since a lone search sends one batch a wave.
   */
  private runAll(prm: PRM, batches: Pending[][], i = 0): void {
    if (i === 0) this.busy.add(prm);
    if (i < batches.length) return this.run(prm, batches[i]!, () => microtask(() => this.runAll(prm, batches, i + 1)));
    this.busy.delete(prm);
    this.flush(prm);
  }

  /**
   * One batch. Each caller keeps its own timeout and signal; the batch's signal (passed to the PRM)
   * aborts once every caller has given up. Settles when every caller is answered or gone.
   */
  private run(prm: PRM, batch: Pending[], done: () => void): void {
    const all = batch.length === 1 ? batch[0]!.reqs : batch.flatMap((p) => p.reqs);
    this.stats.prmBatches++;
    this.stats.prmSteps += all.length;
    this.stats.largestPrmBatch = Math.max(this.stats.largestPrmBatch, all.length);
    // a batch's controller is reused by the next batch unless it was aborted (one per batch costs µs per wave)
    const ctl = this.spare ?? new AbortController();
    this.spare = null;
    let shared: Promise<number[]>;
    try {
      shared = Promise.resolve(prm.score(all, ctl.signal));
    } catch (e) {
      shared = Promise.reject(e);
    }
    const b = new Batch(this, prm.name, all.length, batch.length, ctl, done);
    let from = 0;
    for (const p of batch) {
      const part = new Part(b, p, from);
      from += p.reqs.length;
      new Guard<number[]>(this, p.limits, part, 'PRM', prm.name, false, part, 0).run(shared);
    }
  }

  /** @internal A batch is over: its controller is reused unless it was aborted. */
  spareAgain(ctl: AbortController): void {
    if (!ctl.signal.aborted) this.spare = ctl;
  }
}

/** One PRM batch in flight: checks the PRM's answer once, counts callers still waiting. */
class Batch {
  private open: number;
  private gone = 0;
  private checked: number[] | Error | null = null;
  constructor(
    private readonly s: Scheduler,
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
class Part implements Sink {
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
 * would arm, and then costs no deadline and no abort watch at all (see Scheduler.arm).
 */
class Guard<T> {
  over = false;
  private entry: Entry | null = null;
  private watching = false;
  constructor(
    private readonly s: Scheduler,
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

/** Shared by every search that does not bring its own, so concurrent searches batch together. */
export const defaultScheduler = new Scheduler();

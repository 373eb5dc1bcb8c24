import type { Policy, ProposeRequest, StepProposal } from '../policy/types.ts';
import type { PRM, ScoreRequest } from '../reward/types.ts';
import { CallTimeoutError, InvalidOptionError } from '../core/errors.ts';
import { stopWatching, watchAbort } from './abort.ts';
import { Deadlines, type Entry } from './deadlines.ts';
import { nextTurn } from './turn.ts';

export interface SchedulerOptions {
  /** Policy calls in flight at once, across every search using this scheduler. */
  readonly concurrency?: number;
  /** Largest PRM batch; bigger queues are split. */
  readonly maxPrmBatch?: number;
}

/** How long one call may take, and whose it is. */
export interface CallLimits {
  /** Give up after this many ms: the caller gets a CallTimeoutError and the slot is freed, whether or not the callee stops. */
  readonly timeoutMs?: number;
  /** The caller's signal: a call still queued when it aborts is never sent; a sent one is given up. */
  readonly signal?: AbortSignal;
  /** Told when the call is given up (timeout or abort), so the caller can abort the callee's own signal. */
  readonly onGiveUp?: { giveUp(reason: unknown): void };
}

interface Pending {
  readonly reqs: readonly ScoreRequest[];
  readonly limits: CallLimits;
  readonly resolve: (s: number[]) => void;
  readonly reject: (e: unknown) => void;
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
  /** Counters for benchmarks and tests. */
  readonly stats = { prmBatches: 0, prmSteps: 0, largestPrmBatch: 0, policyCalls: 0, peakInFlight: 0, timeouts: 0 };

  constructor(opts: SchedulerOptions = {}) {
    this.concurrency = opts.concurrency ?? 64;
    this.maxPrmBatch = opts.maxPrmBatch ?? 1024;
    if (!Number.isInteger(this.concurrency) || this.concurrency < 1) throw new InvalidOptionError('scheduler.concurrency', 'expected an integer ≥ 1');
    if (!Number.isInteger(this.maxPrmBatch) || this.maxPrmBatch < 1) throw new InvalidOptionError('scheduler.maxPrmBatch', 'expected an integer ≥ 1');
  }

  /** The engine brackets each search with enter/leave, so a lone search need not wait for company. */
  enter(): void {
    this.searches++;
  }
  leave(): void {
    this.searches--;
  }

  propose(policy: Policy, req: ProposeRequest, limits: CallLimits = {}): Promise<StepProposal[]> {
    if (this.active < this.concurrency) {
      this.active++;
      return this.send(policy, req, limits);
    }
    // a freed slot is handed straight to the next waiter, so the cap holds however calls interleave
    return new Promise<void>((r) => this.waiting.push(r)).then(() => this.send(policy, req, limits));
  }

  /** Holds one slot; frees it when the call settles or is given up, whichever comes first. */
  private send(policy: Policy, req: ProposeRequest, limits: CallLimits): Promise<StepProposal[]> {
    this.stats.policyCalls++;
    if (this.active > this.stats.peakInFlight) this.stats.peakInFlight = this.active;
    if (limits.signal?.aborted) {
      this.free();
      return Promise.reject(limits.signal.reason);
    }
    return new Guard<StepProposal[]>(this, limits, 'policy', policy.name, true).run(() => policy.propose(req));
  }

  private arming: { arm(): void }[] = [];
  private spare: AbortController | null = null;
  /**
   * @internal Arms a guard two microtasks on, with every other guard made in this turn: by then an
   * in-process call has settled (its reaction was queued first) and needs no clock or watch.
   */
  arm(g: { arm(): void }): void {
    if (this.arming.push(g) > 1) return;
    queueMicrotask(() =>
      queueMicrotask(() => {
        const gs = this.arming;
        this.arming = [];
        for (const x of gs) x.arm();
      }),
    );
  }

  /** @internal A policy slot is free again. */
  free(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }

  score(prm: PRM, reqs: readonly ScoreRequest[], limits: CallLimits = {}): Promise<number[]> {
    if (reqs.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      // a lone search with the PRM idle: nothing to wait for, send at once
      if (this.searches <= 1 && !this.busy.has(prm) && !this.queues.has(prm)) return void this.runAll(prm, [[{ reqs, limits, resolve, reject }]]);
      let q = this.queues.get(prm);
      if (!q) {
        this.queues.set(prm, (q = []));
        // in flight: the batch's completion flushes the queue; otherwise wait one turn for other searches
        if (!this.busy.has(prm)) {
          if (this.searches > 1) void nextTurn().then(() => this.flush(prm));
          else queueMicrotask(() => this.flush(prm));
        }
      }
      q.push({ reqs, limits, resolve, reject });
    });
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
        p.reject(p.limits.signal.reason);
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
    void this.runAll(prm, batches);
  }

  /** Runs batches of one PRM in order, then whatever queued meanwhile. */
  private async runAll(prm: PRM, batches: Pending[][]): Promise<void> {
    this.busy.add(prm);
    try {
      for (const b of batches) await this.run(prm, b);
    } finally {
      this.busy.delete(prm);
    }
    this.flush(prm);
  }

  /**
   * One batch. Each caller keeps its own timeout and signal; the batch's signal (passed to the PRM)
   * aborts once every caller has given up. Settles when every caller is answered or gone.
   */
  private async run(prm: PRM, batch: Pending[]): Promise<void> {
    const all = batch.length === 1 ? batch[0]!.reqs : batch.flatMap((p) => p.reqs);
    this.stats.prmBatches++;
    this.stats.prmSteps += all.length;
    this.stats.largestPrmBatch = Math.max(this.stats.largestPrmBatch, all.length);
    // a batch's controller is reused by the next batch unless it was aborted (one per batch costs µs per wave)
    const ctl = this.spare ?? new AbortController();
    this.spare = null;
    let shared: Promise<number[]>;
    try {
      shared = prm.score(all, ctl.signal).then((out) => {
        if (!Array.isArray(out) || out.length !== all.length)
          throw new Error(`PRM ${prm.name} returned ${Array.isArray(out) ? out.length : typeof out} scores for ${all.length} requests`);
        return out;
      });
    } catch (e) {
      shared = Promise.reject(e);
    }
    shared.catch(() => {}); // every caller gets the rejection through its own promise
    let gone = 0;
    let at = 0;
    const answers = batch.map((p) => {
      const from = at;
      at += p.reqs.length;
      const part = batch.length === 1 ? shared : shared.then((out) => out.slice(from, from + p.reqs.length));
      const onGiveUp = {
        giveUp(reason: unknown) {
          p.limits.onGiveUp?.giveUp(reason);
          if (++gone === batch.length) ctl.abort(reason);
        },
      };
      return new Guard<number[]>(this, { ...p.limits, onGiveUp }, 'PRM', prm.name, false).run(() => part).then(p.resolve, p.reject);
    });
    await Promise.all(answers);
    if (!ctl.signal.aborted) this.spare = ctl;
  }
}

/**
 * One call raced against its timeout and its caller's signal; settles on the first. Nearly every
 * call of an in-process model has settled before the microtask in which its guard would arm, and
 * then costs no deadline and no abort watch at all (see Scheduler.arm).
 */
class Guard<T> {
  over = false;
  private entry: Entry | null = null;
  private watching = false;
  private resolve!: (v: T) => void;
  private reject!: (e: unknown) => void;
  constructor(
    private readonly s: Scheduler,
    readonly limits: CallLimits,
    private readonly role: 'policy' | 'PRM',
    private readonly name: string,
    private readonly slot: boolean,
  ) {}

  run(call: () => Promise<T>): Promise<T> {
    const out = new Promise<T>((res, rej) => ((this.resolve = res), (this.reject = rej)));
    let p: Promise<T>;
    try {
      p = call();
    } catch (e) {
      p = Promise.reject(e);
    }
    p.then(
      (v) => this.end() && this.resolve(v),
      (e: unknown) => this.end() && this.reject(e),
    );
    this.s.arm(this);
    return out;
  }

  /** Starts the clock and the abort watch, unless the call is over already. */
  arm(): void {
    if (this.over) return;
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
  private onAbort = (reason: unknown) => this.giveUp(reason);
  private giveUp(reason: unknown): void {
    if (!this.end()) return;
    this.limits.onGiveUp?.giveUp(reason);
    this.reject(reason);
  }
  private timeout(): void {
    this.s.stats.timeouts++;
    this.giveUp(new CallTimeoutError(this.role, this.name, this.limits.timeoutMs!));
  }
}

/** Shared by every search that does not bring its own, so concurrent searches batch together. */
export const defaultScheduler = new Scheduler();

import type { Policy, ProposeRequest, StepProposal } from '../policy/types.ts';
import type { PRM, ScoreRequest } from '../reward/types.ts';
import { CallTimeoutError, InvalidOptionError } from '../core/errors.ts';
import { whenAborted } from './abort.ts';
import { Deadlines } from './deadlines.ts';
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
  readonly onGiveUp?: (reason: unknown) => void;
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
  private readonly deadlines = new Deadlines();
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

  async propose(policy: Policy, req: ProposeRequest, limits: CallLimits = {}): Promise<StepProposal[]> {
    if (this.active >= this.concurrency) await new Promise<void>((r) => this.waiting.push(r));
    this.active++;
    try {
      if (limits.signal?.aborted) throw limits.signal.reason;
      this.stats.policyCalls++;
      if (this.active > this.stats.peakInFlight) this.stats.peakInFlight = this.active;
      return await this.limited(() => policy.propose(req), limits, 'policy', policy.name);
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }

  score(prm: PRM, reqs: readonly ScoreRequest[], limits: CallLimits = {}): Promise<number[]> {
    if (reqs.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
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

  /** Races `call` against its timeout and the caller's signal; settles on the first. */
  private limited<T>(call: () => Promise<T>, limits: CallLimits, role: 'policy' | 'PRM', name: string): Promise<T> {
    const { timeoutMs = Infinity, signal } = limits;
    if (timeoutMs === Infinity && !signal) return call();
    return new Promise<T>((resolve, reject) => {
      let cancel: (() => void) | undefined;
      let unwatch: (() => void) | undefined;
      let over = false;
      const giveUp = (reason: unknown) => {
        if (over) return;
        done();
        limits.onGiveUp?.(reason);
        reject(reason);
      };
      const done = () => {
        over = true;
        cancel?.();
        unwatch?.();
      };
      if (timeoutMs !== Infinity)
        cancel = this.deadlines.add(timeoutMs, () => {
          this.stats.timeouts++;
          giveUp(new CallTimeoutError(role, name, timeoutMs));
        });
      if (signal) unwatch = whenAborted(signal, giveUp);
      if (over) return;
      let p: Promise<T>;
      try {
        p = call();
      } catch (e) {
        p = Promise.reject(e);
      }
      p.then(
        (v) => over || (done(), resolve(v)),
        (e) => over || (done(), reject(e)),
      );
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
    const ctl = new AbortController();
    let shared: Promise<number[]>;
    try {
      shared = prm.score(all, ctl.signal).then((out) => {
        if (!Array.isArray(out) || out.length !== all.length) throw new Error(`PRM ${prm.name} returned ${Array.isArray(out) ? out.length : typeof out} scores for ${all.length} requests`);
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
      const onGiveUp = (reason: unknown) => {
        p.limits.onGiveUp?.(reason);
        if (++gone === batch.length) ctl.abort(reason);
      };
      return this.limited(() => part, { ...p.limits, onGiveUp }, 'PRM', prm.name).then(p.resolve, p.reject);
    });
    await Promise.all(answers);
  }
}

/** Shared by every search that does not bring its own, so concurrent searches batch together. */
export const defaultScheduler = new Scheduler();

import type { Policy, ProposeRequest, StepProposal } from '../policy/types.ts';
import type { PRM, ScoreRequest } from '../reward/types.ts';
import { opt, readOptions } from '../core/options.ts';
import { Batch, Guard, microtask, Part, Pending, ToPromise, type CallHost, type CallLimits, type Sink } from './calls.ts';
import { Deadlines } from './deadlines.ts';
import { nextTurn } from './turn.ts';

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

/**
 * Sends the requests strategies plan. Policy calls run concurrently up to a cap. PRM requests go to
 * each PRM one batch at a time: whatever any search queues while a batch is in flight, or in the same
 * turn of the event loop, rides in the next batch. A lone search skips the event-loop turn.
 * A call past its timeout frees its slot (policy) or its PRM (batch) at once, so one hung callee
 * never blocks the other searches sharing this scheduler.
 */
export class Scheduler implements CallHost {
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

/** Shared by every search that does not bring its own, so concurrent searches batch together. */
export const defaultScheduler = new Scheduler();

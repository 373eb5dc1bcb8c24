import type { Policy, ProposeRequest, StepProposal } from '../policy/types.ts';
import type { PRM, ScoreRequest } from '../reward/types.ts';
import { InvalidOptionError } from '../core/errors.ts';

export interface SchedulerOptions {
  /** Policy calls in flight at once, across every search using this scheduler. */
  readonly concurrency?: number;
  /** Largest PRM batch; bigger queues are split. */
  readonly maxPrmBatch?: number;
}

interface Pending {
  readonly reqs: readonly ScoreRequest[];
  readonly resolve: (s: number[]) => void;
  readonly reject: (e: unknown) => void;
}

/**
 * Sends the requests strategies plan. Policy calls run concurrently up to a cap. PRM requests go to
 * each PRM one batch at a time: whatever any search queues while a batch is in flight, or in the same
 * turn of the event loop, rides in the next batch. A lone search skips the event-loop turn.
 */
export class Scheduler {
  readonly concurrency: number;
  readonly maxPrmBatch: number;
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly queues = new Map<PRM, Pending[]>();
  private readonly busy = new Set<PRM>();
  private searches = 0;
  /** Counters for benchmarks and tests. */
  readonly stats = { prmBatches: 0, prmSteps: 0, largestPrmBatch: 0, policyCalls: 0, peakInFlight: 0 };

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

  async propose(policy: Policy, req: ProposeRequest): Promise<StepProposal[]> {
    if (this.active >= this.concurrency) await new Promise<void>((r) => this.waiting.push(r));
    this.active++;
    this.stats.policyCalls++;
    if (this.active > this.stats.peakInFlight) this.stats.peakInFlight = this.active;
    try {
      return await policy.propose(req);
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }

  score(prm: PRM, reqs: readonly ScoreRequest[]): Promise<number[]> {
    if (reqs.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      let q = this.queues.get(prm);
      if (!q) {
        this.queues.set(prm, (q = []));
        // in flight: the batch's completion flushes the queue; otherwise wait one turn for other searches
        if (!this.busy.has(prm)) (this.searches > 1 ? setImmediate : queueMicrotask)(() => this.flush(prm));
      }
      q.push({ reqs, resolve, reject });
    });
  }

  private flush(prm: PRM): void {
    const q = this.queues.get(prm);
    if (!q || this.busy.has(prm)) return;
    this.queues.delete(prm);
    // Pack whole callers into batches of at most maxPrmBatch (a caller larger than that goes alone).
    const batches: Pending[][] = [];
    let batch: Pending[] = [];
    let size = 0;
    for (const p of q) {
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

  private async run(prm: PRM, batch: Pending[]): Promise<void> {
    const all = batch.flatMap((p) => p.reqs);
    this.stats.prmBatches++;
    this.stats.prmSteps += all.length;
    this.stats.largestPrmBatch = Math.max(this.stats.largestPrmBatch, all.length);
    try {
      const out = await prm.score(all);
      if (!Array.isArray(out) || out.length !== all.length) throw new Error(`PRM ${prm.name} returned ${Array.isArray(out) ? out.length : typeof out} scores for ${all.length} requests`);
      let i = 0;
      for (const p of batch) {
        p.resolve(out.slice(i, i + p.reqs.length));
        i += p.reqs.length;
      }
    } catch (e) {
      for (const p of batch) p.reject(e);
    }
  }
}

/** Shared by every search that does not bring its own, so concurrent searches batch together. */
export const defaultScheduler = new Scheduler();

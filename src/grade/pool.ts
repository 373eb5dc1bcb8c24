import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import type { LeafPair } from './structure.ts';
import type { SymbolicResult } from './symbolic.ts';
import type { WorkerReply, WorkerRequest } from './worker.ts';

/**
 * A pool of symbolic-stage workers. Each job has a hard time limit: past it the worker is terminated
 * (an in-process limit cannot stop a hung bignum loop) and a fresh one starts for the next job. Heap
 * limits make an out-of-memory kill the worker, not the process. Idle workers are unref'd, so an
 * unclosed pool never keeps a process alive; `close()` ends them all.
 */
export interface PoolOptions {
  /** Worker threads (default: min(2, cores)). */
  readonly size?: number;
  /** Heap cap per worker, MiB (old generation). */
  readonly maxMemoryMb?: number;
  /** Time a fresh worker may take to load compute-engine before the job counts as an error. */
  readonly startupMs?: number;
  /** Another worker script (a bundler's output path, or a test's); default: worker.ts/.js beside this file. */
  readonly workerUrl?: URL;
}

export type JobOutcome =
  { readonly status: 'ok'; readonly results: SymbolicResult[] } | { readonly status: 'timeout' } | { readonly status: 'error'; readonly message: string };

interface Job {
  readonly pairs: readonly LeafPair[];
  readonly tolerance: number;
  readonly timeoutMs: number;
  readonly done: (o: JobOutcome) => void;
}

interface Slot {
  readonly worker: Worker;
  ready: boolean;
  job: Job | null;
  timer: NodeJS.Timeout | null;
}

/**
 * The worker file beside this one, with this file's extension (.ts under tsx, .js from a build). A
 * worker does not inherit loader hooks (nor does `--import tsx` in its execArgv work on Node 20), so a
 * .ts worker starts from a small script that registers tsx in the thread, then imports the file.
 */
export function workerSpec(base: string = import.meta.url): { script: string | URL; eval: boolean } {
  const ts = /\.[cm]?ts$/.test(new URL(base).pathname);
  const url = new URL(`./worker${ts ? '.ts' : '.js'}`, base);
  if (!ts) return { script: url, eval: false };
  const api = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  return { script: `import(${api}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })`, eval: true };
}

export class SymbolicPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 0;
  private closed = false;
  readonly size: number;
  constructor(private readonly opts: PoolOptions = {}) {
    this.size = Math.max(1, opts.size ?? Math.min(2, availableParallelism()));
  }

  /** Decide `pairs` in one worker within `timeoutMs`; `tolerance` as in GradeOptions (0 = exact). */
  compare(pairs: readonly LeafPair[], timeoutMs: number, tolerance = 0): Promise<JobOutcome> {
    if (this.closed) return Promise.resolve({ status: 'error', message: 'symbolic pool is closed' });
    return new Promise((done) => {
      this.queue.push({ pairs, timeoutMs, tolerance, done });
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const j of this.queue.splice(0)) j.done({ status: 'error', message: 'symbolic pool closed' });
    await Promise.all(this.slots.splice(0).map((s) => this.kill(s, { status: 'error', message: 'symbolic pool closed' })));
  }

  private pump(): void {
    while (this.queue.length) {
      let slot = this.slots.find((s) => s.ready && !s.job);
      if (!slot && this.slots.length < this.size) slot = this.spawn();
      if (!slot || !slot.ready) return;
      this.dispatch(slot, this.queue.shift()!);
    }
  }

  private spawn(): Slot {
    const spec = this.opts.workerUrl ? { script: this.opts.workerUrl, eval: false } : workerSpec();
    const mem = this.opts.maxMemoryMb ?? 512;
    const worker = new Worker(spec.script, { eval: spec.eval, resourceLimits: { maxOldGenerationSizeMb: mem, maxYoungGenerationSizeMb: 32, stackSizeMb: 4 } });
    const slot: Slot = { worker, ready: false, job: null, timer: null };
    this.slots.push(slot);
    // startup is not charged to a job's time limit, but a worker that never loads is an error
    slot.timer = setTimeout(() => this.fail(slot, 'symbolic worker did not start'), this.opts.startupMs ?? 60_000);
    worker.on('message', (m: WorkerReply) => this.onMessage(slot, m));
    worker.on('error', (e) => this.fail(slot, `symbolic worker crashed: ${e.message}`));
    worker.on('exit', (code) => this.fail(slot, `symbolic worker exited with code ${code}`));
    return slot;
  }

  private dispatch(slot: Slot, job: Job): void {
    slot.job = job;
    slot.worker.ref();
    slot.timer = setTimeout(() => {
      // the replacement starts at once: a thread stuck in one long BigInt operation can take a while to die
      void this.kill(slot, { status: 'timeout' });
      this.pump();
    }, job.timeoutMs);
    slot.worker.postMessage({ id: ++this.nextId, pairs: job.pairs, tolerance: job.tolerance } satisfies WorkerRequest);
  }

  private onMessage(slot: Slot, m: WorkerReply): void {
    this.timerClear(slot);
    if ('ready' in m) {
      slot.ready = true;
      slot.worker.unref();
    } else if (slot.job) {
      const job = slot.job;
      slot.job = null;
      slot.worker.unref();
      job.done('error' in m ? { status: 'error', message: m.error } : { status: 'ok', results: m.results });
    }
    this.pump();
  }

  private timerClear(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
  }

  /** Remove the slot, settle its job with `outcome`, terminate the thread. */
  private async kill(slot: Slot, outcome: JobOutcome): Promise<void> {
    this.timerClear(slot);
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    const job = slot.job;
    slot.job = null;
    slot.worker.removeAllListeners();
    slot.worker.on('error', () => {});
    job?.done(outcome);
    await slot.worker.terminate();
  }

  private fail(slot: Slot, message: string): void {
    if (!this.slots.includes(slot)) return;
    // a worker that cannot even start would fail every respawn too: fail the queue instead of looping
    if (!slot.ready) for (const j of this.queue.splice(0)) j.done({ status: 'error', message });
    void this.kill(slot, { status: 'error', message });
    this.pump();
  }
}

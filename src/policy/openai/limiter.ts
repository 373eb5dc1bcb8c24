/**
 * A concurrency cap, optionally adaptive (AIMD): a 429 halves the limit (down to `min`), each success adds
 * 1/limit back (up to `max`). One per endpoint: policies on the same base URL share it (`limiterFor`).
 */
export class Limiter {
  private active = 0;
  private readonly queue: (() => void)[] = [];
  limit: number;
  peak = 0;
  constructor(
    readonly max: number,
    readonly adaptive = false,
    readonly min = 1,
  ) {
    this.limit = max;
  }

  async run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.acquire(signal);
    try {
      return await fn();
    } finally {
      this.active--;
      this.pump();
    }
  }

  onThrottle(): void {
    if (this.adaptive) this.limit = Math.max(this.min, Math.floor(this.limit / 2));
  }
  onSuccess(): void {
    if (this.adaptive && this.limit < this.max) this.limit = Math.min(this.max, this.limit + 1 / Math.floor(this.limit));
  }
  get inFlight(): number {
    return this.active;
  }

  private acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason ?? new Error('aborted'));
    if (this.active < Math.floor(this.limit) && this.queue.length === 0) return (this.take(), Promise.resolve());
    return new Promise<void>((ok, fail) => {
      const go = () => {
        signal?.removeEventListener('abort', onAbort);
        this.take();
        ok();
      };
      const onAbort = () => {
        const i = this.queue.indexOf(go);
        if (i >= 0) this.queue.splice(i, 1);
        fail(signal!.reason ?? new Error('aborted'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(go);
    });
  }
  private take() {
    this.active++;
    this.peak = Math.max(this.peak, this.active);
  }
  private pump() {
    while (this.queue.length && this.active < Math.floor(this.limit)) this.queue.shift()!();
  }
}

const limiters = new Map<string, Limiter>();

/** The shared limiter of an endpoint and settings: policies that agree on both share one cap (a new port that reuses an old URL does not inherit another policy's settings). */
export function limiterFor(endpoint: string, max: number, adaptive: boolean): Limiter {
  const key = `${endpoint} ${max} ${adaptive}`;
  let l = limiters.get(key);
  if (!l) limiters.set(key, (l = new Limiter(max, adaptive)));
  return l;
}

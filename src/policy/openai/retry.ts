import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';

/** Our own retry loop (the SDK runs with maxRetries 0: it would obey any Retry-After with no cap). */
export interface RetryOptions {
  /** Extra attempts after the first. */
  readonly retries: number;
  /** Backoff base: attempt a waits a random time in [0, min(maxDelayMs, baseDelayMs·2^a)] ("full jitter"). */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** A server's Retry-After is honoured up to this. */
  readonly retryAfterCapMs: number;
  readonly rng?: () => number;
}

/** Why an attempt failed, as the loop sees it. */
export interface Failure {
  readonly retry: boolean;
  /** HTTP status, or null when no response came. */
  readonly status: number | null;
  readonly kind: 'http' | 'timeout' | 'connection' | 'malformed' | 'aborted' | 'other';
  readonly retryAfterMs?: number;
  readonly message: string;
}

/** A response body that is not what the API promises (not JSON, missing fields). Retried like a 5xx. */
export class MalformedResponse extends Error {}

export function classify(e: unknown, signal?: AbortSignal): Failure {
  const message = e instanceof Error ? e.message : String(e);
  if (signal?.aborted || e instanceof APIUserAbortError) return { retry: false, status: null, kind: 'aborted', message: 'aborted' };
  if (e instanceof APIConnectionError) {
    const timeout = e instanceof APIConnectionTimeoutError;
    return {
      retry: true,
      status: null,
      kind: timeout ? 'timeout' : 'connection',
      message: timeout ? 'request timed out' : `connection error (${causeText(e)})`,
    };
  }
  if (e instanceof APIError && typeof e.status === 'number') {
    const s = e.status;
    return { retry: s === 408 || s === 429 || s >= 500, status: s, kind: 'http', retryAfterMs: retryAfter(e.headers), message };
  }
  if (e instanceof MalformedResponse || e instanceof SyntaxError)
    return { retry: true, status: null, kind: 'malformed', message: `malformed response: ${message}` };
  return { retry: false, status: null, kind: 'other', message };
}

function causeText(e: Error): string {
  const c = (e as { cause?: unknown }).cause;
  return c instanceof Error ? `${(c as { code?: string }).code ?? c.name}: ${c.message}` : e.message;
}

/** Retry-After (seconds or an HTTP date) or retry-after-ms, in ms; undefined when absent or unreadable. */
export function retryAfter(h: Headers | undefined): number | undefined {
  const ms = Number(h?.get('retry-after-ms') ?? NaN);
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const v = h?.get('retry-after');
  if (v == null || v === '') return undefined;
  const s = Number(v);
  if (Number.isFinite(s) && s >= 0) return s * 1000;
  const t = Date.parse(v);
  return Number.isFinite(t) ? Math.max(0, t - Date.now()) : undefined;
}

export function backoffMs(attempt: number, f: Failure, o: RetryOptions): number {
  const rng = o.rng ?? Math.random;
  if (f.retryAfterMs !== undefined) return Math.min(o.retryAfterCapMs, f.retryAfterMs) + rng() * o.baseDelayMs;
  return rng() * Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** attempt);
}

/** Rejects with the abort when the signal fires first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((ok, fail) => {
    if (signal?.aborted) return fail(signal.reason ?? new Error('aborted'));
    const t = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener('abort', onAbort);
      ok();
    }
    function onAbort() {
      clearTimeout(t);
      fail(signal!.reason ?? new Error('aborted'));
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export class RetriesExhausted extends Error {
  constructor(
    readonly failure: Failure,
    readonly attempts: number,
  ) {
    super(`${failure.message} (${attempts} attempt${attempts === 1 ? '' : 's'})`);
  }
}

/**
 * Runs `attempt` until it succeeds, fails in a way not worth retrying, or runs out of retries; then rejects with
 * RetriesExhausted (its `failure` says why). `onFailure` sees every failed attempt (counters, adaptive limits).
 */
export async function withRetries<T>(attempt: (n: number) => Promise<T>, o: RetryOptions, signal?: AbortSignal, onFailure?: (f: Failure) => void): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await attempt(n);
    } catch (e) {
      const f = classify(e, signal);
      onFailure?.(f);
      if (!f.retry || n >= o.retries) throw new RetriesExhausted(f, n + 1);
      await sleep(backoffMs(n, f, o), signal);
    }
  }
}

import { errorText, FormatError, HttpPRMError, InvalidOptionError } from '../../core/errors.ts';
import { checkField, opt } from '../../core/options.ts';
import type { PRM, ScoreRequest } from '../types.ts';
import {
  httpStepFormats,
  renderPrompt,
  type ClassifyFormat,
  type HttpStepFormat,
  type HttpStepFormatName,
  type LogprobFormat,
  type PoolingFormat,
} from '../formats.ts';

/**
 * A PRM served over HTTP by vLLM (OpenAI-compatible server). How a solution is written out and where the score is
 * read are data (a step format); only the three endpoint kinds are code.
 *
 * - `completions-logprobs`: POST /v1/completions with echo + logprobs; at the token after each step tag, compare
 *   P(good) with P(bad) (Math-Shepherd style; the served model is a plain causal LM).
 * - `pooling`: POST /pooling; vLLM's STEP pooler returns one class-probability row per step-tag token
 *   (Qwen2.5-Math-PRM: `data[i].data = [[p_wrong, p_right], …]`, one row per `<extra_0>`).
 * - `classify`: POST /classify; one class-probability vector per input (`data[i].probs`), for a classifier that
 *   scores the whole prefix ending at the new step.
 */
export {
  httpStepFormats,
  renderPrompt,
  type HttpStepFormat,
  type HttpStepFormatName,
  type LogprobFormat,
  type PoolingFormat,
  type ClassifyFormat,
} from '../formats.ts';

export interface HttpPRMOptions {
  /** Server root, e.g. `http://127.0.0.1:8000` (a trailing `/v1` is dropped: format paths carry their own). */
  readonly baseUrl: string;
  readonly model: string;
  readonly format: HttpStepFormatName | HttpStepFormat;
  /** Most solutions per HTTP request; larger batches are split. Default 32. */
  readonly maxBatch?: number;
  /** Requests in flight at once. Default 4. */
  readonly concurrency?: number;
  /** Extra attempts after a network error, timeout, HTTP 408/429 or 5xx. Default 2. */
  readonly retries?: number;
  /** First backoff delay; doubles on each retry. Default 200 ms. */
  readonly retryDelayMs?: number;
  /** Per-request limit (each attempt). Default 60 000 ms. */
  readonly timeoutMs?: number;
  readonly apiKey?: string;
  /** Extra request fields over the format's, e.g. `{ task: 'token_classify' }` for /pooling on vLLM ≥ 0.11. */
  readonly extraBody?: Readonly<Record<string, unknown>>;
}

// Response readers: each returns, per prompt, the score of its last step, and names the field at fault.
type Reader = (f: HttpStepFormat, json: unknown, stepCounts: readonly number[], bad: (field: string, detail: string) => never) => number[];

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Puts `index`-tagged items back in prompt order. */
function byIndex(json: unknown, key: 'data' | 'choices', n: number, bad: (field: string, detail: string) => never): Record<string, unknown>[] {
  const list = isObj(json) ? json[key] : undefined;
  if (!Array.isArray(list) || list.length !== n)
    bad(key, `expected an array of ${n} items, got ${Array.isArray(list) ? `${list.length} items` : JSON.stringify(list)}`);
  const out: Record<string, unknown>[] = [];
  list.forEach((item, i) => {
    const idx = isObj(item) && typeof item.index === 'number' ? item.index : i;
    if (!isObj(item) || !(idx >= 0 && idx < n) || out[idx]) bad(`${key}[${i}]`, 'expected an object with a distinct `index` below the batch size');
    out[idx] = item;
  });
  return out;
}

/** Probability of class `k` from a row of probabilities (vLLM's default) or raw logits (softmaxed here). */
function classProb(row: unknown, k: number, field: string, bad: (field: string, detail: string) => never): number {
  if (!Array.isArray(row) || row.length <= k || !row.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    bad(field, `expected an array of at least ${k + 1} class scores, got ${JSON.stringify(row)}`);
  }
  const xs = row as number[];
  const sum = xs.reduce((a, b) => a + b, 0);
  if (xs.every((x) => x >= 0) && Math.abs(sum - 1) < 1e-3) return xs[k]! / sum;
  const m = Math.max(...xs);
  const e = xs.map((x) => Math.exp(x - m));
  return e[k]! / e.reduce((a, b) => a + b, 0);
}

const readers: Record<HttpStepFormat['endpoint'], Reader> = {
  pooling: (f, json, counts, bad) =>
    byIndex(json, 'data', counts.length, bad).map((item, i) => {
      const rows = item.data;
      if (!Array.isArray(rows) || rows.length !== counts[i]) {
        return bad(`data[${i}].data`, `expected ${counts[i]} rows (one per step tag), got ${Array.isArray(rows) ? rows.length : JSON.stringify(rows)}`);
      }
      const last = rows.length - 1;
      return classProb(rows[last], (f as PoolingFormat).positiveIndex, `data[${i}].data[${last}]`, bad);
    }),
  classify: (f, json, counts, bad) =>
    byIndex(json, 'data', counts.length, bad).map((item, i) => classProb(item.probs, (f as ClassifyFormat).positiveIndex, `data[${i}].probs`, bad)),
  'completions-logprobs': (f, json, counts, bad) => {
    const { tag, good, bad: wrong } = f as LogprobFormat;
    return byIndex(json, 'choices', counts.length, bad).map((choice, i) => {
      const lp = choice.logprobs;
      const at = `choices[${i}].logprobs`;
      if (!isObj(lp) || !Array.isArray(lp.tokens) || !Array.isArray(lp.top_logprobs))
        return bad(at, 'expected {tokens, top_logprobs} (request had echo and logprobs)');
      const tokens = lp.tokens as unknown[];
      const tags = tokens.flatMap((t, k) => (typeof t === 'string' && t.trim() === tag.trim() ? [k] : []));
      if (tags.length !== counts[i]) bad(`${at}.tokens`, `found ${tags.length} step tags ${JSON.stringify(tag)}, expected ${counts[i]}`);
      // With echo, top_logprobs[k] is the distribution that predicted token k, so the verdict after the tag is at k + 1.
      const k = tags[tags.length - 1]! + 1;
      const top = (lp.top_logprobs as unknown[])[k];
      if (!isObj(top)) return bad(`${at}.top_logprobs[${k}]`, `expected a token → logprob map, got ${JSON.stringify(top)}`);
      const mass = (tok: string) => Object.entries(top).reduce((s, [t, v]) => (t.trim() === tok && typeof v === 'number' ? s + Math.exp(v) : s), 0);
      const pg = mass(good),
        pb = mass(wrong);
      if (pg + pb === 0) bad(`${at}.top_logprobs[${k}]`, `neither ${JSON.stringify(good)} nor ${JSON.stringify(wrong)} is among the returned tokens`);
      return pg / (pg + pb);
    });
  },
};

function bodyFor(f: HttpStepFormat, model: string, prompts: string[], extra?: Readonly<Record<string, unknown>>): Record<string, unknown> {
  if (f.endpoint === 'completions-logprobs') {
    return { model, prompt: prompts, max_tokens: 1, temperature: 0, echo: true, logprobs: f.topLogprobs, ...f.extraBody, ...extra };
  }
  return { model, input: prompts, ...f.extraBody, ...extra };
}

export class HttpPRM implements PRM {
  readonly name: string;
  readonly format: HttpStepFormat;
  private readonly base: string;
  private readonly o: Required<Omit<HttpPRMOptions, 'apiKey' | 'format' | 'extraBody'>> & Pick<HttpPRMOptions, 'apiKey' | 'extraBody'>;

  constructor(opts: HttpPRMOptions) {
    const f = typeof opts.format === 'string' ? httpStepFormats[opts.format as HttpStepFormatName] : opts.format;
    if (!f || !Object.hasOwn(readers, f.endpoint)) {
      throw new InvalidOptionError(
        'format',
        `expected one of ${Object.keys(httpStepFormats).join(', ')} or a format object with endpoint ${Object.keys(readers).join(' | ')}, got ${JSON.stringify(opts.format)}`,
      );
    }
    let url: URL;
    try {
      url = new URL(opts.baseUrl);
    } catch {
      throw new InvalidOptionError('baseUrl', `expected an http(s) URL, got ${JSON.stringify(opts.baseUrl)}`);
    }
    if (typeof opts.model !== 'string' || !opts.model) throw new InvalidOptionError('model', 'expected the served model name');
    this.o = { maxBatch: 32, concurrency: 4, retries: 2, retryDelayMs: 200, timeoutMs: 60_000, ...opts };
    for (const [k, min] of [
      ['maxBatch', 1],
      ['concurrency', 1],
      ['retries', 0],
      ['retryDelayMs', 0],
      ['timeoutMs', 1],
    ] as const) {
      checkField(k, this.o[k], opt.int({ min }));
    }
    this.format = f;
    this.base = url.href.replace(/\/+$/, '').replace(/\/v1$/, '');
    this.name = `http:${f.name}`;
  }

  info() {
    return { backend: 'http', baseUrl: this.base, model: this.o.model, format: this.format.name, endpoint: this.format.endpoint };
  }

  async score(requests: readonly ScoreRequest[], signal?: AbortSignal): Promise<number[]> {
    const out = new Array<number>(requests.length);
    const chunks: number[] = [];
    for (let i = 0; i < requests.length; i += this.o.maxBatch) chunks.push(i);
    let next = 0;
    let failed = false;
    // A small worker pool: at most `concurrency` requests in flight; the first failure rejects the whole batch
    // and stops the other workers from starting new requests.
    const worker = async () => {
      while (next < chunks.length && !failed) {
        const start = chunks[next++]!;
        try {
          const scores = await this.scoreChunk(requests.slice(start, start + this.o.maxBatch), signal);
          scores.forEach((s, j) => (out[start + j] = s));
        } catch (e) {
          failed = true;
          throw e;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.o.concurrency, chunks.length) }, worker));
    return out;
  }

  private async scoreChunk(part: readonly ScoreRequest[], signal?: AbortSignal): Promise<number[]> {
    const f = this.format;
    const prompts = part.map((r) => renderPrompt(f, r.problem.text, [...r.prefix, r.step]));
    const url = this.base + f.path;
    const json = await this.post(url, bodyFor(f, this.o.model, prompts, this.o.extraBody), signal);
    const bad = (field: string, detail: string): never => {
      throw new FormatError(`response from ${url}`, `field \`${field}\`: ${detail}`);
    };
    return readers[f.endpoint](
      f,
      json,
      part.map((r) => r.prefix.length + 1),
      bad,
    );
  }

  private async post(url: string, body: unknown, signal?: AbortSignal): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.attempt(url, body, signal);
      } catch (e) {
        if (signal?.aborted) throw signal.reason ?? e;
        const retry = e instanceof HttpPRMError && (e.status === null || e.status === 408 || e.status === 429 || e.status >= 500);
        if (!retry || attempt >= this.o.retries) throw e;
        await sleep(this.o.retryDelayMs * 2 ** attempt, signal);
      }
    }
  }

  private async attempt(url: string, body: unknown, signal?: AbortSignal): Promise<unknown> {
    const timeout = AbortSignal.timeout(this.o.timeoutMs);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.o.apiKey) headers.authorization = `Bearer ${this.o.apiKey}`;
    let status: number, ok: boolean, text: string;
    try {
      // The timeout covers the body too: a server that sends headers and then stalls still fails in time.
      const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body), signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
      ({ status, ok } = res);
      text = await res.text();
    } catch (e) {
      if (timeout.aborted && !signal?.aborted) throw new HttpPRMError(url, null, `no complete answer within ${this.o.timeoutMs} ms`, { cause: e });
      const cause = e instanceof Error && e.cause ? ` (${errorText(e.cause)})` : '';
      throw new HttpPRMError(url, null, `${errorText(e)}${cause}`, { cause: e });
    }
    if (!ok) throw new HttpPRMError(url, status, snippet(text) || '(empty body)');
    try {
      return JSON.parse(text);
    } catch {
      throw new FormatError(`response from ${url}`, `body is not JSON: ${snippet(text)}`);
    }
  }
}

const snippet = (s: string) => (s.length > 300 ? `${s.slice(0, 300)}…` : s).trim();

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener('abort', abort);
      resolve();
    }
    function abort() {
      clearTimeout(t);
      reject(signal!.reason);
    }
    signal?.addEventListener('abort', abort, { once: true });
  });
}

import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import seedrandom from 'seedrandom';

/**
 * A local OpenAI-compatible server on 127.0.0.1 for tests and benchmarks. It speaks `/v1/completions` and
 * `/v1/chat/completions` the way the real servers do (fields read from their sources; see the flavors below),
 * applies stop strings and `max_tokens` itself, and injects faults on demand.
 *
 * Flavors:
 * - `vllm`: honours `n`; `stop_reason` = the matched stop string, null on EOS or length.
 * - `sglang`: honours `n`; `matched_stop` = the stop string, the EOS token id (an integer) on EOS, null on length.
 * - `llamacpp`, `ollama`: ignore `n` (one choice per request) and report neither field.
 */
export type FakeFlavor = 'vllm' | 'sglang' | 'llamacpp' | 'ollama';
export type FaultKind = '500' | '429' | 'hang' | 'stall' | 'reset' | 'malformed';

/** The "model": the whole continuation of a prompt for one sample; the server cuts it at a stop string or at max_tokens. */
export type FakeGenerate = (prompt: string, sample: { index: number; seed: number | undefined; body: Record<string, unknown> }) => string;

export interface FakeServerOptions {
  readonly flavor?: FakeFlavor;
  /** Delay before every answer (ms). */
  readonly latencyMs?: number;
  /** How long an idle keep-alive connection stays open (Node default 5 s; uvicorn, which vLLM runs on, also 5 s). */
  readonly keepAliveMs?: number;
  /** Scripted faults, one entry per incoming request in arrival order (null = answer normally); used before faultRate. */
  readonly faults?: readonly (FaultKind | null)[];
  /** Probability that a request (after the scripted ones) fails with one of faultKinds, drawn from faultSeed. */
  readonly faultRate?: number;
  readonly faultKinds?: readonly FaultKind[];
  readonly faultSeed?: string;
  /** Retry-After header value (seconds) sent with 429. */
  readonly retryAfterS?: number;
  readonly generate?: FakeGenerate;
  /** When set, requests without `Authorization: Bearer <apiKey>` get 401. */
  readonly apiKey?: string;
  /** Worst case for secret handling: the 401 message echoes the Authorization header it got. */
  readonly echoAuth?: boolean;
  /** Report `usage.prompt_tokens_details.cached_tokens` (as vLLM does with --enable-prompt-tokens-details). */
  readonly reportCached?: boolean;
  /** Answer 400 to any request with n > 1 (servers that refuse n rather than ignore it). */
  readonly rejectN?: boolean;
  /** Keep every request in `requests` (default true); a benchmark's server counts them only. */
  readonly record?: boolean;
}

export interface RecordedRequest {
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: Record<string, unknown> | undefined;
  readonly fault: FaultKind | null;
}

export interface FakeServer {
  /** Base URL including `/v1`, as the openai SDK's baseURL wants it. */
  readonly url: string;
  readonly requests: RecordedRequest[];
  readonly stats: { requests: number; faults: number; inFlight: number; peakInFlight: number };
  close(): Promise<void>;
}

const EOS_ID = 151643;

/** Error bodies in the OpenAI shape that current vLLM and SGLang send (older vLLM sent the fields unnested). */
const err = (message: string, type: string, code: number) => ({ error: { message, type, param: null, code } });

/** One token per word with its leading whitespace, and each run of newlines its own token (so "\n\n" is one token). */
export function fakeTokens(text: string): string[] {
  return text.match(/\n+|[^\S\n]*[^\s]+|[^\S\n]+/g) ?? [];
}

const hash = (s: string) => createHash('sha256').update(s).digest();

/**
 * The default model: a solution of `depth` steps ("Step k: a + b = c.") separated by blank lines, the last one
 * "The answer is \boxed{N}." followed by EOS. Steps already in the prompt's assistant part are counted; values vary
 * with (prompt, sample index, seed), so n samples differ.
 */
export function defaultGenerate(depth = 4): FakeGenerate {
  return (prompt, { index, seed }) => {
    const marker = prompt.lastIndexOf('<|im_start|>assistant\n');
    const done = marker < 0 ? 0 : prompt.slice(marker).split('\n\n').length - 1;
    const h = hash(`${prompt}\u0000${index}\u0000${seed ?? ''}`);
    const a = h[0]! % 50,
      b = h[1]! % 50;
    if (done >= depth - 1) return `The answer is \\boxed{${(h[2]! % 4) + 10}}.`;
    return `Step ${done + 1}: ${a} + ${b} = ${a + b}.\n\nStep ${done + 2}: more`;
  };
}

/** A fixed logprob per (token, position) in [-2, 0]: FNV-1a, so a benchmark's server is not bound by sha256 per token. */
function logprobOf(token: string, i: number): number {
  let h = 0x811c9dc5 ^ i;
  for (let j = 0; j < token.length; j++) h = Math.imul(h ^ token.charCodeAt(j), 0x01000193);
  return -((h >>> 24) / 255) * 2;
}

interface Sample {
  text: string;
  tokens: string[];
  finish: 'stop' | 'length';
  matched: string | null;
}

/** Cut a continuation like a server: at the first stop string (dropped from the output) or at max_tokens. */
function cut(full: string, stops: readonly string[], maxTokens: number): Sample {
  let end = full.length,
    matched: string | null = null;
  for (const s of stops) {
    const at = s ? full.indexOf(s) : -1;
    if (at >= 0 && at < end) ((end = at), (matched = s));
  }
  const tokens = fakeTokens(full.slice(0, end));
  if (tokens.length > maxTokens) return { text: tokens.slice(0, maxTokens).join(''), tokens: tokens.slice(0, maxTokens), finish: 'length', matched: null };
  return { text: full.slice(0, end), tokens, finish: 'stop', matched };
}

function chatPrompt(body: Record<string, unknown>): string {
  const msgs = (Array.isArray(body.messages) ? body.messages : []) as { role: string; content: string }[];
  const last = msgs[msgs.length - 1];
  const cont = body.continue_final_message === true && last?.role === 'assistant';
  let out = '';
  msgs.forEach((m, i) => {
    out += `<|im_start|>${m.role}\n${m.content}`;
    if (!(cont && i === msgs.length - 1)) out += '<|im_end|>\n';
  });
  if (!cont && body.add_generation_prompt !== false) out += '<|im_start|>assistant\n';
  return out;
}

function answer(flavor: FakeFlavor, chat: boolean, body: Record<string, unknown>, generate: FakeGenerate, reportCached: boolean) {
  const prompt = chat ? chatPrompt(body) : String(body.prompt ?? '');
  const stops = typeof body.stop === 'string' ? [body.stop] : Array.isArray(body.stop) ? (body.stop as string[]) : [];
  const n = flavor === 'vllm' || flavor === 'sglang' ? Math.max(1, Number(body.n ?? 1)) : 1;
  const seed = typeof body.seed === 'number' ? body.seed : undefined;
  const maxTokens = typeof body.max_tokens === 'number' ? body.max_tokens : 256;
  const wantLogprobs = chat ? body.logprobs === true : typeof body.logprobs === 'number';
  let completion = 0;
  const choices = Array.from({ length: n }, (_, index) => {
    const s = cut(generate(prompt, { index, seed, body }), stops, maxTokens);
    completion += s.tokens.length;
    const lps = s.tokens.map((t, i) => logprobOf(t, i));
    const choice: Record<string, unknown> = { index, finish_reason: s.finish };
    if (chat) choice.message = { role: 'assistant', content: s.text };
    else choice.text = s.text;
    if (flavor === 'vllm') choice.stop_reason = s.matched;
    if (flavor === 'sglang') choice.matched_stop = s.finish === 'length' ? null : (s.matched ?? EOS_ID);
    if (wantLogprobs) {
      if (chat) choice.logprobs = { content: s.tokens.map((t, i) => ({ token: t, logprob: lps[i], bytes: [...Buffer.from(t)], top_logprobs: [] })) };
      else {
        let off = prompt.length;
        const text_offset = s.tokens.map((t) => ((off += t.length), off - t.length));
        choice.logprobs = { tokens: s.tokens, token_logprobs: lps, top_logprobs: s.tokens.map((t, i) => ({ [t]: lps[i] })), text_offset };
      }
    } else choice.logprobs = null;
    return choice;
  });
  const promptTokens = fakeTokens(prompt).length;
  const usage: Record<string, unknown> = { prompt_tokens: promptTokens, completion_tokens: completion, total_tokens: promptTokens + completion };
  if (reportCached) usage.prompt_tokens_details = { cached_tokens: Math.max(0, promptTokens - 8) };
  return { id: `cmpl-fake`, object: chat ? 'chat.completion' : 'text_completion', created: 0, model: String(body.model ?? ''), choices, usage };
}

/** Starts the server on 127.0.0.1 at a free port. Always `close()` it (hung requests are destroyed then). */
export async function startFakeOpenAIServer(o: FakeServerOptions = {}): Promise<FakeServer> {
  const flavor = o.flavor ?? 'vllm';
  const generate = o.generate ?? defaultGenerate();
  const rng = seedrandom(o.faultSeed ?? 'faults');
  const kinds = o.faultKinds ?? ['500', '429', 'hang', 'reset', 'malformed'];
  const requests: RecordedRequest[] = [];
  const stats = { requests: 0, faults: 0, inFlight: 0, peakInFlight: 0 };
  const sockets = new Set<Socket>();
  let scripted = 0;

  const pickFault = (): FaultKind | null => {
    if (o.faults && scripted < o.faults.length) return o.faults[scripted++] ?? null;
    if (o.faultRate && rng() < o.faultRate) return kinds[Math.floor(rng() * kinds.length)]!;
    return null;
  };

  /**
   * What to send for one request, worked out when it arrives; the reply goes out `latencyMs` after arrival, so the
   * server's own work is inside its latency, as a real server's is (not added to it).
   */
  const handle = (req: IncomingMessage, res: ServerResponse, raw: string): (() => void) | null => {
    const path = (req.url ?? '').split('?')[0]!;
    let body: Record<string, unknown> | undefined;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      body = undefined;
    }
    const fault = pickFault();
    stats.requests++;
    if (fault) stats.faults++;
    if (o.record !== false) requests.push({ path, headers: req.headers, body, fault });
    // with its length, as uvicorn (vLLM, SGLang) sends a JSON response, rather than chunked
    const send = (status: number, v: unknown, headers: Record<string, string> = {}) => {
      const text = typeof v === 'string' ? v : JSON.stringify(v);
      const head = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers };
      return () => (res.writeHead(status, head), res.end(text));
    };
    if (fault === 'hang') return null; // never answers; the client's timeout must fire
    if (fault === 'stall') return () => void (res.writeHead(200, { 'content-type': 'application/json' }), res.write('{"id": "cmpl-x", ')); // headers, then nothing
    if (fault === 'reset') return () => void req.socket.destroy();
    if (fault === '500') return send(500, err('internal server error', 'InternalServerError', 500));
    if (fault === '429') return send(429, err('too many requests', 'RateLimitError', 429), { 'retry-after': String(o.retryAfterS ?? 0) });
    if (fault === 'malformed') return send(200, '{"id": "cmpl-x", "choices": [{"text": ');
    if (o.apiKey !== undefined && req.headers.authorization !== `Bearer ${o.apiKey}`)
      return send(401, err(`unauthorized${o.echoAuth ? `: got ${req.headers.authorization}` : ''}`, 'AuthenticationError', 401));
    if (req.method === 'GET' && path === '/v1/models') return send(200, { object: 'list', data: [{ id: 'fake', object: 'model' }] });
    const chat = path === '/v1/chat/completions';
    if (req.method !== 'POST' || !(chat || path === '/v1/completions')) return send(404, err(`no route ${path}`, 'NotFoundError', 404));
    if (!body) return send(400, err('body is not JSON', 'BadRequestError', 400));
    if (o.rejectN && Number(body.n ?? 1) > 1) return send(400, err('n > 1 is not supported', 'BadRequestError', 400));
    let out: unknown;
    try {
      out = answer(flavor, chat, body, generate, o.reportCached ?? false);
    } catch (e) {
      return send(500, err(`generate failed: ${e instanceof Error ? e.message : String(e)}`, 'InternalServerError', 500));
    }
    return send(200, out);
  };

  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      stats.inFlight++;
      stats.peakInFlight = Math.max(stats.peakInFlight, stats.inFlight);
      res.on('close', () => stats.inFlight--);
      const t0 = performance.now();
      const reply = handle(req, res, raw);
      const wait = (o.latencyMs ?? 0) - (performance.now() - t0);
      if (!reply) return;
      if (wait > 0) setTimeout(reply, wait);
      else reply();
    });
  });
  server.keepAliveTimeout = o.keepAliveMs ?? 1000;
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    stats,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}

/**
 * As a separate process (so a benchmark's client and server do not share one event loop):
 *   npx tsx test/helpers/fake-openai-server.ts '{"latencyMs": 50, "faultRate": 0.05}'
 * prints `{"url": "http://127.0.0.1:PORT/v1"}` on one line and serves until stdin closes or SIGTERM.
 */
if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const opts = JSON.parse(process.argv[2] ?? '{}') as FakeServerOptions;
  const s = await startFakeOpenAIServer(opts);
  process.stdout.write(`${JSON.stringify({ url: s.url })}\n`);
  const stop = () => void s.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.stdin.on('end', stop).resume();
}

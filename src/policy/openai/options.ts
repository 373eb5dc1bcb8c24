import { InvalidOptionError } from '../../core/errors.ts';
import { checkField, opt, type Field } from '../../core/options.ts';
import { ResponseCache } from '../cache.ts';
import { ChatTemplate, DEFAULT_SYSTEM, QWEN25_MATH_TEMPLATE } from './template.ts';
import type { RetryOptions } from './retry.ts';
import type { Transport } from './transport.ts';

export interface Pricing {
  /** US$ per million prompt tokens not served from the server's prefix cache. */
  readonly promptPerMTok?: number;
  readonly cachedPromptPerMTok?: number;
  readonly completionPerMTok?: number;
}

export interface OpenAIPolicyOptions {
  /** OpenAI-compatible base URL, with `/v1` (vLLM, SGLang, llama.cpp: `http://127.0.0.1:8000/v1`; Ollama: `http://127.0.0.1:11434/v1`). */
  readonly baseURL: string;
  readonly model: string;
  /** `completions` (default): /v1/completions with the chat template rendered here; `chat`: /v1/chat/completions with assistant prefill (vLLM, SGLang). */
  readonly mode?: 'completions' | 'chat';
  /** `n`: one request with n = k; `fanout`: k requests with n = 1 (llama.cpp, Ollama ignore n); `probe` (default): n, switching to fanout when a server returns fewer choices. */
  readonly nMode?: 'n' | 'fanout' | 'probe';
  /**
   * `node` (default): node:http(s) with keep-alive sockets, the lean path for many requests in flight; `sdk`: the
   * `openai` SDK over fetch. Same requests, retries and errors.
   */
  readonly transport?: 'node' | 'sdk';
  /** Stop string(s) that end a step (default "\n\n"); the first is re-appended after each step in the next prompt. */
  readonly stepDelimiter?: string | readonly string[];
  readonly system?: string;
  /** Path to a tokenizer_config.json whose chat_template renders the prompt (default: the built-in Qwen2.5-Math ChatML). */
  readonly chatTemplate?: string;
  readonly temperature?: number;
  readonly topP?: number;
  /** Token limit per step. Default 1024. */
  readonly maxTokens?: number;
  /** Ask for token logprobs (the step's mean logprob becomes its prior). Default true. */
  readonly logprobs?: boolean;
  /** Send a per-request seed derived from (seed, node, sample), so sampling servers reproduce. Default true. */
  readonly sendSeed?: boolean;
  readonly seed?: number | string;
  /** Name of the environment variable holding the API key (default OPENAI_API_KEY; unset means no key). */
  readonly apiKeyEnv?: string;
  /** Where the key is read (default process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Per-attempt limit. Default 120 000 ms. */
  readonly timeoutMs?: number;
  /** Extra attempts after a 429, 5xx, timeout, reset or malformed body. Default 4. */
  readonly retries?: number;
  readonly retryBaseMs?: number;
  readonly retryMaxMs?: number;
  /** Longest Retry-After honoured. Default 30 000 ms. */
  readonly retryAfterCapMs?: number;
  /** Requests in flight per endpoint. Default 64. */
  readonly concurrency?: number;
  /** Halve the concurrency on each 429, grow it back slowly. Default false. */
  readonly adaptiveConcurrency?: boolean;
  /** Response cache: a directory, a ResponseCache, or false/undefined for none. */
  readonly cache?: string | ResponseCache | false;
  /** A step containing `\boxed{` ends the solution even when the delimiter stopped it. Default true. */
  readonly boxedEnds?: boolean;
  /** Extra request fields (e.g. `{ top_k: 20, repetition_penalty: 1.05 }` for vLLM). */
  readonly extraBody?: Readonly<Record<string, unknown>>;
  readonly pricing?: Pricing;
  /** Jitter source (tests). */
  readonly rng?: () => number;
  /** Wraps the transport (an observer for tests and benchmarks: counting attempts, logging requests). */
  readonly wrapTransport?: (t: Transport) => Transport;
}

export interface ResolvedOptions {
  readonly baseURL: string;
  readonly model: string;
  readonly mode: 'completions' | 'chat';
  readonly nMode: 'n' | 'fanout' | 'probe';
  readonly transport: 'node' | 'sdk';
  readonly delimiters: readonly string[];
  readonly system: string;
  readonly template: ChatTemplate;
  readonly temperature: number;
  readonly topP: number;
  readonly maxTokens: number;
  readonly logprobs: boolean;
  readonly sendSeed: boolean;
  readonly seed: string;
  readonly apiKeyEnv: string;
  readonly timeoutMs: number;
  readonly retry: RetryOptions;
  readonly concurrency: number;
  readonly adaptiveConcurrency: boolean;
  readonly cache: ResponseCache | null;
  readonly boxedEnds: boolean;
  readonly extraBody: Readonly<Record<string, unknown>>;
  readonly pricing: Pricing | null;
  readonly wrapTransport: ((t: Transport) => Transport) | null;
}

// one validation kit (src/core/options.ts); errors name the field as `policy.NAME`
const num = (name: string, v: unknown, f: Field<number>): number => checkField(`policy.${name}`, v, f);
function oneOf<T extends string>(name: string, v: unknown, values: readonly T[], dflt: T): T {
  return checkField(`policy.${name}`, v, opt.choice(values, { default: dflt }));
}

function fn<F>(name: string, v: F | undefined): F | null {
  if (v === undefined) return null;
  if (typeof v !== 'function') throw new InvalidOptionError(`policy.${name}`, `expected a function, got ${JSON.stringify(v)}`);
  return v;
}

/** The key itself is read apart, so it never sits in an object that gets logged or serialised. */
export function readApiKey(o: OpenAIPolicyOptions, r: ResolvedOptions): string | undefined {
  return (o.env ?? process.env)[r.apiKeyEnv] || undefined;
}

export function resolveOptions(o: OpenAIPolicyOptions): ResolvedOptions {
  if (typeof o?.baseURL !== 'string' || !/^https?:\/\//.test(o.baseURL))
    throw new InvalidOptionError('policy.baseURL', `expected an http(s) URL such as http://127.0.0.1:8000/v1, got ${JSON.stringify(o?.baseURL)}`);
  if (typeof o.model !== 'string' || !o.model) throw new InvalidOptionError('policy.model', 'expected the served model name');
  const delims = o.stepDelimiter === undefined ? ['\n\n'] : typeof o.stepDelimiter === 'string' ? [o.stepDelimiter] : [...o.stepDelimiter];
  if (!delims.length || delims.some((d) => typeof d !== 'string' || !d))
    throw new InvalidOptionError('policy.stepDelimiter', 'expected a non-empty string or list of them');
  const apiKeyEnv = o.apiKeyEnv ?? 'OPENAI_API_KEY';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(apiKeyEnv)) throw new InvalidOptionError('policy.apiKeyEnv', 'expected an environment variable name');
  const cache = o.cache instanceof ResponseCache ? o.cache : typeof o.cache === 'string' ? new ResponseCache(o.cache) : null;
  return {
    baseURL: o.baseURL.replace(/\/+$/, ''),
    model: o.model,
    mode: oneOf('mode', o.mode, ['completions', 'chat'], 'completions'),
    nMode: oneOf('nMode', o.nMode, ['n', 'fanout', 'probe'], 'probe'),
    transport: oneOf('transport', o.transport, ['node', 'sdk'], 'node'),
    delimiters: delims,
    system: o.system ?? DEFAULT_SYSTEM,
    template: o.chatTemplate ? ChatTemplate.fromTokenizerConfig(o.chatTemplate) : new ChatTemplate(QWEN25_MATH_TEMPLATE),
    temperature: num('temperature', o.temperature, opt.number({ min: 0, default: 0.7 })),
    topP: num('topP', o.topP, opt.number({ above: 0, max: 1, default: 1 })),
    maxTokens: num('maxTokens', o.maxTokens, opt.int({ min: 1, default: 1024 })),
    logprobs: checkField('policy.logprobs', o.logprobs, opt.boolean({ default: true })),
    sendSeed: checkField('policy.sendSeed', o.sendSeed, opt.boolean({ default: true })),
    seed: String(o.seed ?? 0),
    apiKeyEnv,
    timeoutMs: num('timeoutMs', o.timeoutMs, opt.int({ min: 1, default: 120_000 })),
    retry: {
      retries: num('retries', o.retries, opt.int({ min: 0, default: 4 })),
      baseDelayMs: num('retryBaseMs', o.retryBaseMs, opt.number({ min: 0, default: 250 })),
      maxDelayMs: num('retryMaxMs', o.retryMaxMs, opt.number({ min: 0, default: 8000 })),
      retryAfterCapMs: num('retryAfterCapMs', o.retryAfterCapMs, opt.number({ min: 0, default: 30_000 })),
      ...(o.rng ? { rng: o.rng } : {}),
    },
    concurrency: num('concurrency', o.concurrency, opt.int({ min: 1, default: 64 })),
    adaptiveConcurrency: checkField('policy.adaptiveConcurrency', o.adaptiveConcurrency, opt.boolean({ default: false })),
    cache,
    boxedEnds: checkField('policy.boxedEnds', o.boxedEnds, opt.boolean({ default: true })),
    extraBody: o.extraBody ?? {},
    pricing: o.pricing ?? null,
    wrapTransport: fn('wrapTransport', o.wrapTransport),
  };
}

import { createHash } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { PolicyError } from '../../core/errors.ts';
import { ResponseCache } from '../cache.ts';
import type { Policy, ProposeRequest, StepProposal } from '../types.ts';
import { parseChoices, splitTokens, toProposal, type ParsedChoice } from './choice.ts';
import { limiterFor, type Limiter } from './limiter.ts';
import { readApiKey, resolveOptions, type OpenAIPolicyOptions, type ResolvedOptions } from './options.ts';
import { RetriesExhausted, withRetries, type Failure } from './retry.ts';
import type { ChatMessage } from './template.ts';
import { nodeTransport, sdkTransport, type ApiPath, type Transport } from './transport.ts';

/** Counters for the cost report (requests that went to the server; cache hits are counted apart). */
export interface OpenAIStats {
  calls: number;
  requests: number;
  retries: number;
  failedCalls: number;
  throttled: number;
  timeouts: number;
  promptTokens: number;
  cachedPromptTokens: number;
  completionTokens: number;
  cacheHits: number;
  truncatedSteps: number;
  emptySteps: number;
  /** nMode probe's finding: whether the server honours n. */
  probe: 'n' | 'fanout' | 'failed' | null;
}

const seen = new WeakSet<AbortSignal>();
const tuned = new WeakSet<AbortSignal>();
/** Choices parsed when a response arrived (a malformed one fails its attempt), reused by the call that asked. */
const parsed = new WeakMap<object, ParsedChoice[]>();

/** One request's steps, and how many choices the server sent (the probe compares it with n). */
interface Answer {
  readonly steps: StepProposal[];
  readonly choices: number;
}

interface Usage {
  prompt_tokens?: number;
  completion_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number } | null;
}

/**
 * A policy behind any OpenAI-compatible server (vLLM, SGLang, llama.cpp, Ollama). Each call proposes up to k next
 * steps: generation stops at the step delimiter ("\n\n"), which servers drop from the text; the next prompt
 * re-appends it, so it is byte-identical to the previous prompt plus the step (prefix caches hit).
 */
export class OpenAIPolicy implements Policy {
  readonly name = 'openai';
  readonly o: ResolvedOptions;
  readonly stats: OpenAIStats = {
    calls: 0,
    requests: 0,
    retries: 0,
    failedCalls: 0,
    throttled: 0,
    timeouts: 0,
    promptTokens: 0,
    cachedPromptTokens: 0,
    completionTokens: 0,
    cacheHits: 0,
    truncatedSteps: 0,
    emptySteps: 0,
    probe: null,
  };
  // #private: neither JSON.stringify nor util.inspect shows them, so the key (held by the SDK client too) stays out of logs
  readonly #transport: Transport;
  readonly #apiKey: string | undefined;
  private readonly limiter: Limiter;
  private fanout: boolean;
  /** nMode probe: in flight, then true once done. */
  private probed: Promise<void> | true | null = null;

  constructor(options: OpenAIPolicyOptions) {
    this.o = resolveOptions(options);
    this.#apiKey = readApiKey(options, this.o);
    const t = this.o.transport === 'sdk' ? sdkTransport(this.o.baseURL, this.#apiKey, this.o.timeoutMs) : nodeTransport(this.o.baseURL, this.#apiKey);
    this.#transport = this.o.wrapTransport ? this.o.wrapTransport(t) : t;
    this.limiter = limiterFor(this.o.baseURL, this.o.concurrency, this.o.adaptiveConcurrency);
    this.fanout = this.o.nMode === 'fanout';
  }

  info() {
    const { baseURL, model, mode, nMode, transport, delimiters, temperature, topP, maxTokens, apiKeyEnv } = this.o;
    return {
      name: this.name,
      simulated: false,
      baseURL,
      model,
      mode,
      nMode,
      effectiveNMode: this.fanout ? 'fanout' : 'n',
      transport,
      stepDelimiter: delimiters,
      temperature,
      topP,
      maxTokens,
      apiKeyEnv,
      template: this.o.template.origin,
      cacheDir: this.o.cache?.dir ?? null,
      ...this.stats,
      ...this.cost(),
    };
  }

  /** Waits for response-cache writes in flight (call before exiting with process.exit). */
  async flush(): Promise<void> {
    await this.o.cache?.flush();
  }

  /** US$ for the tokens the server was paid for (cache hits cost nothing), when pricing is set. */
  cost(): { costUsd?: number } {
    const p = this.o.pricing;
    if (!p) return {};
    const s = this.stats;
    const usd =
      ((s.promptTokens - s.cachedPromptTokens) * (p.promptPerMTok ?? 0) +
        s.cachedPromptTokens * (p.cachedPromptPerMTok ?? p.promptPerMTok ?? 0) +
        s.completionTokens * (p.completionPerMTok ?? 0)) /
      1e6;
    return { costUsd: usd };
  }

  async propose(req: ProposeRequest): Promise<StepProposal[]> {
    this.stats.calls++;
    // each request, retry sleep and queue slot listens on the signal (up to 2 per request): the limit is raised for a
    // signal shared among calls (at its second call) or one call's fan-out of k > 4; not for every fresh signal the
    // engine hands a call, since setMaxListeners is costly
    if (req.signal && !tuned.has(req.signal)) {
      if (seen.has(req.signal) || req.k > 4) (tuned.add(req.signal), setMaxListeners(1000, req.signal));
      else seen.add(req.signal);
    }
    try {
      return await this.sample(req, Math.max(0, req.k));
    } catch (e) {
      this.stats.failedCalls++;
      throw new PolicyError(
        req.nodeId,
        this.redact(e instanceof RetriesExhausted ? `${this.o.baseURL}: ${e.message}` : e instanceof Error ? e.message : String(e)),
      );
    }
  }

  private async sample(req: ProposeRequest, k: number): Promise<StepProposal[]> {
    if (k === 0) return [];
    // one sample is the same request in both modes (sample 0), so only k > 1 needs the mode
    if (k === 1) return (await this.request(req, 1, 0)).steps;
    // probe: decided once, before any call with k > 1, so the requests sent (and cached) never depend on timing
    if (this.o.nMode === 'probe' && this.probed !== true) await (this.probed ??= this.probe(req));
    if (this.fanout) return this.fanOut(req, 0, k);
    const got = await this.request(req, k, 'n');
    // the server ignores n after all (the probe failed, so it could not tell): fan out the rest, and every later call
    if (got.choices < k && this.o.nMode === 'probe') {
      this.fanout = true;
      return got.steps.concat(await this.fanOut(req, got.choices, k));
    }
    return got.steps;
  }

  /**
   * nMode probe: one tiny request (the first problem's prompt, n = 2, one token each) asks whether the server
   * honours n; llama.cpp and Ollama answer one choice, so calls fan out there, as they do where n = 2 is refused
   * (400, 422). A probe that fails otherwise leaves the choice to each call.
   */
  private async probe(req: ProposeRequest): Promise<void> {
    const chat = this.o.mode === 'chat';
    const signal = req.signal;
    const prompt = [
      { role: 'system', content: this.o.system },
      { role: 'user', content: req.problem.text },
    ] as const;
    const body = {
      model: this.o.model,
      n: 2,
      max_tokens: 1,
      temperature: 1,
      ...(chat ? { messages: prompt } : { prompt: this.o.template.head(req.problem.text, this.o.system) }),
    };
    try {
      const { json, cached } = await this.fetch(chat ? '/chat/completions' : '/completions', body, { probe: true }, signal);
      if (!cached) this.count((json as { usage?: Usage }).usage ?? {}, 0);
      this.fanout = parseChoices(json, chat, this.o.delimiters).length < 2;
      this.stats.probe = this.fanout ? 'fanout' : 'n';
    } catch (e) {
      // a server that rejects n > 1 outright (a 400 or 422) is served by fan-out; other failures decide nothing
      const status = e instanceof RetriesExhausted ? e.failure.status : null;
      this.fanout = status === 400 || status === 422;
      this.stats.probe = this.fanout ? 'fanout' : 'failed';
    }
    this.probed = true;
  }

  private async fanOut(req: ProposeRequest, from: number, k: number): Promise<StepProposal[]> {
    const parts = await Promise.all(Array.from({ length: k - from }, (_, i) => this.request(req, 1, from + i)));
    return parts.flatMap((p) => p.steps);
  }

  /** One HTTP request (or a cache hit) for n samples; `sample` is 'n' for an n-request or the sample index of a fan-out. */
  private async request(req: ProposeRequest, n: number, sample: number | 'n'): Promise<Answer> {
    const steps = req.steps;
    const chat = this.o.mode === 'chat';
    const path: ApiPath = chat ? '/chat/completions' : '/completions';
    const draw = this.seedFor(req, sample);
    const body = this.body(req, steps, n, draw);
    // the draw (seed, node, sample) is in the key even when no seed is sent, so repeated draws never share an entry
    const { json, cached } = await this.fetch(path, body, { sample, draw }, req.signal);
    const choices = (parsed.get(json as object) ?? parseChoices(json, chat, this.o.delimiters))
      .slice()
      .sort((a, b) => a.index - b.index)
      .slice(0, n);
    const usage = ((json as { usage?: Usage }).usage ?? {}) as Usage;
    const tokens = splitTokens(choices, usage.completion_tokens);
    if (!cached)
      this.count(
        usage,
        tokens.reduce((a, b) => a + b, 0),
      );
    const out = choices.map((c, i) => {
      const p = toProposal(c, steps, tokens[i]!, { boxedEnds: this.o.boxedEnds });
      if (p.truncated) this.stats.truncatedSteps++;
      if (i > 0 || usage.prompt_tokens === undefined) return p;
      return {
        ...p,
        promptTokens: usage.prompt_tokens,
        ...(usage.prompt_tokens_details?.cached_tokens !== undefined ? { cachedTokens: usage.prompt_tokens_details.cached_tokens } : {}),
      };
    });
    // a blank step (the model emitted the delimiter at once) would only repeat the prompt: dropped, and counted
    const kept = out.filter((p) => p.terminal || p.text.trim() !== '');
    this.stats.emptySteps += out.length - kept.length;
    return { steps: kept, choices: choices.length };
  }

  /** The response to a request body, from the cache or the server (through the endpoint's limiter and our retries). */
  private async fetch(
    path: ApiPath,
    body: Record<string, unknown>,
    draw: Record<string, unknown>,
    signal: AbortSignal,
  ): Promise<{ json: unknown; cached: boolean }> {
    const request = { endpoint: this.o.baseURL + path, ...draw, body };
    const key = this.o.cache ? ResponseCache.key(request) : '';
    const hit = this.o.cache?.get<unknown>(key);
    if (hit !== undefined) return (this.stats.cacheHits++, { json: hit, cached: true });
    const json = await this.limiter.run(
      () =>
        withRetries(
          (attempt) => this.send(path, body, attempt, signal),
          this.o.retry,
          signal,
          (f) => this.onFailure(f),
        ),
      signal,
    );
    this.o.cache?.set(key, json, request);
    return { json, cached: false };
  }

  private count(usage: Usage, estimated: number) {
    this.stats.promptTokens += usage.prompt_tokens ?? 0;
    this.stats.cachedPromptTokens += usage.prompt_tokens_details?.cached_tokens ?? 0;
    this.stats.completionTokens += usage.completion_tokens ?? estimated;
  }

  private async send(path: ApiPath, body: Record<string, unknown>, attempt: number, signal: AbortSignal): Promise<unknown> {
    this.stats.requests++;
    if (attempt > 0) this.stats.retries++;
    // the transport holds the per-attempt deadline (APIConnectionTimeoutError past it)
    const res = await this.#transport.post(path, body, { signal, timeoutMs: this.o.timeoutMs });
    // a malformed body fails this attempt (and is retried); the parse is kept for the caller
    parsed.set(res as object, parseChoices(res, path !== '/completions', this.o.delimiters));
    this.limiter.onSuccess();
    return res;
  }

  private onFailure(f: Failure) {
    if (f.status === 429) (this.stats.throttled++, this.limiter.onThrottle());
    if (f.kind === 'timeout') this.stats.timeouts++;
  }

  private body(req: ProposeRequest, steps: readonly string[], n: number, draw: number): Record<string, unknown> {
    const o = this.o;
    const d = o.delimiters[0]!;
    const sofar = steps.map((s) => s + d).join('');
    const common: Record<string, unknown> = { model: o.model, n, stop: [...o.delimiters], max_tokens: o.maxTokens, temperature: o.temperature, top_p: o.topP };
    if (o.sendSeed) common.seed = draw;
    if (o.mode === 'completions') {
      return { ...common, prompt: o.template.head(req.problem.text, o.system) + sofar, ...(o.logprobs ? { logprobs: 1 } : {}), ...o.extraBody };
    }
    const messages: ChatMessage[] = [
      { role: 'system', content: o.system },
      { role: 'user', content: req.problem.text },
    ];
    // prefill: the steps so far are the assistant's unfinished message, continued in place (vLLM, SGLang)
    const prefill = steps.length ? { continue_final_message: true, add_generation_prompt: false } : {};
    if (steps.length) messages.push({ role: 'assistant', content: sofar });
    return { ...common, messages, ...prefill, ...(o.logprobs ? { logprobs: true } : {}), ...o.extraBody };
  }

  private seedFor(req: ProposeRequest, sample: number | 'n'): number {
    return createHash('sha256').update(`${this.o.seed}/${req.problem.id}/${req.seed}/${sample}`).digest().readUInt32BE(0) & 0x7fffffff;
  }

  /** The API key never leaves through an error message. */
  private redact(s: string): string {
    return this.#apiKey ? s.split(this.#apiKey).join('[redacted]') : s;
  }
}

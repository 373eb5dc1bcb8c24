// A policy for any Vercel AI SDK language model (`ai` ≥ 6, an optional peer dependency): agent
// builders search with the providers they already use. Node-neutral: no `node:` imports.
import type { generateText, LanguageModel, ModelMessage } from 'ai';
import { InvalidOptionError, MissingDependencyError } from '../core/errors.ts';
import { checkField, opt } from '../core/options.ts';
import type { Policy, ProposeRequest, StepProposal } from './types.ts';

type Generated = Awaited<ReturnType<typeof generateText>>;

// loaded on first use, so a missing `ai` is an error that says what to install
let ai: Promise<typeof import('ai')> | null = null;
function loadAi(): Promise<typeof import('ai')> {
  return (ai ??= import('ai').catch((e: unknown) => {
    ai = null;
    throw new MissingDependencyError('ai', 'aiSdkPolicy (steptree/ai-sdk)', e);
  }));
}

export interface AiSdkPolicyOptions {
  /** Any AI SDK language model: `openai('gpt-4o-mini')`, `anthropic(…)`, a gateway id string, a local provider. */
  readonly model: LanguageModel;
  /** Ends a step: generation stops at it (a stop sequence). Default a blank line, `\n\n`. */
  readonly delimiter?: string;
  /** More stop sequences, such as a model's end-of-turn marker. */
  readonly stop?: readonly string[];
  /** The prompt for the next step. Default: `system` instructions, the problem and the steps so far in one user message. */
  readonly prompt?: (req: ProposeRequest) => { readonly system?: string; readonly messages: ModelMessage[] };
  /** The final answer when `step` ends the solution, else null. Default: `\boxed{…}` or "the answer is …". */
  readonly answer?: (step: string, req: ProposeRequest) => string | null;
  /** Sampling temperature; the k proposals at a node must differ, so the default is 0.8. */
  readonly temperature?: number;
  readonly topP?: number;
  /** Tokens one step may take (default 256); a step cut off here is kept as a step. */
  readonly maxOutputTokens?: number;
  /** Retries per call on transient provider errors (AI SDK `maxRetries`, default 2). */
  readonly maxRetries?: number;
  /** Per-call timeout in ms (AI SDK `timeout`); the search's AbortSignal is passed too. */
  readonly timeoutMs?: number;
  /** Passed through to the provider (e.g. `{ openai: { logprobs: true } }`). */
  readonly providerOptions?: Parameters<typeof generateText>[0]['providerOptions'];
  /** The step's log-probability from a result (provider-specific metadata), used as the MCTS prior. */
  readonly logprob?: (result: Generated) => number | undefined;
  readonly name?: string;
}

export const DEFAULT_SYSTEM =
  'Solve the problem step by step. Write only the next step, then stop. When a step gives the final answer, end it with "The answer is X."';

/** The default prompt: instructions, then the problem and the steps so far, asking for one more step. */
export function defaultPrompt(req: ProposeRequest, delimiter = '\n\n'): { system: string; messages: ModelMessage[] } {
  const so = req.steps.length ? `\n\nSteps so far:\n${req.steps.join(delimiter)}\n\nNext step:` : '\n\nFirst step:';
  return { system: DEFAULT_SYSTEM, messages: [{ role: 'user', content: `Problem: ${req.problem.text}${so}` }] };
}

/** `\boxed{…}` (the last one) or "the answer is …" (to the end of the sentence). */
export function defaultAnswer(step: string): string | null {
  const boxed = [...step.matchAll(/\\boxed\{((?:[^{}]|\{[^{}]*\})*)\}/g)].at(-1);
  if (boxed) return boxed[1]!.trim();
  const said = /answer is[:\s]*\$?([^\n$]*?)\$?\s*\.?\s*$/i.exec(step);
  return said && said[1] ? said[1].trim() : null;
}

/** A 31-bit seed per (request seed, sample): providers that honour `seed` then repeat themselves exactly. */
export function sampleSeed(seed: string, i: number): number {
  let h = 2166136261;
  for (const ch of `${seed}#${i}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return (h >>> 0) & 0x7fffffff;
}

/**
 * The policy: k concurrent generations per request, each stopped at the step delimiter. A step's
 * `tokens` is the provider's output-token count (it goes into `Budget.tokens`); when a provider reports
 * none it is estimated as ⌈characters / 4⌉. Any failed generation fails the whole request (the engine
 * marks the node failed and counts it) rather than dropping samples silently.
 */
export function aiSdkPolicy(o: AiSdkPolicyOptions): Policy {
  if (!o || (typeof o.model !== 'string' && (typeof o.model !== 'object' || o.model === null)))
    throw new InvalidOptionError('model', 'expected an AI SDK language model');
  const delimiter = o.delimiter ?? '\n\n';
  if (typeof delimiter !== 'string' || !delimiter) throw new InvalidOptionError('delimiter', 'expected a non-empty string');
  const temperature = checkField('temperature', o.temperature, opt.number({ min: 0, default: 0.8 }));
  const maxOutputTokens = checkField('maxOutputTokens', o.maxOutputTokens, opt.int({ min: 1, default: 256 }));
  const maxRetries = checkField('maxRetries', o.maxRetries, opt.int({ min: 0, default: 2 }));
  const timeoutMs = o.timeoutMs === undefined ? undefined : checkField('timeoutMs', o.timeoutMs, opt.number({ min: 1 }));
  const topP = o.topP === undefined ? undefined : checkField('topP', o.topP, opt.number({ min: 0, max: 1 }));
  const stopSequences = [delimiter, ...(o.stop ?? [])];
  const answerOf = o.answer ?? defaultAnswer;
  const modelName = typeof o.model === 'string' ? o.model : `${o.model.provider}:${o.model.modelId}`;

  const one = async (req: ProposeRequest, i: number): Promise<StepProposal> => {
    const { system, messages } = o.prompt ? o.prompt(req) : defaultPrompt(req, delimiter);
    const { generateText } = await loadAi();
    const r = await generateText({
      model: o.model,
      ...(system !== undefined ? { system } : {}),
      messages,
      stopSequences,
      temperature,
      maxOutputTokens,
      maxRetries,
      seed: sampleSeed(req.seed, i),
      abortSignal: req.signal,
      ...(timeoutMs !== undefined ? { timeout: timeoutMs } : {}),
      ...(topP !== undefined ? { topP } : {}),
      ...(o.providerOptions ? { providerOptions: o.providerOptions } : {}),
    });
    const text = cut(r.text.trimStart(), stopSequences).trim();
    const answer = text ? answerOf(text, req) : null;
    const logprob = o.logprob?.(r);
    return {
      text,
      tokens: r.usage.outputTokens ?? Math.ceil(r.text.length / 4),
      // an empty step means the model has nothing more to add: the trajectory ends (without an answer)
      terminal: answer !== null || text === '',
      ...(answer !== null ? { answer } : {}),
      ...(logprob !== undefined && Number.isFinite(logprob) ? { logprob } : {}),
    };
  };

  return {
    name: o.name ?? `ai-sdk:${modelName}`,
    propose: (req) => Promise.all(Array.from({ length: req.k }, (_, i) => one(req, i))),
  };
}

/** Providers drop the stop sequence, but some echo it: cut at the first one seen. */
function cut(text: string, stops: readonly string[]): string {
  let end = text.length;
  for (const s of stops) {
    const i = text.indexOf(s);
    if (i >= 0 && i < end) end = i;
  }
  return text.slice(0, end);
}

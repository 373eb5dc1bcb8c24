import { lastBoxed } from '../steps.ts';
import type { StepProposal } from '../types.ts';
import { MalformedResponse } from './retry.ts';

/**
 * Reading one choice of a completions or chat response into a step. How the servers say why generation stopped
 * (all give `finish_reason: "stop"` for both a stop string and EOS):
 * - vLLM: `stop_reason` = the matched stop string, a stop token id (integer), or null for EOS;
 * - SGLang: `matched_stop` = the matched stop string, or the EOS token id (integer); null on `length`;
 * - llama.cpp and Ollama: neither field; the fallback is "the step contains `\boxed{`".
 * `finish_reason: "length"` means cut at max_tokens: the step is marked `truncated` and ends the solution.
 */
export type EndedBy = 'delimiter' | 'eos' | 'length' | 'unknown';

export interface ParsedChoice {
  readonly index: number;
  readonly text: string;
  readonly endedBy: EndedBy;
  readonly finishReason: string | null;
  /** Per-token logprobs when the server sent them. */
  readonly logprobs?: readonly number[];
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function parseChoices(json: unknown, chat: boolean, delimiters: readonly string[]): ParsedChoice[] {
  if (!isObj(json) || !Array.isArray(json.choices)) throw new MalformedResponse('expected an object with a `choices` array');
  return json.choices.map((c, i) => {
    if (!isObj(c)) throw new MalformedResponse(`choices[${i}] is not an object`);
    const text = chat ? (isObj(c.message) ? c.message.content : undefined) : c.text;
    if (typeof text !== 'string') throw new MalformedResponse(`choices[${i}].${chat ? 'message.content' : 'text'} is not a string`);
    const finish = typeof c.finish_reason === 'string' ? c.finish_reason : null;
    return {
      index: typeof c.index === 'number' ? c.index : i,
      text,
      endedBy: endedBy(c, finish, delimiters),
      finishReason: finish,
      logprobs: tokenLogprobs(c.logprobs, chat),
    };
  });
}

function endedBy(c: Record<string, unknown>, finish: string | null, delimiters: readonly string[]): EndedBy {
  if (finish === 'length') return 'length';
  if (finish !== 'stop') return finish === null ? 'unknown' : 'length';
  const key = 'stop_reason' in c ? 'stop_reason' : 'matched_stop' in c ? 'matched_stop' : null;
  if (key === null) return 'unknown';
  const m = c[key];
  if (typeof m === 'string') return delimiters.includes(m) ? 'delimiter' : 'eos';
  return 'eos'; // null (vLLM: EOS) or a token id (a stop token / SGLang's EOS id)
}

function tokenLogprobs(lp: unknown, chat: boolean): number[] | undefined {
  if (!isObj(lp)) return undefined;
  const xs = chat ? (Array.isArray(lp.content) ? lp.content.map((t) => (isObj(t) ? t.logprob : undefined)) : undefined) : lp.token_logprobs;
  if (!Array.isArray(xs)) return undefined;
  const nums = xs.filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
  return nums.length ? nums : undefined;
}

export interface StepRules {
  /** A step that contains `\boxed{` ends the solution even when a delimiter stopped it (as search-and-learn does). Default true. */
  readonly boxedEnds: boolean;
}

/** A parsed choice as a step: text without the stop string (the prompt re-appends it), terminal or not, answer, prior. */
export function toProposal(c: ParsedChoice, prior: readonly string[], tokens: number, rules: StepRules): StepProposal {
  const boxed = c.text.includes('\\boxed{');
  const truncated = c.endedBy === 'length';
  const terminal = truncated || c.endedBy === 'eos' || (c.endedBy === 'unknown' ? boxed : rules.boxedEnds && boxed);
  const answer = terminal ? lastBoxed([...prior, c.text].join('\n\n')) : null;
  const logprob = c.logprobs ? c.logprobs.reduce((a, b) => a + b, 0) / c.logprobs.length : undefined;
  return {
    text: c.text,
    tokens,
    terminal,
    ...(answer !== null ? { answer } : {}),
    ...(logprob !== undefined ? { logprob } : {}),
    ...(truncated ? { truncated } : {}),
  };
}

/**
 * Split a call's completion tokens (usage) over its choices, weighted by each choice's logprob count when all
 * have one, else by text length; largest remainder, so they sum to usage. No usage: logprob counts, else ≈ chars/4.
 */
export function splitTokens(choices: readonly ParsedChoice[], completionTokens: number | undefined): number[] {
  const exact = choices.every((c) => c.logprobs);
  if (completionTokens === undefined) return choices.map((c) => (exact ? c.logprobs!.length : Math.ceil(c.text.length / 4)));
  const w = choices.map((c) => (exact ? c.logprobs!.length : c.text.length + 1));
  const total = w.reduce((a, b) => a + b, 0) || 1;
  const raw = w.map((l) => (completionTokens * l) / total);
  const out = raw.map(Math.floor);
  let left = completionTokens - out.reduce((a, b) => a + b, 0);
  raw
    .map((r, i) => [r - Math.floor(r), i] as const)
    .sort((a, b) => b[0] - a[0])
    .forEach(([, i]) => left-- > 0 && out[i]!++);
  return out;
}

import { InvalidOptionError } from '../../core/errors.ts';
import type { PolicyContext } from '../registry.ts';
import type { OpenAIPolicyOptions } from './options.ts';
import { OpenAIPolicy } from './policy.ts';

/** Option keys `openai` takes from the registry (CLI flags / config file map onto these; values are checked by resolveOptions). */
const KEYS = [
  'baseURL',
  'model',
  'mode',
  'nMode',
  'transport',
  'stepDelimiter',
  'system',
  'chatTemplate',
  'temperature',
  'topP',
  'maxTokens',
  'logprobs',
  'sendSeed',
  'apiKeyEnv',
  'timeoutMs',
  'retries',
  'retryBaseMs',
  'retryMaxMs',
  'retryAfterCapMs',
  'concurrency',
  'adaptiveConcurrency',
  'cache',
  'boxedEnds',
  'extraBody',
  'pricing',
  'wrapTransport',
] as const;

export function createOpenAI(ctx: PolicyContext): OpenAIPolicy {
  const o: Record<string, unknown> = { ...ctx.options };
  if (o.baseUrl !== undefined && o.baseURL === undefined) ((o.baseURL = o.baseUrl), delete o.baseUrl);
  for (const k of Object.keys(o))
    if (!(KEYS as readonly string[]).includes(k))
      throw new InvalidOptionError(`policy.${k}`, `unknown option of the openai policy (known: ${KEYS.join(', ')})`);
  if (o.baseURL === undefined) throw new InvalidOptionError('--base-url', 'the openai policy needs the server URL, e.g. http://127.0.0.1:8000/v1');
  if (o.model === undefined) throw new InvalidOptionError('--model', 'the openai policy needs the served model name');
  return new OpenAIPolicy({ ...(o as unknown as OpenAIPolicyOptions), seed: ctx.seed });
}

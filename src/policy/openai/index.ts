export { OpenAIPolicy, type OpenAIStats } from './policy.ts';
export type { OpenAIPolicyOptions, Pricing } from './options.ts';
export { ChatTemplate, DEFAULT_SYSTEM, QWEN25_MATH_TEMPLATE } from './template.ts';
export { parseChoices, toProposal, splitTokens, type ParsedChoice, type EndedBy } from './choice.ts';
export { Limiter } from './limiter.ts';
export type { Transport, ApiPath } from './transport.ts';
export { withRetries, classify, retryAfter, backoffMs, RetriesExhausted, MalformedResponse, type RetryOptions, type Failure } from './retry.ts';

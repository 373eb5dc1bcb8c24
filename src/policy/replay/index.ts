export { ReplayPolicy, type ReplayPolicyOptions, type ReplaySampling } from './policy.ts';
export { readPool, buildTrie, textKey, GSM8K_MODEL_KEYS, type Candidate, type TrieNode } from './pool.ts';

import seedrandom from 'seedrandom';
import { InvalidOptionError, SteptreeError } from '../../core/errors.ts';
import { lastBoxed } from '../steps.ts';
import type { Policy, ProposeRequest, StepProposal } from '../types.ts';
import { buildTrie, readPool, textKey, type Candidate, type TrieNode } from './pool.ts';

export type ReplaySampling = 'without-replacement' | 'with-replacement';

export interface ReplayPolicyOptions {
  /** JSONL pool file(s): the Qwen2.5-Math best-of-N file and/or the GSM8K example model solutions. */
  readonly pool: string | readonly string[];
  /**
   * How k proposals are drawn from the candidates that share the node's steps (each proposes its next step; the
   * engine merges equal steps into one node with a count): `without-replacement` (default; k ≥ the candidates
   * there replays each exactly once, so best-of-N with N = the pool size is the pool) or `with-replacement`.
   */
  readonly sampling?: ReplaySampling;
  readonly seed?: string | number;
}

/**
 * Serves real model outputs: at each node, the proposals are the distinct continuations of the candidates in the
 * pool that share the node's steps, so a search can only choose among what was generated. The prior is the
 * continuation's share of those candidates; tokens are estimated (≈ chars/4: no tokenizer here). A step that ends
 * one candidate and continues another is proposed as a continuation.
 */
export class ReplayPolicy implements Policy {
  readonly name = 'replay';
  readonly sampling: ReplaySampling;
  readonly files: readonly string[];
  private readonly pools: Map<string, Candidate[]>;
  private readonly tries = new Map<string, TrieNode>();
  private readonly seed: string;

  constructor(o: ReplayPolicyOptions) {
    const files = typeof o?.pool === 'string' ? [o.pool] : [...(o?.pool ?? [])];
    if (!files.length)
      throw new InvalidOptionError('policy.pool', 'the replay policy needs a candidate file (e.g. ../shared/data/bon/qwen25math_math_cot_100.jsonl)');
    this.files = files;
    this.pools = new Map();
    for (const f of files) readPool(f, this.pools);
    this.sampling = o.sampling ?? 'without-replacement';
    if (this.sampling !== 'without-replacement' && this.sampling !== 'with-replacement')
      throw new InvalidOptionError('policy.sampling', `expected without-replacement or with-replacement, got ${JSON.stringify(o.sampling)}`);
    this.seed = String(o.seed ?? 0);
  }

  info() {
    let candidates = 0;
    for (const c of this.pools.values()) candidates += c.length;
    return {
      name: this.name,
      simulated: false,
      replay: true,
      pool: this.files,
      problems: this.pools.size,
      candidates,
      sampling: this.sampling,
      tokensEstimated: true,
    };
  }

  /** Whether the pool has candidates for this problem text. */
  has(problemText: string): boolean {
    return this.pools.has(textKey(problemText));
  }

  async propose(req: ProposeRequest): Promise<StepProposal[]> {
    return this.proposeSync(req);
  }

  proposeSync(req: Pick<ProposeRequest, 'problem' | 'steps' | 'k' | 'seed'>): StepProposal[] {
    let node = this.trie(req.problem.id, req.problem.text);
    for (const [i, s] of req.steps.entries()) {
      const child = node.children.get(s);
      if (!child)
        throw new SteptreeError(`replay: step ${i} of problem ${req.problem.id} is not in the pool (a replayed search can only follow generated candidates)`);
      node = child.node;
    }
    const options = [...node.children.entries()];
    if (!options.length || req.k <= 0) return [];
    const total = options.reduce((a, [, c]) => a + c.count, 0);
    const rng = seedrandom(`${this.seed}/${req.problem.id}/${req.seed}`);
    const picked = this.sampling === 'with-replacement' ? drawWith(options, req.k, total, rng) : drawWithout(options, req.k, rng);
    return picked.map(([text, c]) => {
      const terminal = c.node.children.size === 0;
      const answer = terminal ? (c.answer ?? lastBoxed([...req.steps, text].join('\n\n'))) : null;
      return {
        text,
        tokens: Math.ceil(text.length / 4),
        logprob: Math.log(c.count / total),
        terminal,
        ...(answer !== null ? { answer } : {}),
        ...(terminal && c.truncated ? { truncated: true } : {}),
      };
    });
  }

  private trie(id: string, text: string): TrieNode {
    const key = textKey(text);
    let t = this.tries.get(key);
    if (!t) {
      const cands = this.pools.get(key);
      if (!cands) throw new SteptreeError(`replay: no candidates for problem ${id} in ${this.files.join(', ')}`);
      this.tries.set(key, (t = buildTrie(cands)));
    }
    return t;
  }
}

type Option = [string, { count: number }];

function drawWith<T extends Option>(options: T[], k: number, total: number, rng: () => number): T[] {
  return Array.from({ length: k }, () => {
    let u = rng() * total;
    for (const o of options) if ((u -= o[1].count) < 0) return o;
    return options[options.length - 1]!;
  });
}

/** k draws without replacement from the multiset of candidates (each option weighs as many as take it). */
function drawWithout<T extends Option>(options: T[], k: number, rng: () => number): T[] {
  const left = options.map((o) => o[1].count);
  let total = left.reduce((a, b) => a + b, 0);
  const out: T[] = [];
  while (out.length < k && total > 0) {
    let u = rng() * total,
      j = 0;
    while (j < left.length - 1 && (left[j] === 0 || (u -= left[j]!) >= 0)) j++;
    while (left[j] === 0) j--; // rounding at the end of the range
    (left[j]!--, total--);
    out.push(options[j]!);
  }
  return out;
}

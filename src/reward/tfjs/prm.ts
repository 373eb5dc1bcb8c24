import * as tf from '@tensorflow/tfjs-core';
import type { Problem } from '../../core/problem.ts';
import { checkField, opt } from '../../core/options.ts';
import type { PRM, ScoreRequest } from '../types.ts';
import { countParams, textWidth } from './arch.ts';
import type { PRMNet } from './model.ts';
import type { TokenBatch } from './batch.ts';
import { selectBackend, type BackendDeps, type BackendPref } from './backend.ts';
import { loadNet } from './io.ts';

export interface TfjsPRMOptions {
  /** Reported by info(). */
  readonly modelPath?: string;
  /** Most steps encoded in one tensor batch; larger requests are cut into chunks (bounds attention memory). */
  readonly maxBatch?: number;
  /** Problems whose vectors stay cached (LRU). A search uses one; concurrent searches one each. */
  readonly problemCacheSize?: number;
}

interface ProblemState {
  readonly vec: Float32Array;
  readonly h0: Float32Array;
}

/**
 * The tfjs PRM. Per-node GRU states and per-problem vectors are kept as plain Float32Arrays, not tensors:
 * they are read back with the scores in the same single download, release() is a Map delete, and
 * tf.memory().numTensors stays flat however many searches run (only the weights live on the backend).
 */
export class TfjsPRM implements PRM {
  readonly name = 'tfjs';
  private readonly states = new Map<string, Float32Array>();
  private readonly problems = new Map<string, ProblemState>();
  private readonly maxBatch: number;
  private readonly problemCacheSize: number;
  /**
   * Counters for benchmarks: score() calls, steps scored, and tokens actually run through the encoder (after
   * dedupe; `tokensEncoded` = new steps + prefix-fallback steps, `problemTokensEncoded` = problems, both unpadded;
   * `paddedTokens` = rows × padded length over both, what the encoder really computes on).
   */
  readonly stats = { calls: 0, steps: 0, tokensEncoded: 0, problemTokensEncoded: 0, paddedTokens: 0 };

  constructor(
    readonly net: PRMNet,
    private readonly opts: TfjsPRMOptions = {},
  ) {
    this.maxBatch = opts.maxBatch ?? 512;
    this.problemCacheSize = opts.problemCacheSize ?? 64;
    checkField('maxBatch', this.maxBatch, opt.int({ min: 1 }));
    checkField('problemCacheSize', this.problemCacheSize, opt.int({ min: 1 }));
  }

  /** Select a backend (default auto), then load a saved model directory. */
  static async load(dir: string, opts: TfjsPRMOptions & { backend?: BackendPref; backendDeps?: BackendDeps } = {}): Promise<TfjsPRM> {
    await selectBackend(opts.backend ?? 'auto', opts.backendDeps);
    return new TfjsPRM(await loadNet(dir), { ...opts, modelPath: opts.modelPath ?? dir });
  }

  async score(requests: readonly ScoreRequest[], signal?: AbortSignal): Promise<number[]> {
    signal?.throwIfAborted();
    this.stats.calls++;
    this.stats.steps += requests.length;
    const out: number[] = [];
    for (let i = 0; i < requests.length; i += this.maxBatch) {
      out.push(...(await this.scoreChunk(requests.slice(i, i + this.maxBatch), signal)));
      signal?.throwIfAborted();
    }
    return out;
  }

  private async scoreChunk(reqs: readonly ScoreRequest[], signal?: AbortSignal): Promise<number[]> {
    if (reqs.length === 0) return [];
    const H = this.net.config.hidden,
      d = textWidth(this.net.config),
      B = reqs.length;
    const probs = await this.problemStates(reqs.map((r) => r.problem));
    const parents = await this.parentStates(reqs, probs);
    signal?.throwIfAborted();
    const { index, texts } = dedupe(reqs.map((r) => r.step));
    const pv = new Float32Array(B * d),
      hv = new Float32Array(B * H);
    for (let i = 0; i < B; i++) (pv.set(probs[i]!.vec, i * d), hv.set(parents[i]!, i * H));
    const batch = this.count(this.net.tokenize(texts, this.net.config.maxStepTokens), 'tokensEncoded');
    const [hs, logits] = tf.tidy(() => {
      const uniq = this.net.encode(batch);
      const steps = texts.length === B && index.every((v, i) => v === i) ? uniq : tf.gather(uniq, tf.tensor1d(index, 'int32'));
      // [1, B, ·]: the step's dense layers then run without reshapes
      const o = this.net.step(tf.reshape(steps, [1, B, d]), tf.tensor3d(pv, [1, B, d]), tf.tensor3d(hv, [1, B, H]));
      return [o.h, o.logit];
    });
    const data = (await hs!.data()) as Float32Array,
      logit = (await logits!.data()) as Float32Array;
    hs!.dispose();
    logits!.dispose();
    const scores = new Array<number>(B);
    for (let i = 0; i < B; i++) {
      this.states.set(reqs[i]!.key, data.slice(i * H, (i + 1) * H));
      scores[i] = 1 / (1 + Math.exp(-logit[i]!));
    }
    return scores;
  }

  /** Problem vectors and initial GRU states; every problem not cached is encoded in one batch. */
  private async problemStates(problems: readonly Problem[]): Promise<ProblemState[]> {
    const keys = problems.map(problemKey);
    const missing = [...new Set(keys.filter((k) => !this.problems.has(k)))];
    if (missing.length) {
      const textOf = new Map(keys.map((k, i) => [k, problems[i]!.text]));
      const { d, H } = { d: textWidth(this.net.config), H: this.net.config.hidden };
      const batch = this.count(
        this.net.tokenize(
          missing.map((k) => textOf.get(k)!),
          this.net.config.maxProblemTokens,
        ),
        'problemTokensEncoded',
      );
      const res = tf.tidy(() => {
        const p = this.net.encode(batch);
        return tf.concat([p, this.net.initialState(p)], 1);
      });
      const data = (await res.data()) as Float32Array;
      res.dispose();
      missing.forEach((k, i) => {
        const row = data.subarray(i * (d + H), (i + 1) * (d + H));
        this.problems.set(k, { vec: row.slice(0, d), h0: row.slice(d) });
      });
    }
    const out = keys.map((k) => {
      const s = this.problems.get(k)!;
      this.problems.delete(k); // re-insert: Map order is the LRU order
      this.problems.set(k, s);
      return s;
    });
    for (const k of this.problems.keys()) {
      if (this.problems.size <= Math.max(this.problemCacheSize, new Set(keys).size)) break;
      this.problems.delete(k);
    }
    return out;
  }

  /**
   * The parent's GRU state per request: cached by parentKey, the problem's initial state for a first step, or
   * (parentKey unknown, e.g. a tree loaded from disk) recomputed from `prefix`, all such prefixes in one batch.
   * A recomputed state is cached under its parentKey so siblings reuse it; release() of that key drops it.
   */
  private async parentStates(reqs: readonly ScoreRequest[], probs: readonly ProblemState[]): Promise<Float32Array[]> {
    const out = new Array<Float32Array>(reqs.length);
    const groups = new Map<string, { req: ScoreRequest; prob: ProblemState; members: number[] }>();
    reqs.forEach((r, i) => {
      const cached = r.parentKey !== undefined ? this.states.get(r.parentKey) : undefined;
      if (cached) out[i] = cached;
      else if (r.prefix.length === 0) out[i] = probs[i]!.h0;
      else {
        const g = r.parentKey ?? `${problemKey(r.problem)}\u0001${r.prefix.join('\u0002')}`;
        const grp = groups.get(g) ?? { req: r, prob: probs[i]!, members: [] };
        grp.members.push(i);
        groups.set(g, grp);
      }
    });
    if (groups.size === 0) return out;
    const chains = [...groups.values()];
    const N = chains.length,
      T = Math.max(...chains.map((c) => c.req.prefix.length));
    const H = this.net.config.hidden,
      d = textWidth(this.net.config);
    const flat: string[] = [];
    for (const c of chains) for (let t = 0; t < T; t++) flat.push(c.req.prefix[t] ?? '');
    const { index, texts } = dedupe(flat);
    const pv = new Float32Array(N * d);
    chains.forEach((c, n) => pv.set(c.prob.vec, n * d));
    const batch = this.count(this.net.tokenize(texts, this.net.config.maxStepTokens), 'tokensEncoded');
    const res = tf.tidy(() => {
      const uniq = this.net.encode(batch);
      const steps = tf.gather(uniq, tf.tensor1d(index, 'int32')) as tf.Tensor2D;
      return this.net.runChains(tf.tensor2d(pv, [N, d]), steps, N, T).states;
    });
    const data = (await res.data()) as Float32Array; // [T, N, H]
    res.dispose();
    [...groups.entries()].forEach(([, c], n) => {
      const t = c.req.prefix.length - 1;
      const h = data.slice((t * N + n) * H, (t * N + n + 1) * H);
      if (c.req.parentKey !== undefined) this.states.set(c.req.parentKey, h);
      for (const i of c.members) out[i] = h;
    });
    return out;
  }

  private count(batch: TokenBatch, field: 'tokensEncoded' | 'problemTokensEncoded'): TokenBatch {
    for (const n of batch.lengths) this.stats[field] += n;
    this.stats.paddedTokens += batch.B * batch.L;
    return batch;
  }

  release(keys: readonly string[]): void {
    for (const k of keys) this.states.delete(k);
  }

  info(): Readonly<Record<string, unknown>> {
    return {
      backend: tf.getBackend(),
      modelPath: this.opts.modelPath ?? null,
      params: countParams(this.net.params),
      architecture: this.net.config,
      tokenizer: this.net.tokenizer.spec.type,
      cachedStates: this.states.size,
    };
  }

  /** Number of node states held (for tests and stats). */
  get cachedStates(): number {
    return this.states.size;
  }

  dispose(): void {
    this.states.clear();
    this.problems.clear();
    this.net.dispose();
  }
}

const problemKey = (p: Problem): string => `${p.id}\u0000${p.text}`;

function dedupe(items: readonly string[]): { index: number[]; texts: string[] } {
  const at = new Map<string, number>();
  const texts: string[] = [];
  const index = items.map((s) => {
    let i = at.get(s);
    if (i === undefined) (at.set(s, (i = texts.length)), texts.push(s));
    return i;
  });
  return { index, texts };
}

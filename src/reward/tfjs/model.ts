/**
 * Design. A search scores one new step at a time, thousands of times, under prefixes it has already scored.
 * So the model never reads a whole trajectory at inference: the problem is encoded once per search (the PRM
 * caches its vector by problem id + text), each step is encoded once, on its own, by a small transformer
 * (separate Q/K/V matmuls: a fused QKV plus transpose cost 1.8× in wasm) over patches of 4 byte embeddings
 * (wasm's batched attention matmuls are slow, so the sequence is kept short), masked-mean-pooled to a vector
 * and conditioned on the problem vector, and a causal GRU aggregates the step vectors. The GRU's hidden state is
 * the only per-node state: scoring a child is one GRU step from the parent's cached state, so nothing is ever
 * re-encoded. The initial state is a function of the problem. Output: sigmoid(linear(h)) = P(step correct).
 * `runChains` (full trajectories, used by training and by the prefix fallback) runs the very same step
 * encoder and GRU cell, so full and incremental scores agree to float rounding (tested within 1e-5).
 */
import * as tf from '@tensorflow/tfjs-core';
import seedrandom from 'seedrandom';
import { InvalidOptionError } from '../../core/errors.ts';
import { ByteTokenizer, type TextTokenizer } from './tokenizer.ts';

export interface ArchConfig {
  readonly encoder: 'transformer';
  readonly vocabSize: number;
  readonly dModel: number;
  readonly heads: number;
  readonly layers: number;
  readonly ffn: number;
  /** GRU hidden size. */
  readonly hidden: number;
  readonly maxStepTokens: number;
  readonly maxProblemTokens: number;
  /**
   * Tokens merged into one position before attention (1, 2, 4 or 8): concatenated embeddings → linear. Batched
   * attention matmuls run at ~2 GFLOP/s in wasm against ~17 for 2-D ones, so shortening the sequence 4× cuts the
   * encoder's cost several-fold for byte tokens; use 1 for word-piece tokenizers.
   */
  readonly patch: number;
}

export const defaultArch = (vocabSize: number): ArchConfig => ({
  encoder: 'transformer', vocabSize, dModel: 64, heads: 2, layers: 1, ffn: 128, hidden: 64, maxStepTokens: 256, maxProblemTokens: 512, patch: 4,
});

export type Params = Record<string, tf.Variable>;

/** How step and problem text is normalised before tokenizing; saved with the model so scoring matches training. */
export interface StepFormat {
  /** Strip surrounding whitespace (LLM step splitters leave trailing newlines that should not move a score). */
  readonly trim: boolean;
}
export const defaultStepFormat: StepFormat = { trim: true };

/** Shapes of every weight, by name. io.ts checks loaded weights against this. */
export function paramShapes(c: ArchConfig): Record<string, number[]> {
  const d = c.dModel, H = c.hidden;
  const s: Record<string, number[]> = {
    embed: [c.vocabSize, d], pos: [(Math.ceil(Math.max(c.maxStepTokens, c.maxProblemTokens) / 8) * 8) / c.patch, d],
    'lnf.g': [d], 'lnf.b': [d], 'cond.w': [3 * d, d], 'cond.b': [d], 'h0.w': [d, H], 'h0.b': [H],
    'gru.w': [d, 3 * H], 'gru.b': [3 * H], 'gru.u': [H, 3 * H], 'gru.ub': [3 * H], 'out.w': [H, 1], 'out.b': [1],
  };
  if (c.patch > 1) Object.assign(s, { 'patch.w': [c.patch * d, d], 'patch.b': [d] });
  for (let l = 0; l < c.layers; l++) {
    for (const n of ['ln1', 'ln2']) Object.assign(s, { [`l${l}.${n}.g`]: [d], [`l${l}.${n}.b`]: [d] });
    for (const n of ['q', 'k', 'v', 'o']) Object.assign(s, { [`l${l}.w${n}`]: [d, d], [`l${l}.b${n}`]: [d] });
    Object.assign(s, { [`l${l}.f1.w`]: [d, c.ffn], [`l${l}.f1.b`]: [c.ffn], [`l${l}.f2.w`]: [c.ffn, d], [`l${l}.f2.b`]: [d] });
  }
  return s;
}

/** Deterministic init: each weight draws from its own seeded stream, so adding a weight never shifts the others. */
export function initParams(c: ArchConfig, seed: number | string): Params {
  const out: Params = {};
  for (const [name, shape] of Object.entries(paramShapes(c))) {
    const size = shape.reduce((a, b) => a * b, 1);
    const vals = new Float32Array(size);
    const last = name.split('.').pop()!;
    if (last === 'g') vals.fill(1);
    else if (shape.length === 2) {
      const rng = seedrandom(`${seed}/${name}`);
      const lim = name === 'embed' || name === 'pos' ? 0.1 : Math.sqrt(6 / (shape[0]! + shape[1]!));
      for (let i = 0; i < size; i++) vals[i] = (rng() * 2 - 1) * lim;
    }
    const t = tf.tensor(vals, shape);
    out[name] = tf.variable(t, true); // shares t's data (ref-counted), so t itself can go
    t.dispose();
  }
  return out;
}

export const countParams = (p: Params): number => Object.values(p).reduce((a, v) => a + v.size, 0);

/**
 * Token ids padded to a common length L (a multiple of 8, so of any patch size, and so backends that compile
 * per shape see few shapes). Padding is PAD_ID, which keeps a partly filled last patch identical in any batch.
 */
export interface TokenBatch { ids: Int32Array; lengths: number[]; B: number; L: number }

export function padBatch(seqs: readonly (readonly number[])[], maxLen: number): TokenBatch {
  const longest = Math.max(1, ...seqs.map((s) => s.length));
  const L = Math.ceil(Math.min(maxLen, longest) / 8) * 8;
  const B = seqs.length;
  const ids = new Int32Array(B * L);
  const lengths = seqs.map((s, b) => {
    const n = Math.min(s.length, L);
    for (let i = 0; i < n; i++) ids[b * L + i] = s[i]!;
    return n;
  });
  return { ids, lengths, B, L };
}

function layerNorm(x: tf.Tensor, g: tf.Tensor, b: tf.Tensor, training: boolean): tf.Tensor {
  if (training) {
    const { mean, variance } = tf.moments(x, -1, true);
    return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-5))), g), b);
  }
  // Inference: the same values bit for bit with 2 kernels fewer (tf.moments casts x to float32, a copy, and x − mean
  // was computed twice). Training keeps tf.moments so its gradient graph is unchanged.
  const mean = tf.mean(x, -1, true);
  const dev = tf.sub(x, mean);
  return tf.add(tf.mul(tf.mul(dev, tf.rsqrt(tf.add(tf.mean(tf.square(dev), -1, true), 1e-5))), g), b);
}

const dense = (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor): tf.Tensor => tf.add(tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D), b);

export class PRMNet {
  /** Set by trainPRM: the encoder then only uses ops with gradients on the current backend. */
  training = false;
  private hostEmbed: { dataId: object; data: Float32Array } | null = null;
  constructor(
    readonly config: ArchConfig,
    readonly params: Params,
    readonly tokenizer: TextTokenizer,
    readonly stepFormat: StepFormat = defaultStepFormat,
  ) {}

  private p(name: string): tf.Variable {
    const v = this.params[name];
    if (!v) throw new Error(`missing weight ${name}`);
    return v;
  }

  tokenize(texts: readonly string[], maxTokens: number): TokenBatch {
    const norm = this.stepFormat.trim ? (t: string) => t.trim() : (t: string) => t;
    return padBatch(texts.map((t) => this.tokenizer.encode(norm(t), maxTokens)), maxTokens);
  }

  /**
   * Token embeddings [B, L, d]. Inference on wasm/cpu copies rows in JS from a host copy of the table (wasm's
   * Gather kernel took 15% of encode time); training uses gather, or one-hot × table where the backend has no
   * gather gradient (wasm lacks UnsortedSegmentSum).
   */
  private embed(batch: TokenBatch): tf.Tensor {
    const { B, L } = batch, d = this.config.dModel, table = this.p('embed');
    if (this.training) {
      const ids = tf.tensor1d(batch.ids, 'int32');
      if (tf.getKernel('UnsortedSegmentSum', tf.getBackend()) !== undefined) return tf.reshape(tf.gather(table, ids), [B, L, d]);
      return tf.reshape(tf.matMul(tf.oneHot(ids, this.config.vocabSize), table), [B, L, d]);
    }
    const backend = tf.getBackend();
    if (backend !== 'wasm' && backend !== 'cpu') return tf.reshape(tf.gather(table, tf.tensor1d(batch.ids, 'int32')), [B, L, d]);
    if (this.hostEmbed?.dataId !== table.dataId) this.hostEmbed = { dataId: table.dataId, data: table.dataSync() as Float32Array }; // assign() swaps dataId
    const src = this.hostEmbed.data, out = new Float32Array(B * L * d);
    for (let i = 0; i < B * L; i++) out.set(src.subarray(batch.ids[i]! * d, batch.ids[i]! * d + d), i * d);
    return tf.tensor3d(out, [B, L, d]);
  }

  /** Pooled text vectors [B, d]. Call inside tf.tidy. */
  encode(batch: TokenBatch): tf.Tensor2D {
    const c = this.config, P = c.patch, B = batch.B, L = batch.L / P, d = c.dModel, nh = c.heads, dh = d / nh;
    const lengths = batch.lengths.map((n) => Math.ceil(n / P));
    // the padding mask and the attention key bias (mask − 1)·1e9 (0 or −1e9, exact in float32), built in JS
    const pm = new Float32Array(B * L), kb = new Float32Array(B * L).fill(-1e9);
    lengths.forEach((n, b) => (pm.fill(1, b * L, b * L + n), kb.fill(0, b * L, b * L + n)));
    const mask = tf.tensor3d(pm, [B, L, 1]);
    let x = this.embed(batch);
    if (P > 1) x = tf.reshape(dense(tf.reshape(x, [B * L, P * d]), this.p('patch.w'), this.p('patch.b')), [B, L, d]);
    x = tf.add(x, tf.slice(this.p('pos'), [0, 0], [L, d]));
    const keyBias = tf.tensor4d(kb, [B, 1, 1, L]);
    const heads = (t: tf.Tensor) => tf.transpose(tf.reshape(t, [B, L, nh, dh]), [0, 2, 1, 3]);
    for (let l = 0; l < c.layers; l++) {
      const h = tf.reshape(layerNorm(x, this.p(`l${l}.ln1.g`), this.p(`l${l}.ln1.b`), this.training), [B * L, d]);
      const q = heads(dense(h, this.p(`l${l}.wq`), this.p(`l${l}.bq`)));
      const k = heads(dense(h, this.p(`l${l}.wk`), this.p(`l${l}.bk`)));
      const v = heads(dense(h, this.p(`l${l}.wv`), this.p(`l${l}.bv`)));
      const att = tf.softmax(tf.add(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(dh)), keyBias));
      const o = tf.reshape(tf.transpose(tf.matMul(att, v), [0, 2, 1, 3]), [B * L, d]);
      x = tf.add(x, tf.reshape(dense(o, this.p(`l${l}.wo`), this.p(`l${l}.bo`)), [B, L, d]));
      const f = tf.reshape(layerNorm(x, this.p(`l${l}.ln2.g`), this.p(`l${l}.ln2.b`), this.training), [B * L, d]);
      const f2 = dense(tf.relu(dense(f, this.p(`l${l}.f1.w`), this.p(`l${l}.f1.b`))), this.p(`l${l}.f2.w`), this.p(`l${l}.f2.b`));
      x = tf.add(x, tf.reshape(f2, [B, L, d]));
    }
    x = layerNorm(x, this.p('lnf.g'), this.p('lnf.b'), this.training);
    const summed = tf.sum(tf.mul(x, mask), 1);
    const counts = tf.tensor2d(lengths.map((n) => Math.max(n, 1)), [B, 1]);
    return tf.div(summed, counts) as tf.Tensor2D;
  }

  /** GRU initial state from the problem vector [B, d] → [B, H]. */
  initialState(problemVec: tf.Tensor): tf.Tensor2D {
    return tf.tanh(dense(problemVec, this.p('h0.w'), this.p('h0.b'))) as tf.Tensor2D;
  }

  /** One aggregator step: step vectors, problem vectors [B, d], parent states [B, H] → new states, logits [B, 1]. */
  step(stepVec: tf.Tensor, problemVec: tf.Tensor, h: tf.Tensor): { h: tf.Tensor2D; logit: tf.Tensor2D } {
    const u = tf.tanh(dense(tf.concat([stepVec, problemVec, tf.mul(stepVec, problemVec)], 1), this.p('cond.w'), this.p('cond.b')));
    const [xz, xr, xn] = tf.split(dense(u, this.p('gru.w'), this.p('gru.b')), 3, 1);
    const [hz, hr, hn] = tf.split(dense(h, this.p('gru.u'), this.p('gru.ub')), 3, 1);
    const z = tf.sigmoid(tf.add(xz!, hz!));
    const r = tf.sigmoid(tf.add(xr!, hr!));
    const n = tf.tanh(tf.add(xn!, tf.mul(r, hn!)));
    const hNew = tf.add(tf.mul(tf.sub(1, z), n), tf.mul(z, h)) as tf.Tensor2D;
    return { h: hNew, logit: dense(hNew, this.p('out.w'), this.p('out.b')) as tf.Tensor2D };
  }

  /**
   * Whole trajectories, N of them, padded to T steps: problem vectors [N, d], step vectors [N*T, d] (row n*T+t).
   * Returns logits [N, T] and states [T, N, H] (state after step t). Call inside tf.tidy.
   */
  runChains(problemVec: tf.Tensor2D, stepVecs: tf.Tensor2D, N: number, T: number): { logits: tf.Tensor2D; states: tf.Tensor3D } {
    const seq = tf.reshape(stepVecs, [N, T, this.config.dModel]);
    let h: tf.Tensor = this.initialState(problemVec);
    const logits: tf.Tensor[] = [], states: tf.Tensor[] = [];
    for (let t = 0; t < T; t++) {
      const s = tf.reshape(tf.slice(seq, [0, t, 0], [N, 1, this.config.dModel]), [N, this.config.dModel]);
      const o = this.step(s, problemVec, h);
      h = o.h;
      logits.push(o.logit);
      states.push(o.h);
    }
    return { logits: tf.concat(logits, 1) as tf.Tensor2D, states: tf.stack(states) as tf.Tensor3D };
  }

  /** Non-incremental scores of a whole step list: encodes everything in one go. */
  async scoreTrajectory(problem: string, steps: readonly string[]): Promise<number[]> {
    if (steps.length === 0) return [];
    const probs = tf.tidy(() => {
      const p = this.encode(this.tokenize([problem], this.config.maxProblemTokens));
      const s = this.encode(this.tokenize(steps, this.config.maxStepTokens));
      return tf.sigmoid(this.runChains(p, s, 1, steps.length).logits);
    });
    const out = Array.from(await probs.data());
    probs.dispose();
    return out;
  }

  dispose(): void {
    for (const v of Object.values(this.params)) v.dispose();
  }
}

export interface CreateNetOptions {
  readonly arch?: Partial<ArchConfig>;
  readonly seed?: number | string;
  readonly tokenizer?: TextTokenizer;
  readonly stepFormat?: StepFormat;
}

/** A fresh (untrained) network; create it after selectBackend so the weights live on that backend. */
export function createNet(opts: CreateNetOptions = {}): PRMNet {
  const tokenizer = opts.tokenizer ?? new ByteTokenizer();
  // Patching suits bytes; a word-piece token already carries several characters.
  const base = { ...defaultArch(tokenizer.vocabSize), ...(tokenizer.spec.type === 'bytes' ? {} : { patch: 1 }) };
  const config = { ...base, ...opts.arch, vocabSize: tokenizer.vocabSize };
  validateArch(config, 'arch');
  return new PRMNet(config, initParams(config, opts.seed ?? 0), tokenizer, opts.stepFormat ?? defaultStepFormat);
}

/** Problems with an architecture, as messages naming the field; io.ts turns them into ModelConfigErrors. */
export function archProblems(c: Record<string, unknown>): { field: string; detail: string }[] {
  const out: { field: string; detail: string }[] = [];
  if (c.encoder !== 'transformer') out.push({ field: 'encoder', detail: `expected "transformer", got ${JSON.stringify(c.encoder)}` });
  for (const k of ['vocabSize', 'dModel', 'heads', 'layers', 'ffn', 'hidden', 'maxStepTokens', 'maxProblemTokens'])
    if (!Number.isInteger(c[k]) || (c[k] as number) < 1) out.push({ field: k, detail: `expected an integer ≥ 1, got ${JSON.stringify(c[k])}` });
  if (![1, 2, 4, 8].includes(c.patch as number)) out.push({ field: 'patch', detail: `expected 1, 2, 4 or 8, got ${JSON.stringify(c.patch)}` });
  if (out.length === 0 && (c.dModel as number) % (c.heads as number) !== 0)
    out.push({ field: 'heads', detail: `dModel (${c.dModel}) must be divisible by heads (${c.heads})` });
  return out;
}

function validateArch(c: ArchConfig, option: string): void {
  const problems = archProblems(c as unknown as Record<string, unknown>);
  if (problems.length) throw new InvalidOptionError(`${option}.${problems[0]!.field}`, problems[0]!.detail);
}

/**
 * Design. A search scores one new step at a time, thousands of times, under prefixes it has already scored.
 * So the model never reads a whole trajectory at inference: the problem is encoded once per search (the PRM
 * caches its vector by problem id + text), each step is encoded once, on its own, by a small transformer
 * (separate Q/K/V matmuls: a fused QKV plus transpose cost 1.8× in wasm) over patches of 4 byte embeddings
 * (wasm's batched attention matmuls are slow, so the sequence is kept short), masked-mean-pooled to a vector
 * and conditioned on the problem vector, and a causal GRU aggregates the step vectors. The GRU's hidden state is
 * the only per-node state: scoring a child is one GRU step from the parent's cached state, so nothing is ever
 * re-encoded. The initial state is a function of the problem. Output: sigmoid(linear(h)) = P(step correct), plus,
 * with the `localCheck` feature (features/local-check.ts), a check's logit computed from the step alone, which the GRU also reads.
 * `runChains` (full trajectories, used by training and by the prefix fallback) runs the very same step
 * encoder and GRU cell, so full and incremental scores agree to float rounding (tested within 1e-5).
 * Inference runs on weights derived for speed (infer.ts: folded LayerNorms, one kernel per dense layer, input
 * lookups in JS); training runs the plain graph, with matmul gradients that avoid wasm's slow transposed matmul.
 */
import * as tf from '@tensorflow/tfjs-core';
import { InvalidOptionError } from '../../core/errors.ts';
import { ByteTokenizer, type TextTokenizer } from './tokenizer.ts';
import { padBatch, type TokenBatch } from './batch.ts';
import { annotateBatch } from './features/index.ts';
import { digitSlotEmbedding } from './features/digit-slots.ts';
import { bagHeadTerm } from './features/bag-head.ts';
import { localCheckLogit } from './features/local-check.ts';
import { denseTrain, matMulFor, mm, normalize } from './layers.ts';
import { buildInference, denseKernel, hostInputBackends, hostInputRows, normalizeRows, type InferenceWeights } from './infer.ts';
import { checkRows, textWidth, defaultArch, initParams, validateArch, type ArchConfig, type Params } from './arch.ts';

/** How step and problem text is normalised before tokenizing; saved with the model so scoring matches training. */
export interface StepFormat {
  /** Strip surrounding whitespace (LLM step splitters leave trailing newlines that should not move a score). */
  readonly trim: boolean;
}
export const defaultStepFormat: StepFormat = { trim: true };

/** Identity with a zero gradient. */
const stopGrad = tf.customGrad(((x: tf.Tensor) => ({ value: tf.clone(x), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) })) as Parameters<
  typeof tf.customGrad
>[0]);

/** Mean over each row's real positions: [B, L, d] → [B, d]. */
function meanPool(x: tf.Tensor, mask: tf.Tensor | null, lengths: readonly number[]): tf.Tensor {
  const summed = tf.sum(mask ? tf.mul(x, mask) : x, 1);
  return tf.div(
    summed,
    tf.tensor2d(
      lengths.map((n) => Math.max(n, 1)),
      [lengths.length, 1],
    ),
  );
}

export class PRMNet {
  /** Set by trainPRM: the encoder then only uses ops with gradients on the current backend. */
  training = false;
  private inf: { ids: object[]; backend: string; weights: InferenceWeights } | null = null;
  private readonly paramList: tf.Variable[];
  constructor(
    readonly config: ArchConfig,
    readonly params: Params,
    readonly tokenizer: TextTokenizer,
    readonly stepFormat: StepFormat = defaultStepFormat,
  ) {
    this.paramList = Object.values(params);
  }

  private p(name: string): tf.Variable {
    const v = this.params[name];
    if (!v) throw new Error(`missing weight ${name}`);
    return v;
  }

  /** Inference weights (infer.ts), rebuilt when a weight changed (training's assign() swaps dataIds) or the backend did. */
  private inference(): InferenceWeights {
    const cur = this.inf,
      backend = tf.getBackend();
    if (cur && cur.backend === backend && this.paramList.every((v, i) => v.dataId === cur.ids[i])) return cur.weights;
    this.disposeInference();
    const weights = buildInference(this.config, (n) => this.p(n), hostInputBackends.has(backend));
    for (const t of Object.values(weights.w)) tf.keep(t); // outlives the caller's tidy
    this.inf = { ids: this.paramList.map((v) => v.dataId), backend, weights };
    return weights;
  }

  private disposeInference(): void {
    for (const t of Object.values(this.inf?.weights.w ?? {})) t.dispose();
    this.inf = null;
  }

  tokenize(texts: readonly string[], maxTokens: number): TokenBatch {
    const norm = this.stepFormat.trim ? (t: string) => t.trim() : (t: string) => t;
    const batch = padBatch(
      texts.map((t) => this.tokenizer.encode(norm(t), maxTokens)),
      maxTokens,
    );
    annotateBatch(batch, this.config.features, this.config.vocabSize);
    return batch;
  }

  /** Dense layer: one fused kernel in inference, matmul + add (with gradients) in training. */
  private dense(x: tf.Tensor, w: string, b: string, activation: 'linear' | 'relu' = 'linear'): tf.Tensor {
    const inf = this.training ? null : this.inference().w;
    return inf ? denseKernel(x, inf[w]!, inf[b] ?? this.p(b), activation) : denseTrain(x, this.p(w), this.p(b), activation);
  }

  /**
   * The encoder's input: embeddings (+ digit slots), patch projection and positions, [B, L, d] for L positions.
   * wasm/cpu inference looks it all up in JS tables (infer.ts); training embeds by gather, or one-hot × table where
   * the backend has no gather gradient (wasm lacks UnsortedSegmentSum).
   */
  private input(batch: TokenBatch): { x: tf.Tensor; normed: tf.Tensor | null } {
    const c = this.config,
      { B } = batch,
      L = batch.L / c.patch,
      d = c.dModel,
      backend = tf.getBackend();
    const host = this.training ? null : this.inference().host;
    if (host) {
      const rows = hostInputRows(host, c, batch);
      return { x: tf.tensor3d(rows, [B, L, d]), normed: tf.tensor3d(normalizeRows(rows, d), [B, L, d]) };
    }
    const ids = tf.tensor1d(batch.ids, 'int32'),
      table = this.p('embed');
    let x = this.training && tf.getKernel('UnsortedSegmentSum', backend) === undefined ? mm(tf.oneHot(ids, c.vocabSize), table) : tf.gather(table, ids);
    if (batch.places) x = tf.add(x, digitSlotEmbedding(batch, this.p('place'), matMulFor(this.training)));
    x = c.patch > 1 ? this.dense(tf.reshape(x, [B * L, c.patch * d]), 'patch.w', 'patch.b') : x;
    return { x: tf.add(tf.reshape(x, [B, L, d]), tf.slice(this.p('pos'), [0, 0], [L, d])), normed: null };
  }

  /** Text vectors [B, textWidth]: pooled features, then the local check's logit if the arch has one. Call inside tf.tidy. */
  encode(batch: TokenBatch): tf.Tensor2D {
    const c = this.config,
      P = c.patch,
      B = batch.B,
      L = batch.L / P,
      d = c.dModel,
      nh = c.heads,
      dh = d / nh;
    const lengths = batch.lengths.map((n) => Math.ceil(n / P));
    const folded = !this.training; // inference weights carry the LayerNorm gains and the attention scale
    const ln = (t: tf.Tensor, name: string) => (folded ? normalize(t, false) : tf.add(tf.mul(normalize(t, true), this.p(`${name}.g`)), this.p(`${name}.b`)));
    // Padding mask and attention key bias (mask − 1)·1e9 (0 or −1e9, exact in float32), built in JS. When no row is
    // padded both are identities (x·1 and x + 0 are exact), so they are skipped: same values, fewer kernels.
    let mask: tf.Tensor | null = null,
      keyBias: tf.Tensor | null = null;
    if (lengths.some((n) => n < L)) {
      const pm = new Float32Array(B * L),
        kb = new Float32Array(B * L).fill(-1e9);
      lengths.forEach((n, b) => (pm.fill(1, b * L, b * L + n), kb.fill(0, b * L, b * L + n)));
      mask = tf.tensor3d(pm, [B, L, 1]);
      keyBias = tf.tensor4d(kb, [B, 1, 1, L]);
    }
    // [1, B·L, d] in inference: a dense layer is then one kernel with no reshapes
    const input = this.input(batch);
    let x = input.x;
    const bag = c.features.bagHead ? meanPool(x, mask, lengths) : null; // the mean input embedding, for the head
    if (folded) x = tf.reshape(x, [1, B * L, d]);
    // [B, nh, L, dh]; keys as [B, nh, dh, L]: an explicit transpose, since wasm's transposed matmul is slow (see mm)
    const heads = (t: tf.Tensor, perm = [0, 2, 1, 3]) => tf.transpose(tf.reshape(t, [B, L, nh, dh]), perm);
    const matMul = matMulFor(this.training);
    for (let l = 0; l < c.layers; l++) {
      const h = l === 0 && input.normed ? tf.reshape(input.normed, x.shape) : ln(x, `l${l}.ln1`);
      const q = heads(this.dense(h, `l${l}.wq`, `l${l}.bq`));
      const kT = heads(this.dense(h, `l${l}.wk`, `l${l}.bk`), [0, 2, 3, 1]);
      const v = heads(this.dense(h, `l${l}.wv`, `l${l}.bv`));
      let scores = matMul(q, kT);
      if (!folded) scores = tf.mul(scores, 1 / Math.sqrt(dh));
      const att = tf.softmax(keyBias ? tf.add(scores, keyBias) : scores);
      const o = tf.reshape(tf.transpose(matMul(att, v), [0, 2, 1, 3]), x.shape);
      x = tf.add(x, this.dense(o, `l${l}.wo`, `l${l}.bo`));
      x = tf.add(x, this.dense(this.dense(ln(x, `l${l}.ln2`), `l${l}.f1.w`, `l${l}.f1.b`, 'relu'), `l${l}.f2.w`, `l${l}.f2.b`));
    }
    // the final norm's gain and bias commute with mean pooling, so they apply to [B, d], not [B, L, d]
    const pooled = meanPool(tf.reshape(normalize(x, this.training), [B, L, d]), mask, lengths);
    const vec = tf.add(tf.mul(pooled, this.p('lnf.g')), this.p('lnf.b')) as tf.Tensor2D;
    const dense = this.dense.bind(this);
    const feats = bag ? tf.add(vec, bagHeadTerm(normalize(bag, this.training), dense)) : vec;
    if (!c.features.localCheck) return feats as tf.Tensor2D;
    return tf.concat([feats, localCheckLogit(batch, checkRows(c), dense)], 1) as tf.Tensor2D;
  }

  /** A text vector's features and check logit (null without a check). */
  private split(v: tf.Tensor): [tf.Tensor, tf.Tensor | null] {
    if (!this.config.features.localCheck) return [v, null];
    return tf.split(v, [this.config.dModel, 1], -1) as [tf.Tensor, tf.Tensor];
  }

  /** GRU initial state from the problem vector [B, d] → [B, H]. */
  initialState(problemVec: tf.Tensor): tf.Tensor2D {
    return tf.tanh(this.dense(this.split(problemVec)[0], 'h0.w', 'h0.b')) as tf.Tensor2D;
  }

  /**
   * One aggregator step: step and problem text vectors [..., textWidth], parent states [..., H] → new states, logits [..., 1]
   * (any leading shape; the PRM passes [1, B, ·] so no dense layer needs a reshape).
   */
  step(stepText: tf.Tensor, problemText: tf.Tensor, h: tf.Tensor): { h: tf.Tensor; logit: tf.Tensor } {
    const H = this.config.hidden,
      [stepVec, chk] = this.split(stepText),
      [problemVec] = this.split(problemText);
    // the check learns from its own loss only (train.ts): gradients from the score reached it through the GRU and
    // the logit, competed with that loss, and left it worse at siblings (benchmarks/README.md)
    const check = chk && this.training ? stopGrad(chk) : chk;
    // the check logit is a GRU input as well as a logit term (stepText's last column): the state must carry a failed check
    const gruText = check !== chk ? tf.concat([stepVec, check!], -1) : stepText;
    const pre = this.dense(tf.concat([gruText, problemVec, tf.mul(stepVec, problemVec)], -1), 'cond.w', 'cond.b');
    let z: tf.Tensor, r: tf.Tensor, xn: tf.Tensor, hn: tf.Tensor;
    if (this.training) {
      let xzr: tf.Tensor, hzr: tf.Tensor;
      [xzr, xn] = tf.split(this.dense(tf.tanh(pre), 'gru.w', 'gru.b'), [2 * H, H], -1) as [tf.Tensor, tf.Tensor];
      [hzr, hn] = tf.split(this.dense(h, 'gru.u', 'gru.ub'), [2 * H, H], -1) as [tf.Tensor, tf.Tensor];
      [z, r] = tf.split(tf.sigmoid(tf.add(xzr, hzr)), 2, -1) as [tf.Tensor, tf.Tensor];
    } else {
      // infer.ts's weights: pre is 2× the training one and tanh = 2σ(2x) − 1 is folded into the GRU's input weights
      // (wasm's tanh kernel is 5× slower than its sigmoid); the GRU's gates have a matrix each (SplitV copies slowly)
      const u = tf.sigmoid(pre);
      const gate = (g: string) => [this.dense(u, `gru.w.${g}`, `gru.b.${g}`), this.dense(h, `gru.u.${g}`, `gru.ub.${g}`)] as const;
      const [xz, hz] = gate('z'),
        [xr, hr] = gate('r');
      [z, r] = [tf.sigmoid(tf.add(xz, hz)), tf.sigmoid(tf.add(xr, hr))];
      [xn, hn] = gate('n');
    }
    const n = tf.tanh(tf.add(xn, tf.mul(r, hn)));
    const hNew = tf.add(n, tf.mul(z, tf.sub(h, n))); // (1 − z)·n + z·h
    const logit = this.dense(hNew, 'out.w', 'out.b');
    return { h: hNew, logit: check ? tf.add(logit, check) : logit };
  }

  /**
   * Whole trajectories, N of them, padded to T steps: problem vectors [N, w], step vectors [N*T, w] (row n*T+t; w = textWidth).
   * Returns logits [N, T] and states [T, N, H] (state after step t). Call inside tf.tidy.
   */
  runChains(problemVec: tf.Tensor2D, stepVecs: tf.Tensor2D, N: number, T: number): { logits: tf.Tensor2D; states: tf.Tensor3D } {
    const w = textWidth(this.config),
      seq = tf.reshape(stepVecs, [N, T, w]);
    let h: tf.Tensor = this.initialState(problemVec);
    const logits: tf.Tensor[] = [],
      states: tf.Tensor[] = [];
    for (let t = 0; t < T; t++) {
      const s = tf.reshape(tf.slice(seq, [0, t, 0], [N, 1, w]), [N, w]);
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
    this.disposeInference();
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
  if (config.features.digitSlots && tokenizer.spec.type !== 'bytes')
    throw new InvalidOptionError('arch.features.digitSlots', 'digit place embeddings need the byte tokenizer');
  return new PRMNet(config, initParams(config, opts.seed ?? 0), tokenizer, opts.stepFormat ?? defaultStepFormat);
}

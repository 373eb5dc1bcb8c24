import * as tf from '@tensorflow/tfjs-core';
import type { DecoderConfig } from './config.ts';
import type { HeadWeights, Weights } from './weights.ts';

/** Cached keys and values of a run of tokens, one [kvHeads, len, headDim] tensor per layer (keys after RoPE). */
export interface KvChunk {
  readonly k: readonly tf.Tensor3D[];
  readonly v: readonly tf.Tensor3D[];
  readonly len: number;
}

/** One row of a batch: new token ids at absolute positions start.., attending to `past` (the first `n` of each). */
export interface Row {
  readonly ids: readonly number[];
  readonly past: readonly { readonly chunk: KvChunk; readonly n: number }[];
}

export interface ForwardOut {
  /** P(step correct) read at each row's last token. */
  readonly scores: number[];
  /** Each row's new keys/values (kept tensors: the caller owns them). */
  readonly chunks: KvChunk[];
}

export interface Decoder {
  readonly cfg: DecoderConfig;
  readonly w: Weights;
  readonly invFreq: Float64Array;
  /** Which class of a classification head means "correct". */
  readonly positiveIndex: number;
}

const pastLen = (r: Row) => r.past.reduce((s, p) => s + p.n, 0);

/** One batched forward over ragged rows, each with its own cache: padding is masked, positions continue per row. */
export async function forward(m: Decoder, rows: readonly Row[]): Promise<ForwardOut> {
  const { cfg } = m;
  const B = rows.length, T = Math.max(...rows.map((r) => r.ids.length)), P = Math.max(...rows.map(pastLen));
  const out = tf.tidy(() => {
    const x0 = tf.tensor3d(gatherEmbeddings(m.w.embed, rows, T, cfg.hidden), [B, T, cfg.hidden]);
    const { cos, sin } = ropeTables(m, rows, T);
    const mask = tf.tensor4d(attentionMask(rows, T, P), [B, 1, T, P + T]);
    let x: tf.Tensor3D = x0;
    const ks: tf.Tensor4D[] = [], vs: tf.Tensor4D[] = [];
    m.w.layers.forEach((L, l) => {
      const h = rmsNorm(x, L.inNorm, cfg.eps);
      const { y, k, v } = attention(m, L, h, l, rows, cos, sin, mask, T, P);
      ks.push(tf.keep(k));
      vs.push(tf.keep(v));
      x = tf.add(x, y);
      x = tf.add(x, mlp(L, rmsNorm(x, L.postNorm, cfg.eps), cfg.ffn));
    });
    const last = tf.gather(tf.reshape(x, [B * T, cfg.hidden]), rows.map((r, i) => i * T + r.ids.length - 1));
    return { probs: headProb(m, rmsNorm(last as tf.Tensor2D, m.w.norm, cfg.eps)), ks, vs };
  });
  const scores = Array.from(await out.probs.data());
  out.probs.dispose();
  const chunks = rows.map((r, i) => {
    const cut = (t: tf.Tensor4D) => tf.tidy(() => tf.reshape(tf.slice(t, [i, 0, 0, 0], [1, cfg.kvHeads, r.ids.length, cfg.headDim]), [cfg.kvHeads, r.ids.length, cfg.headDim]) as tf.Tensor3D);
    return { k: out.ks.map(cut), v: out.vs.map(cut), len: r.ids.length };
  });
  tf.dispose([...out.ks, ...out.vs]);
  return { scores, chunks };
}

/** Embedding rows gathered on the host, zero rows for padding. */
function gatherEmbeddings(table: Float32Array, rows: readonly Row[], T: number, H: number): Float32Array {
  const x = new Float32Array(rows.length * T * H);
  rows.forEach((r, i) => r.ids.forEach((id, t) => x.set(table.subarray(id * H, (id + 1) * H), (i * T + t) * H)));
  return x;
}

/** cos and signed sin for rotate_half RoPE, [B, 1, T, D], angles in float64 at each row's absolute positions. */
function ropeTables(m: Decoder, rows: readonly Row[], T: number) {
  const D = m.cfg.headDim, half = D / 2;
  const cos = new Float32Array(rows.length * T * D), sin = new Float32Array(rows.length * T * D);
  rows.forEach((r, i) => {
    const start = pastLen(r);
    for (let t = 0; t < T; t++) {
      const base = (i * T + t) * D;
      for (let j = 0; j < half; j++) {
        const a = (start + t) * m.invFreq[j]!;
        cos[base + j] = cos[base + j + half] = Math.cos(a);
        sin[base + j] = -Math.sin(a); // pairs with the swapped halves: rotate_half(x)·sin = [x2, x1]·[-sin, sin]
        sin[base + j + half] = Math.sin(a);
      }
    }
  });
  return { cos: tf.tensor4d(cos, [rows.length, 1, T, D]), sin: tf.tensor4d(sin, [rows.length, 1, T, D]) };
}

/** Additive mask [B, 1, T, P + T]: a row's own past, then causal over its new tokens; padding gets -1e9. */
function attentionMask(rows: readonly Row[], T: number, P: number): Float32Array {
  const S = P + T;
  const mask = new Float32Array(rows.length * T * S).fill(-1e9);
  rows.forEach((r, i) => {
    const p = pastLen(r);
    for (let t = 0; t < T; t++) {
      const base = (i * T + t) * S;
      mask.fill(0, base, base + p);
      mask.fill(0, base + P, base + P + t + 1);
    }
  });
  return mask;
}

function rmsNorm<R extends tf.Rank>(x: tf.Tensor<R>, w: tf.Tensor1D, eps: number): tf.Tensor<R> {
  return tf.mul(tf.mul(x, tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), eps))), w);
}

const rope = (x: tf.Tensor4D, cos: tf.Tensor4D, sin: tf.Tensor4D) => {
  const [a, b] = tf.split(x, 2, 3);
  return tf.add(tf.mul(x, cos), tf.mul(tf.concat([b!, a!], 3), sin)) as tf.Tensor4D;
};

/** The rows' cached keys (or values) of layer l, concatenated and padded to [B, kvHeads, P, D]. */
function pastOf(m: Decoder, rows: readonly Row[], l: number, P: number, which: 'k' | 'v'): tf.Tensor4D {
  const { kvHeads: G, headDim: D } = m.cfg;
  return tf.stack(rows.map((r) => {
    const parts = r.past.filter((p) => p.n > 0).map((p) => (p.n === p.chunk.len ? p.chunk[which][l]! : tf.slice(p.chunk[which][l]!, [0, 0, 0], [G, p.n, D])));
    const n = pastLen(r);
    if (n < P) parts.push(tf.zeros([G, P - n, D]));
    return parts.length === 1 ? parts[0]! : tf.concat(parts, 1);
  })) as tf.Tensor4D;
}

function attention(m: Decoder, L: Weights['layers'][number], h: tf.Tensor3D, l: number, rows: readonly Row[], cos: tf.Tensor4D, sin: tf.Tensor4D, mask: tf.Tensor4D, T: number, P: number) {
  const { heads: NH, kvHeads: G, headDim: D, hidden: H } = m.cfg;
  const B = rows.length, S = P + T, g = NH / G;
  let qkv: tf.Tensor2D = tf.matMul(tf.reshape(h, [B * T, H]), L.qkv, false, true);
  if (L.qkvBias) qkv = tf.add(qkv, L.qkvBias);
  const [q0, k0, v0] = tf.split(qkv, [NH * D, G * D, G * D], 1);
  const heads = (t: tf.Tensor, n: number) => tf.transpose(tf.reshape(t, [B, T, n, D]), [0, 2, 1, 3]) as tf.Tensor4D;
  const q = tf.mul(rope(heads(q0!, NH), cos, sin), 1 / Math.sqrt(D));
  const k = rope(heads(k0!, G), cos, sin), v = heads(v0!, G);
  const kAll = P > 0 ? tf.concat([pastOf(m, rows, l, P, 'k'), k], 2) : k;
  const vAll = P > 0 ? tf.concat([pastOf(m, rows, l, P, 'v'), v], 2) : v;
  // GQA: query head h reads KV head h // g, so the query heads of one KV head are contiguous: [B·G, g·T, D].
  const scores = tf.add(tf.reshape(tf.matMul(tf.reshape(q, [B * G, g * T, D]), tf.reshape(kAll, [B * G, S, D]), false, true), [B, NH, T, S]), mask);
  const ctx = tf.matMul(tf.reshape(tf.softmax(scores), [B * G, g * T, S]), tf.reshape(vAll, [B * G, S, D]));
  const y = tf.matMul(tf.reshape(tf.transpose(tf.reshape(ctx, [B, NH, T, D]), [0, 2, 1, 3]), [B * T, NH * D]), L.o, false, true);
  return { y: tf.reshape(y, [B, T, H]) as tf.Tensor3D, k, v };
}

function mlp(L: Weights['layers'][number], h: tf.Tensor3D, ffn: number): tf.Tensor3D {
  const [B, T, H] = h.shape;
  const [gate, up] = tf.split(tf.matMul(tf.reshape(h, [B * T, H]), L.gateUp, false, true), [ffn, ffn], 1);
  return tf.reshape(tf.matMul(tf.mul(tf.mul(gate!, tf.sigmoid(gate!)), up!), L.down, false, true), [B, T, H]);
}

/** P(step correct) from the final-norm hidden states [B, H]. */
function headProb(m: Decoder, h: tf.Tensor2D): tf.Tensor1D {
  const head: HeadWeights = m.w.head;
  let x: tf.Tensor2D = h;
  head.mats.forEach((lin, i) => {
    if (i > 0) x = tf.relu(x);
    x = tf.matMul(x, lin.w, false, true);
    if (lin.b) x = tf.add(x, lin.b);
  });
  const width = x.shape[1];
  if (width === 1) return tf.reshape(tf.sigmoid(x), [-1]);
  // LM-label heads hold the [good, bad] rows: the full-vocabulary normaliser cancels in P(good) / (P(good) + P(bad)).
  const k = head.kind === 'lm-labels' ? 0 : m.positiveIndex;
  return tf.reshape(tf.slice(tf.softmax(x), [0, k], [-1, 1]), [-1]);
}

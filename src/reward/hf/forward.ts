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
  const B = rows.length,
    T = Math.max(...rows.map((r) => r.ids.length)),
    P = Math.max(...rows.map(pastLen));
  const out = tf.tidy(() => {
    const x0 = tf.tensor3d(gatherEmbeddings(m.w.embed, rows, T, cfg.hidden), [B, T, cfg.hidden]);
    const ropeT: Rope = { q: ropeTables(m, rows, T, cfg.heads), k: ropeTables(m, rows, T, cfg.kvHeads), rot: rotation(cfg.headDim) };
    const masks = new Map<number | null, tf.Tensor4D>();
    const maskFor = (l: number) => {
      const w = cfg.windowLayers[l] ? cfg.slidingWindow : null;
      if (!masks.has(w)) masks.set(w, tf.tensor4d(attentionMask(rows, T, P, cfg.heads, w), [B, cfg.heads, T, P + T]));
      return masks.get(w)!;
    };
    let x: tf.Tensor3D = x0;
    const ks: tf.Tensor4D[] = [],
      vs: tf.Tensor4D[] = [];
    m.w.layers.forEach((L, l) => {
      const h = rmsNorm(x, L.inNorm, cfg.eps);
      const { y, k, v } = attention(m, L, h, l, rows, ropeT, maskFor(l), T, P);
      ks.push(tf.keep(k));
      vs.push(tf.keep(v));
      x = tf.add(x, y);
      x = tf.add(x, mlp(L, rmsNorm(x, L.postNorm, cfg.eps)));
    });
    const last = tf.gather(
      tf.reshape(x, [B * T, cfg.hidden]),
      rows.map((r, i) => i * T + r.ids.length - 1),
    );
    return { probs: headProb(m, rmsNorm(last as tf.Tensor2D, m.w.norm, cfg.eps)), ks, vs };
  });
  const scores = Array.from(await out.probs.data());
  out.probs.dispose();
  const chunks = rows.map((r, i) => {
    const cut = (t: tf.Tensor4D) =>
      tf.tidy(
        () => tf.reshape(tf.slice(t, [i, 0, 0, 0], [1, cfg.kvHeads, r.ids.length, cfg.headDim]), [cfg.kvHeads, r.ids.length, cfg.headDim]) as tf.Tensor3D,
      );
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

/**
 * cos and sin for rotate_half RoPE at each row's absolute positions (angles in float64), repeated for `n` heads on
 * the host, [B·T·n, D], so every multiply on the backend is same-shape (broadcasts are slow on cpu).
 */
function ropeTables(m: Decoder, rows: readonly Row[], T: number, n: number) {
  const D = m.cfg.headDim,
    half = D / 2;
  const cos = new Float32Array(rows.length * T * n * D),
    sin = new Float32Array(rows.length * T * n * D);
  rows.forEach((r, i) => {
    const start = pastLen(r);
    for (let t = 0; t < T; t++) {
      const base = (i * T + t) * n * D;
      for (let j = 0; j < half; j++) {
        const a = (start + t) * m.invFreq[j]!;
        cos[base + j] = cos[base + j + half] = Math.cos(a);
        sin[base + j] = sin[base + j + half] = Math.sin(a);
      }
      for (let h = 1; h < n; h++) {
        cos.copyWithin(base + h * D, base, base + D);
        sin.copyWithin(base + h * D, base, base + D);
      }
    }
  });
  return { cos: tf.tensor2d(cos, [rows.length * T * n, D]), sin: tf.tensor2d(sin, [rows.length * T * n, D]) };
}

/** rotate_half as a matrix: x·R = [-x2, x1] (a matMul instead of a strided split on the last axis). */
function rotation(D: number): tf.Tensor2D {
  const r = new Float32Array(D * D),
    half = D / 2;
  for (let j = 0; j < half; j++) {
    r[(j + half) * D + j] = -1;
    r[j * D + j + half] = 1;
  }
  return tf.tensor2d(r, [D, D]);
}

/**
 * Additive mask [B, NH, T, P + T]: a row's own past, then causal over its new tokens; padding gets -1e9. With a
 * sliding window W, the query at absolute position q sees only keys at positions > q - W (transformers'
 * `sliding_window_overlay`); the past columns hold positions 0..p-1, the new ones p..p+T-1.
 */
function attentionMask(rows: readonly Row[], T: number, P: number, NH: number, W: number | null): Float32Array {
  const S = P + T,
    plane = T * S;
  const mask = new Float32Array(rows.length * NH * plane).fill(-1e9);
  rows.forEach((r, i) => {
    const p = pastLen(r),
      base0 = i * NH * plane;
    for (let t = 0; t < T; t++) {
      const base = base0 + t * S,
        from = W === null ? 0 : Math.max(0, p + t - W + 1);
      if (from < p) mask.fill(0, base + from, base + p);
      mask.fill(0, base + P + Math.max(0, from - p), base + P + t + 1);
    }
    for (let h = 1; h < NH; h++) mask.copyWithin(base0 + h * plane, base0, base0 + plane);
  });
  return mask;
}

function rmsNorm<R extends tf.Rank>(x: tf.Tensor<R>, w: tf.Tensor1D, eps: number): tf.Tensor<R> {
  return tf.mul(tf.mul(x, tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), eps))), w);
}

interface Rope {
  readonly q: { cos: tf.Tensor2D; sin: tf.Tensor2D };
  readonly k: { cos: tf.Tensor2D; sin: tf.Tensor2D };
  readonly rot: tf.Tensor2D;
}

/** RoPE on [B·T, n·D] projections, as [B·T·n, D] rows. */
const rope = (x: tf.Tensor2D, t: { cos: tf.Tensor2D; sin: tf.Tensor2D }, rot: tf.Tensor2D) => {
  const r = tf.reshape(x, t.cos.shape);
  return tf.add(tf.mul(r, t.cos), tf.mul(tf.matMul(r, rot), t.sin));
};

/** The rows' cached keys (or values) of layer l, concatenated and padded to [B, kvHeads, P, D]. */
function pastOf(m: Decoder, rows: readonly Row[], l: number, P: number, which: 'k' | 'v'): tf.Tensor4D {
  const { kvHeads: G, headDim: D } = m.cfg;
  return tf.stack(
    rows.map((r) => {
      const parts = r.past.filter((p) => p.n > 0).map((p) => (p.n === p.chunk.len ? p.chunk[which][l]! : tf.slice(p.chunk[which][l]!, [0, 0, 0], [G, p.n, D])));
      const n = pastLen(r);
      if (n < P) parts.push(tf.zeros([G, P - n, D]));
      return parts.length === 1 ? parts[0]! : tf.concat(parts, 1);
    }),
  ) as tf.Tensor4D;
}

function attention(
  m: Decoder,
  L: Weights['layers'][number],
  h: tf.Tensor3D,
  l: number,
  rows: readonly Row[],
  rp: Rope,
  mask: tf.Tensor4D,
  T: number,
  P: number,
) {
  const { heads: NH, kvHeads: G, headDim: D, hidden: H } = m.cfg;
  const B = rows.length,
    S = P + T,
    g = NH / G;
  const x = tf.reshape(h, [B * T, H]);
  const proj = (w: tf.Tensor2D, b: tf.Tensor1D | null) => (b ? tf.add(tf.matMul(x, w, false, true), b) : tf.matMul(x, w, false, true)) as tf.Tensor2D;
  const heads = (t: tf.Tensor, n: number) => tf.transpose(tf.reshape(t, [B, T, n, D]), [0, 2, 1, 3]) as tf.Tensor4D;
  const q = heads(tf.mul(rope(proj(L.q, L.qb), rp.q, rp.rot), 1 / Math.sqrt(D)), NH);
  const k = heads(rope(proj(L.k, L.kb), rp.k, rp.rot), G),
    v = heads(proj(L.v, L.vb), G);
  const kAll = P > 0 ? tf.concat([pastOf(m, rows, l, P, 'k'), k], 2) : k;
  const vAll = P > 0 ? tf.concat([pastOf(m, rows, l, P, 'v'), v], 2) : v;
  // GQA: query head h reads KV head h // g, so the query heads of one KV head are contiguous: [B·G, g·T, D].
  const scores = tf.add(tf.reshape(tf.matMul(tf.reshape(q, [B * G, g * T, D]), tf.reshape(kAll, [B * G, S, D]), false, true), [B, NH, T, S]), mask);
  const ctx = tf.matMul(tf.reshape(tf.softmax(scores), [B * G, g * T, S]), tf.reshape(vAll, [B * G, S, D]));
  const y = tf.matMul(tf.reshape(tf.transpose(tf.reshape(ctx, [B, NH, T, D]), [0, 2, 1, 3]), [B * T, NH * D]), L.o, false, true);
  return { y: tf.reshape(y, [B, T, H]) as tf.Tensor3D, k, v };
}

function mlp(L: Weights['layers'][number], h: tf.Tensor3D): tf.Tensor3D {
  const [B, T, H] = h.shape;
  const x = tf.reshape(h, [B * T, H]);
  const gate = tf.matMul(x, L.gate, false, true),
    up = tf.matMul(x, L.up, false, true);
  return tf.reshape(tf.matMul(tf.mul(tf.mul(gate, tf.sigmoid(gate)), up), L.down, false, true), [B, T, H]);
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

/**
 * Inference-only forms of a PRMNet's weights, derived once per weight version. Scoring one step at a time pays
 * tfjs's cost per kernel (≈ 3–6 µs on wasm) some 90 times a call, so these cut kernels; at large batches the
 * host input table also cuts FLOPs. Same function as the training graph, to float rounding (≈ 1e-7).
 * - LayerNorm gain and bias fold into the matmul after them: ln(x)·W + c = x̂·(diag(g)·W) + (b·W + c); the
 *   attention scale 1/√d_h folds into W_q.
 * - Dense weights are kept as [1, K, N], so a dense layer is one `_FusedMatMul` kernel (bias and relu inside)
 *   called directly. tfjs's `fused.matMul` op wraps that kernel in reshapes and a custom-gradient scope and cost
 *   more (12 µs) than the matmul + add it replaces (9.6 µs); the kernel alone costs 5.7 µs (wasm, [4, 64]·[64, 64]).
 * - On wasm and cpu the input layer becomes JS table lookups: the patch projection is linear in each slot's byte
 *   embedding, so slot j's contribution is row id_j of the [vocab, d] table E·W_j (the same for digit places),
 *   and a position's input is Σ_j T_j[id_j] + b + pos. No kernels, and no patch matmul (¼ of a step's FLOPs).
 *   The first LayerNorm of those rows is computed there too.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ArchConfig } from './arch.ts';
import { featureDense } from './features/index.ts';
import type { TokenBatch } from './batch.ts';

export interface HostInput {
  /** Per patch slot j: T_j = E·W_j (E itself when patch = 1), [vocab, d] row-major. */
  readonly slots: Float32Array[];
  /** Per patch slot j: digit slot table Place·W_j, [rows, d]; null without the digitSlots feature. */
  readonly places: Float32Array[] | null;
  /** pos + patch bias, [positions, d]. */
  readonly posBias: Float32Array;
}

export interface InferenceWeights {
  /** Weights by parameter name: dense ones as [1, K, N], folded biases 1-D. Names not here use the parameter. */
  readonly w: Record<string, tf.Tensor>;
  /** Input tables for wasm/cpu (see above); null on GPU backends, which gather on the device. */
  readonly host: HostInput | null;
}

/** Backends whose input layer is looked up in JS (their tensors live in host memory); others gather on the device. */
export const hostInputBackends = new Set(['wasm', 'cpu']);

/** Build the inference weights from the trained ones; the caller owns (keeps, later disposes) the tensors in `w`. */
export function buildInference(c: ArchConfig, p: (name: string) => tf.Tensor, withHost: boolean): InferenceWeights {
  const w = tf.tidy(() => {
    const out: Record<string, tf.Tensor> = {};
    const as3 = (t: tf.Tensor) => tf.reshape(t, [1, t.shape[0]!, t.shape[1]!]);
    const fold = (ln: string, wn: string, bn: string, scale = 1) => {
      const W = p(wn);
      out[wn] = as3(tf.mul(tf.mul(tf.reshape(p(`${ln}.g`), [-1, 1]), W), scale));
      out[bn] = tf.mul(tf.add(tf.squeeze(tf.matMul(tf.reshape(p(`${ln}.b`), [1, -1]), W as tf.Tensor2D), [0]), p(bn)), scale);
    };
    const unfolded = ['h0.w', 'out.w', ...(c.patch > 1 ? ['patch.w'] : []), ...featureDense(c.features)];
    for (let l = 0; l < c.layers; l++) {
      fold(`l${l}.ln1`, `l${l}.wq`, `l${l}.bq`, 1 / Math.sqrt(c.dModel / c.heads));
      fold(`l${l}.ln1`, `l${l}.wk`, `l${l}.bk`);
      fold(`l${l}.ln1`, `l${l}.wv`, `l${l}.bv`);
      fold(`l${l}.ln2`, `l${l}.f1.w`, `l${l}.f1.b`);
      unfolded.push(`l${l}.wo`, `l${l}.f2.w`);
    }
    for (const n of unfolded) out[n] = as3(p(n));
    // u = tanh(pre) = 2σ(2·pre) − 1: cond computes 2·pre, and u·W + b = σ·(2W) + (b − 1·W) feeds the GRU
    out['cond.w'] = as3(tf.mul(p('cond.w'), 2));
    out['cond.b'] = tf.mul(p('cond.b'), 2);
    const H = c.hidden,
      W = p('gru.w'),
      U = p('gru.u');
    const gw = tf.mul(W, 2),
      gb = tf.sub(p('gru.b'), tf.sum(W, 0));
    const cols = (t: tf.Tensor, from: number, n: number) => (t.rank === 2 ? tf.slice(t, [0, from], [-1, n]) : tf.slice(t, [from], [n]));
    ['z', 'r', 'n'].forEach((g, i) => {
      out[`gru.w.${g}`] = as3(cols(gw, i * H, H));
      out[`gru.b.${g}`] = cols(gb, i * H, H);
      out[`gru.u.${g}`] = as3(cols(U, i * H, H));
      out[`gru.ub.${g}`] = cols(p('gru.ub'), i * H, H);
    });
    return out;
  });
  return { w, host: withHost ? hostInput(c, p) : null };
}

function hostInput(c: ArchConfig, p: (name: string) => tf.Tensor): HostInput {
  const d = c.dModel,
    P = c.patch;
  const perSlot = (table: tf.Tensor): Float32Array[] =>
    tf.tidy(() => {
      if (P === 1) return [(table.dataSync() as Float32Array).slice()];
      const W = p('patch.w');
      return Array.from({ length: P }, (_, j) => tf.matMul(table as tf.Tensor2D, tf.slice(W, [j * d, 0], [d, d]) as tf.Tensor2D).dataSync() as Float32Array); // a fresh tensor's data
    });
  const posBias = tf.tidy(() => (P > 1 ? tf.add(p('pos'), p('patch.b')) : p('pos')).dataSync() as Float32Array);
  return { slots: perSlot(p('embed')), places: c.features.digitSlots ? perSlot(p('place')) : null, posBias: Float32Array.from(posBias) };
}

/** The encoder's input [B·L, d] flattened (L = positions after patching), computed in JS from the host tables. */
export function hostInputRows(h: HostInput, c: ArchConfig, batch: TokenBatch): Float32Array {
  const d = c.dModel,
    P = c.patch,
    L = batch.L / P,
    out = new Float32Array(batch.B * L * d);
  for (let b = 0; b < batch.B; b++)
    for (let l = 0; l < L; l++) {
      const o = (b * L + l) * d;
      out.set(h.posBias.subarray(l * d, l * d + d), o);
      for (let j = 0; j < P; j++) {
        const t = b * batch.L + l * P + j,
          row = batch.ids[t]! * d,
          table = h.slots[j]!;
        for (let k = 0; k < d; k++) out[o + k]! += table[row + k]!;
        const place = batch.places?.[t] ?? 0;
        if (place > 0) {
          const pt = h.places![j]!,
            pr = (place - 1) * d;
          for (let k = 0; k < d; k++) out[o + k]! += pt[pr + k]!;
        }
      }
    }
  return out;
}

/** Row-wise (x − mean) / sqrt(var + 1e-5) of [rows, d] in JS: the first LayerNorm of a host input costs no kernels. */
export function normalizeRows(x: Float32Array, d: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let o = 0; o < x.length; o += d) {
    let m = 0,
      v = 0;
    for (let k = 0; k < d; k++) m += x[o + k]!;
    m /= d;
    for (let k = 0; k < d; k++) v += (x[o + k]! - m) ** 2;
    const r = 1 / Math.sqrt(v / d + 1e-5);
    for (let k = 0; k < d; k++) out[o + k] = (x[o + k]! - m) * r;
  }
  return out;
}

/** x·w + b (then relu) as one kernel; x is [..., K], w is [1, K, N]; returns [..., N]. */
export function denseKernel(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor, activation: 'linear' | 'relu' = 'linear'): tf.Tensor {
  const K = x.shape[x.rank - 1]!,
    N = w.shape[2]!;
  const direct = x.rank === 3 && x.shape[0] === 1;
  const a = direct ? x : tf.reshape(x, [1, x.size / K, K]);
  const y = tf.engine().runKernel('_FusedMatMul', { a, b: w, bias: b }, { transposeA: false, transposeB: false, activation }) as tf.Tensor;
  return direct ? y : tf.reshape(y, [...x.shape.slice(0, -1), N]);
}

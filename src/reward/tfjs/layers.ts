/** Graph building blocks shared by the encoder (model.ts) and the trainer (train.ts). */
import * as tf from '@tensorflow/tfjs-core';

/** (x − mean) / sqrt(var + ε) over the last axis; training keeps tf.moments so its gradient graph is unchanged. */
export function normalize(x: tf.Tensor, training: boolean): tf.Tensor {
  if (training) {
    const { mean, variance } = tf.moments(x, -1, true);
    return tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-5)));
  }
  // 2 kernels fewer than tf.moments (which casts x, a copy, and computes x − mean twice), same values
  const dev = tf.sub(x, tf.mean(x, -1, true));
  return tf.mul(dev, tf.rsqrt(tf.add(tf.mean(tf.square(dev), -1, true), 1e-5)));
}

const swapLast = (t: tf.Tensor): tf.Tensor =>
  tf.transpose(
    t,
    [...t.shape.keys()].map((i, _, a) => (i < a.length - 2 ? i : 2 * a.length - 3 - i)),
  );

/**
 * a·b whose gradients are plain matmuls of explicit transposes. tfjs's stock gradient uses transposed matmuls, which
 * tfjs-wasm runs 5–7× slower than a transpose plus a plain matmul (xᵀ·dy, [5120, 64]: 25.9 vs 5.5 ms; dy·Wᵀ:
 * 28.5 vs 4.0 ms): training spent most of its time there.
 */
export const mm = tf.customGrad(((a: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor, [sa, sb]: tf.Tensor[]) => [tf.matMul(dy, swapLast(sb!)), tf.matMul(swapLast(sa!), dy)],
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;

/** x·w + b (then relu) for training (every op here has gradients on every backend). x is [..., K]. */
export function denseTrain(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor, activation: 'linear' | 'relu' = 'linear'): tf.Tensor {
  const K = x.shape[x.rank - 1]!,
    x2 = x.rank === 2 ? x : tf.reshape(x, [x.size / K, K]);
  const y = tf.add(mm(x2, w), b);
  const out = activation === 'relu' ? tf.relu(y) : y;
  return x.rank === 2 ? out : tf.reshape(out, [...x.shape.slice(0, -1), w.shape[1]!]);
}

/** The matmul of a graph: `mm` when training (its gradients avoid transposed matmuls), plain tf.matMul otherwise. */
export const matMulFor = (training: boolean): ((a: tf.Tensor, b: tf.Tensor) => tf.Tensor) => (training ? mm : (a, b) => tf.matMul(a, b));

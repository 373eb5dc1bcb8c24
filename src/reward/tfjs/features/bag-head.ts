/**
 * Feature `bagHead`: a ReLU MLP on the normalised mean input embedding, W2·relu(W1·norm(bag)), added to the step's
 * pooled vector. With bound digit slots the mean embedding holds a step's whole digit layout, so this reaches checks
 * that need several tokens at once without attention having to find them. W2 starts at zero, so the head starts as
 * a no-op and grows in. Weights: `head.w1`, `head.b1`, `head.w2`, `head.b2`.
 * Why: benchmarks/README.md, "The small model's features".
 */
import type * as tf from '@tensorflow/tfjs-core';
import { intProblems, objectProblems, type ConfigProblem } from './types.ts';

export interface BagHead {
  /** Hidden ReLU units. */
  readonly hidden: number;
}

const PATH = 'features.bagHead';

export function bagHeadProblems(v: unknown): ConfigProblem[] {
  const base = objectProblems(v, PATH, ['hidden']);
  return base.length ? base : intProblems(v as Record<string, unknown>, 'hidden', PATH, 1);
}

export const bagHeadShapes = (f: BagHead, dModel: number): Record<string, number[]> => ({
  'head.w1': [dModel, f.hidden],
  'head.b1': [f.hidden],
  'head.w2': [f.hidden, dModel],
  'head.b2': [dModel],
});

/** Weights initialised to zero (the head's output layer). */
export const bagHeadZeroInit: readonly string[] = ['head.w2'];

/** Dense weights the inference path keeps as kernels (infer.ts). */
export const bagHeadDense: readonly string[] = ['head.w1', 'head.w2'];

type Dense = (x: tf.Tensor, w: string, b: string, activation?: 'linear' | 'relu') => tf.Tensor;

/** The head's term [B, d] from the normalised bag [B, d]. */
export const bagHeadTerm = (normedBag: tf.Tensor, dense: Dense): tf.Tensor => dense(dense(normedBag, 'head.w1', 'head.b1', 'relu'), 'head.w2', 'head.b2');

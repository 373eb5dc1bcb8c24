/**
 * Feature `localCheck`: a ReLU MLP from counts of the step's own bound digit slots and symbols to a logit term of
 * its own, added to the GRU's logit; the GRU reads that logit too, so its state can carry a failed check to later
 * steps. Its input skips the tokens every step shares (spaces, "=", specials). It learns from its own loss only
 * (train.ts: on steps whose prefix is labelled right; train-check.ts: on isolated exact steps), never from the
 * score. Needs `digitSlots` with `bind`. Weights: `check.w1`, `check.b1`, `check.w2`, `check.b2`.
 * Why each of these choices: benchmarks/README.md, "The small model's features".
 */
import * as tf from '@tensorflow/tfjs-core';
import type { TokenBatch } from '../batch.ts';
import { BOS_ID, BYTE_OFFSET, EOS_ID, PAD_ID, UNK_ID } from '../tokenizer.ts';
import { digitSlotRows, type DigitSlots } from './digit-slots.ts';
import { intProblems, objectProblems, type ConfigProblem } from './types.ts';

export interface LocalCheck {
  /** Hidden ReLU units. */
  readonly hidden: number;
}

const PATH = 'features.localCheck';

export function localCheckProblems(v: unknown, digits: DigitSlots | undefined): ConfigProblem[] {
  const base = objectProblems(v, PATH, ['hidden']);
  if (base.length) return base;
  const out = intProblems(v as Record<string, unknown>, 'hidden', PATH, 1);
  if (!digits?.bind) out.push({ field: PATH, detail: 'needs features.digitSlots with "bind": true' });
  return out;
}

/** Inputs of the check: the digit slot rows, then one per token id. */
export const localCheckInputs = (digits: DigitSlots, vocabSize: number): number => digitSlotRows(digits) + vocabSize;

export const localCheckShapes = (f: LocalCheck, inputs: number): Record<string, number[]> => ({
  'check.w1': [inputs, f.hidden],
  'check.b1': [f.hidden],
  'check.w2': [f.hidden, 1],
  'check.b2': [1],
});

/** Dense weights the inference path keeps as kernels (infer.ts). */
export const localCheckDense: readonly string[] = ['check.w1', 'check.w2'];

/** Names of the check's weights, for training it alone (train-check.ts). */
export const localCheckWeights: readonly string[] = ['check.w1', 'check.b1', 'check.w2', 'check.b2'];

/** Tokens every step shares, which the check skips: specials, whitespace and "=". */
const SHARED = new Set([PAD_ID, BOS_ID, EOS_ID, UNK_ID, ...[9, 10, 13, 32, 61].map((b) => b + BYTE_OFFSET)]);

/**
 * The check's input: per row, counts over [digit rows | token ids]. A digit counts at its slot row (batch.places)
 * and not as a token; other tokens count at their id unless shared.
 */
export function checkCounts(batch: TokenBatch, digitRows: number, vocab: number): Float32Array {
  const R = digitRows + vocab,
    out = new Float32Array(batch.B * R);
  for (let b = 0; b < batch.B; b++)
    for (let i = b * batch.L; i < b * batch.L + batch.lengths[b]!; i++) {
      const place = batch.places![i]!,
        id = batch.ids[i]!;
      if (place) out[b * R + place - 1]! += 1;
      else if (!SHARED.has(id)) out[b * R + digitRows + id]! += 1;
    }
  return out;
}

/** Sets TokenBatch.check (after the digit slots are annotated). */
export function annotateLocalCheck(batch: TokenBatch, digits: DigitSlots, vocabSize: number): void {
  batch.check = checkCounts(batch, digitSlotRows(digits), vocabSize);
}

type Dense = (x: tf.Tensor, w: string, b: string, activation?: 'linear' | 'relu') => tf.Tensor;

/** The check's logit [B, 1] from the batch's counts. */
export function localCheckLogit(batch: TokenBatch, inputs: number, dense: Dense): tf.Tensor {
  return dense(dense(tf.tensor2d(batch.check!, [batch.B, inputs]), 'check.w1', 'check.b1', 'relu'), 'check.w2', 'check.b2');
}

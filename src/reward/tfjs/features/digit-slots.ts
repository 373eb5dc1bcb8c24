/**
 * Feature `digitSlots`: digit place embeddings (after "Abacus", McLeish et al. 2024). Each digit byte also gets a
 * learned row for its slot: its place in its number counted from the right (units, tens, …; capped at `places`),
 * the number counted from the text's end (in "a + b = c", c is 1; capped at `numbers`) and, with `bind`, its own
 * digit value, so the token itself says which digit sits where. Byte tokenizer only. Weight: `place`.
 * Why each part exists: benchmarks/README.md, "The small model's features".
 */
import * as tf from '@tensorflow/tfjs-core';
import type { TokenBatch } from '../batch.ts';
import { BYTE_OFFSET } from '../tokenizer.ts';
import { intProblems, objectProblems, type ConfigProblem } from './types.ts';

export interface DigitSlots {
  /** Places per number (units, tens, …); digits beyond the last share it. */
  readonly places: number;
  /** Number slots, counted from the text's end; earlier numbers share the last. */
  readonly numbers: number;
  /** One row per (number, place, digit value) instead of per (number, place). */
  readonly bind: boolean;
}

const PATH = 'features.digitSlots';

export function digitSlotProblems(v: unknown): ConfigProblem[] {
  const base = objectProblems(v, PATH, ['places', 'numbers', 'bind']);
  if (base.length) return base;
  const o = v as Record<string, unknown>;
  const out = [...intProblems(o, 'places', PATH, 1), ...intProblems(o, 'numbers', PATH, 1)];
  if (typeof o.bind !== 'boolean') out.push({ field: `${PATH}.bind`, detail: `expected true or false, got ${JSON.stringify(o.bind)}` });
  return out;
}

/** Rows of the `place` table. */
export const digitSlotRows = (f: DigitSlots): number => f.places * f.numbers * (f.bind ? 10 : 1);

/** Embedding tables (initialised like the token embeddings, not Glorot). */
export const digitSlotTables: readonly string[] = ['place'];

export const digitSlotShapes = (f: DigitSlots, dModel: number): Record<string, number[]> => ({ place: [digitSlotRows(f), dModel] });

/** Marks the batch's digits with their slot rows (TokenBatch.places). */
export function annotateDigitSlots(batch: TokenBatch, f: DigitSlots): void {
  batch.places = digitPlaces(batch, f.places, f.numbers, f.bind);
}

const DIGIT_0 = 48 + BYTE_OFFSET,
  DIGIT_9 = 57 + BYTE_OFFSET;

/**
 * Per byte token: 1 + the digit's row in the place table, 0 for non-digits. The place counts from the right within a
 * run of digits, the number slot counts runs from the text's end; both are capped (numbers < 1 means one slot).
 */
export function digitPlaces(batch: TokenBatch, places: number, numbers = 0, bind = false): Int32Array {
  const out = new Int32Array(batch.ids.length);
  for (let b = 0; b < batch.B; b++) {
    let run = 0,
      ordinal = 0;
    for (let i = b * batch.L + batch.L - 1; i >= b * batch.L; i--) {
      const id = batch.ids[i]!;
      run = id >= DIGIT_0 && id <= DIGIT_9 ? run + 1 : 0;
      if (run === 1) ordinal++;
      const row = (Math.min(Math.max(ordinal, 1), Math.max(1, numbers)) - 1) * places + Math.min(run, places) - 1;
      out[i] = run && 1 + (bind ? row * 10 + id - DIGIT_0 : row);
    }
  }
  return out;
}

/** The training graph's digit input [B·L, d]: row place − 1 of the table per token; oneHot(−1) is a zero row. */
export function digitSlotEmbedding(batch: TokenBatch, table: tf.Tensor, matMul: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor): tf.Tensor {
  const rows = tf.tensor1d(
    Array.from(batch.places!, (p) => p - 1),
    'int32',
  );
  return matMul(tf.oneHot(rows, table.shape[0]!), table);
}

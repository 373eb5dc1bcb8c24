/**
 * The small model's optional features, one module each: `digitSlots` (digit place embeddings), `bagHead` (an MLP on
 * the mean input embedding) and `localCheck` (an MLP from a step's own digits to a logit term). The plain encoder
 * (arch.ts, model.ts) has none; this file is the one place that knows the list.
 */
import type { TokenBatch } from '../batch.ts';
import { bagHeadDense, bagHeadProblems, bagHeadShapes, bagHeadZeroInit, type BagHead } from './bag-head.ts';
import { annotateDigitSlots, digitSlotProblems, digitSlotShapes, digitSlotTables, type DigitSlots } from './digit-slots.ts';
import { annotateLocalCheck, localCheckDense, localCheckInputs, localCheckProblems, localCheckShapes, type LocalCheck } from './local-check.ts';
import { objectProblems, type ConfigProblem } from './types.ts';

export interface Features {
  readonly digitSlots?: DigitSlots;
  readonly bagHead?: BagHead;
  readonly localCheck?: LocalCheck;
}
export type { BagHead, DigitSlots, LocalCheck, ConfigProblem };

const NAMES = ['digitSlots', 'bagHead', 'localCheck'] as const;

/** Problems of an architecture's `features` field (absent = none). */
export function featureProblems(v: unknown): ConfigProblem[] {
  if (v === undefined) return [];
  const base = objectProblems(v, 'features', NAMES);
  if (base.length) return base;
  const f = v as Record<string, unknown>;
  const digits = f.digitSlots === undefined ? [] : digitSlotProblems(f.digitSlots);
  return [
    ...digits,
    ...(f.bagHead === undefined ? [] : bagHeadProblems(f.bagHead)),
    ...(f.localCheck === undefined ? [] : localCheckProblems(f.localCheck, digits.length ? undefined : (f.digitSlots as DigitSlots | undefined))),
  ];
}

/** Weight shapes the features add. */
export function featureShapes(f: Features, dModel: number, vocabSize: number): Record<string, number[]> {
  return {
    ...(f.digitSlots ? digitSlotShapes(f.digitSlots, dModel) : {}),
    ...(f.bagHead ? bagHeadShapes(f.bagHead, dModel) : {}),
    ...(f.localCheck ? localCheckShapes(f.localCheck, localCheckInputs(f.digitSlots!, vocabSize)) : {}),
  };
}

/** Embedding tables of the features (initialised as the token embeddings are). */
export const featureTables = (f: Features): readonly string[] => (f.digitSlots ? digitSlotTables : []);

/** Weights that start at zero. */
export const featureZeroInit = (f: Features): readonly string[] => (f.bagHead ? bagHeadZeroInit : []);

/** Dense weights of the features, kept as kernels by the inference path. */
export const featureDense = (f: Features): readonly string[] => [...(f.bagHead ? bagHeadDense : []), ...(f.localCheck ? localCheckDense : [])];

/** The per-token and per-row inputs the features read, added to a tokenized batch. */
export function annotateBatch(batch: TokenBatch, f: Features, vocabSize: number): void {
  if (f.digitSlots) annotateDigitSlots(batch, f.digitSlots);
  if (f.localCheck) annotateLocalCheck(batch, f.digitSlots!, vocabSize);
}

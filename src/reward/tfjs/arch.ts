/** The encoder's architecture: its config, weight shapes, deterministic init and validation (model.ts runs it). */
import * as tf from '@tensorflow/tfjs-core';
import seedrandom from 'seedrandom';
import { InvalidOptionError } from '../../core/errors.ts';

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
  /**
   * Digit place embeddings ("Abacus", McLeish et al. 2024): each digit byte also gets a learned vector for its
   * place in its number counted from the right (units, tens, …; places beyond this share the last), so digits of
   * equal significance line up across numbers, which arithmetic checks need. 0 or absent = off. Bytes only.
   */
  readonly places?: number;
  /**
   * With places: the embedding is per (number, place), where number counts the text's numbers from its end (in
   * "a + b = c", c is 1), capped at this; lets attention find "the units digit of the second-last number". 0 or
   * absent = one number slot.
   */
  readonly numbers?: number;
  /**
   * With places: the row is per (number, place, digit value), binding each digit to its slot in the token itself. With
   * place and digit added as separate vectors, a step's mean (and a uniform attention average) loses which digit
   * sat where, so only learned attention can bring "v's units digit" to "r's units digit", and that attention gets no
   * gradient until the check downstream exists: a plateau. Bound, even a uniform average carries the whole layout.
   */
  readonly bindDigits?: boolean;
  /**
   * Hidden units of a "bag" head: the text vector gets W2·relu(W1·norm(mean input embedding)) added; 0 or absent =
   * none. With bound digits the mean embedding holds the whole digit layout, and a wide ReLU layer on it reaches
   * checks that need several tokens at once: in the arith probes (benchmarks/README.md) AUC 0.82 after 4 epochs,
   * where the per-token FFN after attention stalls at 0.70. Its output layer starts at zero (see initParams).
   */
  readonly head?: number;
  /**
   * Hidden units of a "local check": a ReLU MLP from the step's own digits (bound rows, so it needs bindDigits) and
   * symbols, as counts, to a logit term of its own that is added to the GRU's; 0 or absent = none. It reads no
   * spaces, no "=" and no BOS, which every step shares: in the arith probes those constant inputs, and the paths
   * that compete for the same embeddings and logit (transformer, GRU), held the units digit of sums and differences
   * at chance together (benchmarks/README.md). It trains on its own loss, on steps whose prefix is labelled right
   * (train.ts), and nothing else. The text vector is then [d features | check logit], and the GRU reads the check
   * logit too, so its state can remember a failed check (every later step of a trajectory is then wrong).
   */
  readonly check?: number;
}

/** Width of encode()'s text vectors: dModel, plus the check logit's column. */
export const textWidth = (c: ArchConfig): number => c.dModel + (c.check ? 1 : 0);

/** Inputs of the local check: the digit rows, then one per token id. */
export const checkRows = (c: ArchConfig): number => placeRows(c) + c.vocabSize;

/** Rows of the digit embedding table: one per (number slot, place[, digit]). */
export const placeRows = (c: ArchConfig): number => (c.places ?? 0) * Math.max(1, c.numbers ?? 0) * (c.bindDigits ? 10 : 1);

export const defaultArch = (vocabSize: number): ArchConfig => ({
  encoder: 'transformer',
  vocabSize,
  dModel: 64,
  heads: 2,
  layers: 1,
  ffn: 128,
  hidden: 64,
  maxStepTokens: 256,
  maxProblemTokens: 512,
  patch: 4,
});

export type Params = Record<string, tf.Variable>;

/** Shapes of every weight, by name. io.ts checks loaded weights against this. */
export function paramShapes(c: ArchConfig): Record<string, number[]> {
  const d = c.dModel,
    H = c.hidden;
  const s: Record<string, number[]> = {
    embed: [c.vocabSize, d],
    pos: [(Math.ceil(Math.max(c.maxStepTokens, c.maxProblemTokens) / 8) * 8) / c.patch, d],
    'lnf.g': [d],
    'lnf.b': [d],
    'cond.w': [3 * d + (c.check ? 1 : 0), d],
    'cond.b': [d],
    'h0.w': [d, H],
    'h0.b': [H],
    'gru.w': [d, 3 * H],
    'gru.b': [3 * H],
    'gru.u': [H, 3 * H],
    'gru.ub': [3 * H],
    'out.w': [H, 1],
    'out.b': [1],
  };
  if (c.patch > 1) Object.assign(s, { 'patch.w': [c.patch * d, d], 'patch.b': [d] });
  if (c.places) s.place = [placeRows(c), d];
  if (c.head) Object.assign(s, { 'head.w1': [d, c.head], 'head.b1': [c.head], 'head.w2': [c.head, d], 'head.b2': [d] });
  if (c.check) Object.assign(s, { 'check.w1': [checkRows(c), c.check], 'check.b1': [c.check], 'check.w2': [c.check, 1], 'check.b2': [1] });
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
    else if (name === 'head.w2') {
      // zero: the head starts as a no-op and grows in, so it does not swamp the pooled vector at init
    } else if (shape.length === 2) {
      const rng = seedrandom(`${seed}/${name}`);
      const lim = name === 'embed' || name === 'pos' || name === 'place' ? 0.1 : Math.sqrt(6 / (shape[0]! + shape[1]!));
      for (let i = 0; i < size; i++) vals[i] = (rng() * 2 - 1) * lim;
    }
    const t = tf.tensor(vals, shape);
    out[name] = tf.variable(t, true); // shares t's data (ref-counted), so t itself can go
    t.dispose();
  }
  return out;
}

export const countParams = (p: Params): number => Object.values(p).reduce((a, v) => a + v.size, 0);

/** Problems with an architecture, as messages naming the field; io.ts turns them into ModelConfigErrors. */
export function archProblems(c: Record<string, unknown>): { field: string; detail: string }[] {
  const out: { field: string; detail: string }[] = [];
  if (c.encoder !== 'transformer') out.push({ field: 'encoder', detail: `expected "transformer", got ${JSON.stringify(c.encoder)}` });
  for (const k of ['vocabSize', 'dModel', 'heads', 'layers', 'ffn', 'hidden', 'maxStepTokens', 'maxProblemTokens'])
    if (!Number.isInteger(c[k]) || (c[k] as number) < 1) out.push({ field: k, detail: `expected an integer ≥ 1, got ${JSON.stringify(c[k])}` });
  if (c.bindDigits !== undefined && typeof c.bindDigits !== 'boolean')
    out.push({ field: 'bindDigits', detail: `expected true or false, got ${JSON.stringify(c.bindDigits)}` });
  if (c.bindDigits && !c.places) out.push({ field: 'bindDigits', detail: 'needs places (digit place embeddings) ≥ 1' });
  if (c.check && !c.bindDigits) out.push({ field: 'check', detail: 'needs bindDigits (and places)' });
  for (const k of ['places', 'numbers', 'head', 'check'])
    if (c[k] !== undefined && !(Number.isInteger(c[k]) && (c[k] as number) >= 0))
      out.push({ field: k, detail: `expected an integer ≥ 0, got ${JSON.stringify(c[k])}` });
  if (![1, 2, 4, 8].includes(c.patch as number)) out.push({ field: 'patch', detail: `expected 1, 2, 4 or 8, got ${JSON.stringify(c.patch)}` });
  if (out.length === 0 && (c.dModel as number) % (c.heads as number) !== 0)
    out.push({ field: 'heads', detail: `dModel (${c.dModel}) must be divisible by heads (${c.heads})` });
  return out;
}

export function validateArch(c: ArchConfig, option: string): void {
  const problems = archProblems(c as unknown as Record<string, unknown>);
  if (problems.length) throw new InvalidOptionError(`${option}.${problems[0]!.field}`, problems[0]!.detail);
}

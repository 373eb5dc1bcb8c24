/** The encoder's architecture: its config, weight shapes, deterministic init and validation (model.ts runs it). */
import * as tf from '@tensorflow/tfjs-core';
import seedrandom from 'seedrandom';
import { InvalidOptionError } from '../../core/errors.ts';
import { featureProblems, featureShapes, featureTables, featureZeroInit, type Features } from './features/index.ts';
import { KNOB_NAMES } from './features/knobs.ts';
import { localCheckInputs } from './features/local-check.ts';

export type { Features };

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
  /** Optional features, one module each (features/*.ts); {} = the plain encoder. */
  readonly features: Features;
}

/** Width of encode()'s text vectors: dModel, plus the local check's logit column. */
export const textWidth = (c: ArchConfig): number => c.dModel + (c.features.localCheck ? 1 : 0);

/** Inputs of the local check (features/local-check.ts); 0 without one. */
export const checkRows = (c: ArchConfig): number => (c.features.localCheck ? localCheckInputs(c.features.digitSlots!, c.vocabSize) : 0);

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
  features: {},
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
    'cond.w': [3 * d + (c.features.localCheck ? 1 : 0), d],
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
  Object.assign(s, featureShapes(c.features, d, c.vocabSize));
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
  const zero = new Set(featureZeroInit(c.features)); // e.g. the bag head's output layer: it starts as a no-op
  const tables = new Set(['embed', 'pos', ...featureTables(c.features)]);
  for (const [name, shape] of Object.entries(paramShapes(c))) {
    const size = shape.reduce((a, b) => a * b, 1);
    const vals = new Float32Array(size);
    const last = name.split('.').pop()!;
    if (last === 'g') vals.fill(1);
    else if (zero.has(name)) {
      // left at zero
    } else if (shape.length === 2) {
      const rng = seedrandom(`${seed}/${name}`);
      const lim = tables.has(name) ? 0.1 : Math.sqrt(6 / (shape[0]! + shape[1]!));
      for (let i = 0; i < size; i++) vals[i] = (rng() * 2 - 1) * lim;
    }
    const t = tf.tensor(vals, shape);
    out[name] = tf.variable(t, true); // shares t's data (ref-counted), so t itself can go
    t.dispose();
  }
  return out;
}

export const countParams = (p: Params): number => Object.values(p).reduce((a, v) => a + v.size, 0);

const CORE_FIELDS = ['encoder', 'vocabSize', 'dModel', 'heads', 'layers', 'ffn', 'hidden', 'maxStepTokens', 'maxProblemTokens', 'patch', 'features'];

/** Problems with an architecture, as messages naming the field; io.ts turns them into ModelConfigErrors. */
export function archProblems(c: Record<string, unknown>): { field: string; detail: string }[] {
  const out: { field: string; detail: string }[] = [];
  if (c.encoder !== 'transformer') out.push({ field: 'encoder', detail: `expected "transformer", got ${JSON.stringify(c.encoder)}` });
  for (const k of ['vocabSize', 'dModel', 'heads', 'layers', 'ffn', 'hidden', 'maxStepTokens', 'maxProblemTokens'])
    if (!Number.isInteger(c[k]) || (c[k] as number) < 1) out.push({ field: k, detail: `expected an integer ≥ 1, got ${JSON.stringify(c[k])}` });
  for (const k of Object.keys(c))
    if (!CORE_FIELDS.includes(k))
      out.push({
        field: k,
        detail: (KNOB_NAMES as readonly string[]).includes(k)
          ? 'is a version 1 knob: give features (features.digitSlots / bagHead / localCheck) instead'
          : `unknown field (known: ${CORE_FIELDS.join(', ')})`,
      });
  out.push(...featureProblems(c.features));
  if (![1, 2, 4, 8].includes(c.patch as number)) out.push({ field: 'patch', detail: `expected 1, 2, 4 or 8, got ${JSON.stringify(c.patch)}` });
  if (out.length === 0 && (c.dModel as number) % (c.heads as number) !== 0)
    out.push({ field: 'heads', detail: `dModel (${c.dModel}) must be divisible by heads (${c.heads})` });
  return out;
}

export function validateArch(c: ArchConfig, option: string): void {
  const problems = archProblems(c as unknown as Record<string, unknown>);
  if (problems.length) throw new InvalidOptionError(`${option}.${problems[0]!.field}`, problems[0]!.detail);
}

import * as tf from '@tensorflow/tfjs-core';
import seedrandom from 'seedrandom';
import { FormatError, InvalidOptionError } from '../../core/errors.ts';
import { checkField, opt } from '../../core/options.ts';
import { shuffle } from '../../core/shuffle.ts';
import { nodeBuiltin } from '../../core/optional.ts';
import { mm } from './layers.ts';
import type { PRMNet } from './model.ts';
import { textWidth } from './arch.ts';

/** One labelled trajectory. labels[i] ∈ [0, 1] is P(step i correct); null = unlabelled (no loss on it). */
export interface TrainExample {
  readonly problem: string;
  readonly steps: readonly string[];
  readonly labels: readonly (number | null)[];
}

export interface TrainProgress {
  readonly epoch: number;
  readonly epochs: number;
  readonly batch: number;
  readonly batches: number;
  readonly loss: number;
}

export interface EpochLog {
  readonly epoch: number;
  readonly trainLoss: number;
  /** null when there is no validation split. */
  readonly valLoss: number | null;
}

export interface TrainOptions {
  /** The network to train, in place (make it with createNet or loadNet). */
  readonly net: PRMNet;
  /** hard: labels thresholded at 0.5; soft: used as BCE targets as given. Default hard. */
  readonly labels?: 'hard' | 'soft';
  /** bce, or rank = BCE + rankWeight × a PQM-style ranking loss. Default bce. */
  readonly loss?: 'bce' | 'rank';
  /** Logit margin by which steps before the first error must beat steps from it on. Default 1. */
  readonly rankMargin?: number;
  readonly rankWeight?: number;
  /** Fraction of examples held out for validation (0 = none). Default 0.1. */
  readonly valSplit?: number;
  /** Stop after this many epochs without a better validation (or train, if no split) loss; best weights are restored. */
  readonly patience?: number;
  readonly seed?: number | string;
  readonly epochs?: number;
  readonly batchSize?: number;
  readonly lr?: number;
  readonly onProgress?: (p: TrainProgress) => void;
  readonly signal?: AbortSignal;
}

interface Batch {
  readonly problems: string[];
  /** The real steps only: padding slots are never encoded. */
  readonly steps: string[];
  /** [N·T, steps.length] one-hot: row n·T+t picks its step's vector; padding rows are zero. A matmul, not a
   *  gather, because the wasm backend has no gradient kernel for gather. */
  readonly select: Float32Array;
  readonly N: number;
  readonly T: number;
  readonly target: Float32Array;
  readonly weight: Float32Array;
  /** [N, T]: 1 on labelled steps whose earlier steps are all labelled right (the local check's loss). */
  readonly local: Float32Array;
  readonly pairs: Float32Array | null; // [N, T, T]: 1 where step i must outrank step j
}

/**
 * tfjs-core's Node bundle registers no gradients (the @tensorflow/tfjs union package normally does) and its ESM
 * dist uses directory imports Node's ESM loader rejects; loaded through require (tsx resolves them there), the
 * gradients land in tfjs's global registry, shared with the bundle we import.
 */
export function ensureGradients(): void {
  if (tf.getGradient('Add') !== undefined) return;
  const mod = nodeBuiltin<typeof import('node:module')>('node:module');
  if (!mod) throw new Error('training needs a runtime with require (Node, Bun or Deno) to load the tfjs gradients');
  mod.createRequire(import.meta.url)('@tensorflow/tfjs-core/dist/register_all_gradients.js');
}

/** Train `opts.net` on labelled trajectories; returns the per-epoch loss log. Deterministic for a given seed. */
export async function trainPRM(examples: readonly TrainExample[], opts: TrainOptions): Promise<EpochLog[]> {
  const o = validate(examples, opts);
  ensureGradients();
  const net = opts.net;
  const rng = seedrandom(`${o.seed}/split`);
  const order = shuffle(
    examples.map((_, i) => i),
    rng,
  );
  const nVal = o.valSplit > 0 ? Math.max(1, Math.round(examples.length * o.valSplit)) : 0;
  if (nVal >= examples.length) throw new InvalidOptionError('valSplit', `leaves no training examples (${examples.length} examples)`);
  const valIdx = order.slice(0, nVal),
    trainIdx = order.slice(nVal);
  const valBatches = chunk(valIdx, o.batchSize).map((ix) =>
    makeBatch(
      ix.map((i) => examples[i]!),
      o,
    ),
  );

  const wasTraining = net.training;
  net.training = true;
  const optimizer = tf.train.adam(o.lr);
  const vars = Object.values(net.params);
  const log: EpochLog[] = [];
  let best = Infinity,
    bestSnapshot: tf.Tensor[] | null = null,
    sinceBest = 0;
  try {
    for (let epoch = 1; epoch <= o.epochs; epoch++) {
      const batches = chunk(shuffle(trainIdx, seedrandom(`${o.seed}/shuffle/${epoch}`)), o.batchSize);
      let sum = 0,
        count = 0;
      for (let b = 0; b < batches.length; b++) {
        opts.signal?.throwIfAborted();
        const batch = makeBatch(
          batches[b]!.map((i) => examples[i]!),
          o,
        );
        const lossT = optimizer.minimize(() => lossOf(net, batch, o), true, vars)!;
        const loss = (await lossT.data())[0]!;
        lossT.dispose();
        sum += loss * batch.N;
        count += batch.N;
        opts.onProgress?.({ epoch, epochs: o.epochs, batch: b + 1, batches: batches.length, loss });
        await new Promise((r) => setImmediate(r)); // let a progress bar draw and an abort land
      }
      let valLoss: number | null = null;
      if (valBatches.length) {
        let vs = 0,
          vn = 0;
        for (const vb of valBatches) {
          const t = tf.tidy(() => lossOf(net, vb, o));
          vs += (await t.data())[0]! * vb.N;
          vn += vb.N;
          t.dispose();
        }
        valLoss = vs / vn;
      }
      log.push({ epoch, trainLoss: sum / count, valLoss });
      const monitored = valLoss ?? sum / count;
      if (monitored < best) {
        best = monitored;
        sinceBest = 0;
        bestSnapshot?.forEach((t) => t.dispose());
        bestSnapshot = vars.map((v) => tf.clone(v));
      } else if (++sinceBest >= o.patience) break;
    }
    if (bestSnapshot && o.patience !== Infinity) vars.forEach((v, i) => v.assign(bestSnapshot![i]!));
  } finally {
    bestSnapshot?.forEach((t) => t.dispose());
    optimizer.dispose();
    net.training = wasTraining;
  }
  return log;
}

type Resolved = Required<Omit<TrainOptions, 'onProgress' | 'signal' | 'net'>>;

/** Scalar loss for one batch: masked BCE (+ ranking term). Runs inside minimize / tidy. */
function lossOf(net: PRMNet, b: Batch, o: Resolved): tf.Scalar {
  const p = net.encode(net.tokenize(b.problems, net.config.maxProblemTokens));
  // Padding slots (past a trajectory's end) come after its real steps, so the causal GRU never lets them touch a
  // real step's logit, and their weight is 0: they get zero vectors instead of an encoding of ''.
  const slots = b.steps.length
    ? (mm(tf.tensor2d(b.select, [b.N * b.T, b.steps.length]), net.encode(net.tokenize(b.steps, net.config.maxStepTokens))) as tf.Tensor2D)
    : tf.zeros<tf.Rank.R2>([b.N * b.T, textWidth(net.config)]); // a batch of step-less examples
  const { logits } = net.runChains(p, slots, b.N, b.T);
  const z = tf.tensor2d(b.target, [b.N, b.T]),
    w = tf.tensor2d(b.weight, [b.N, b.T]);
  let loss = tf.div(tf.sum(tf.mul(bceWithLogits(logits, z), w)), Math.max(1, sumOf(b.weight))) as tf.Scalar;
  if (net.config.features.localCheck) {
    // the local check's own loss, on steps whose prefix is labelled right: there a step's label is its local verdict
    const d = net.config.dModel,
      c = tf.reshape(tf.slice(slots, [0, d], [b.N * b.T, 1]), [b.N, b.T]);
    loss = tf.add(loss, tf.div(tf.sum(tf.mul(bceWithLogits(c, z), tf.tensor2d(b.local, [b.N, b.T]))), Math.max(1, sumOf(b.local)))) as tf.Scalar;
  }
  if (o.loss === 'rank' && b.pairs) {
    const diff = tf.sub(tf.expandDims(logits, 2), tf.expandDims(logits, 1)); // [N,T,T]: logit_i − logit_j
    const hinge = tf.relu(tf.sub(o.rankMargin, diff));
    const rank = tf.div(tf.sum(tf.mul(hinge, tf.tensor3d(b.pairs, [b.N, b.T, b.T]))), Math.max(1, sumOf(b.pairs)));
    loss = tf.add(loss, tf.mul(rank, o.rankWeight)) as tf.Scalar;
  }
  return loss;
}

/** Stable BCE with logits, elementwise: max(x,0) − x·z + log(1 + e^−|x|). */
export const bceWithLogits = (x: tf.Tensor, z: tf.Tensor): tf.Tensor => tf.add(tf.sub(tf.relu(x), tf.mul(x, z)), tf.log1p(tf.exp(tf.neg(tf.abs(x)))));

function makeBatch(exs: readonly TrainExample[], o: Resolved): Batch {
  const N = exs.length,
    T = Math.max(1, ...exs.map((e) => e.steps.length));
  const steps: string[] = [];
  const R = exs.reduce((a, e) => a + e.steps.length, 0);
  const select = new Float32Array(N * T * R);
  const target = new Float32Array(N * T),
    weight = new Float32Array(N * T),
    local = new Float32Array(N * T);
  const pairs = o.loss === 'rank' ? new Float32Array(N * T * T) : null;
  exs.forEach((e, n) => {
    let prefixRight = true; // every labelled step before t is labelled right: there step t's label is a local verdict
    for (let t = 0; t < T; t++) {
      if (t < e.steps.length) {
        select[(n * T + t) * R + steps.length] = 1;
        steps.push(e.steps[t]!);
      }
      const l = e.labels[t];
      if (t < e.steps.length && l !== null && l !== undefined) {
        target[n * T + t] = o.labels === 'hard' ? (l >= 0.5 ? 1 : 0) : l;
        weight[n * T + t] = 1;
        local[n * T + t] = prefixRight ? 1 : 0;
        if (l < 0.5) prefixRight = false;
      }
    }
    if (pairs) {
      // PQM-style: once a step is wrong the trajectory is wrong, so every labelled-correct step before the first
      // error should outscore every step from the first error on.
      const firstErr = e.labels.findIndex((l) => l !== null && l < 0.5);
      if (firstErr < 0) return;
      for (let i = 0; i < firstErr; i++) {
        if (e.labels[i] === null) continue;
        for (let j = firstErr; j < e.steps.length; j++) pairs[(n * T + i) * T + j] = 1;
      }
    }
  });
  return { problems: exs.map((e) => e.problem), steps, select, N, T, target, weight, local, pairs };
}

function validate(examples: readonly TrainExample[], opts: TrainOptions): Resolved {
  if (!opts || typeof opts.net !== 'object') throw new InvalidOptionError('net', 'trainPRM needs the network to train (createNet() or loadNet())');
  if (!Array.isArray(examples) || examples.length === 0) throw new InvalidOptionError('examples', 'expected a non-empty array');
  examples.forEach((e, i) => {
    if (typeof e?.problem !== 'string') throw new FormatError(`examples[${i}].problem`, 'expected a string');
    if (!Array.isArray(e.steps) || !e.steps.every((s: unknown) => typeof s === 'string'))
      throw new FormatError(`examples[${i}].steps`, 'expected an array of strings');
    if (!Array.isArray(e.labels) || e.labels.length !== e.steps.length)
      throw new FormatError(
        `examples[${i}].labels`,
        `expected ${e.steps.length} labels (one per step), got ${Array.isArray(e.labels) ? e.labels.length : typeof e.labels}`,
      );
    e.labels.forEach((l: unknown, j: number) => {
      if (l !== null && !(typeof l === 'number' && l >= 0 && l <= 1))
        throw new FormatError(`examples[${i}].labels[${j}]`, `expected a number in [0, 1] or null, got ${JSON.stringify(l)}`);
    });
  });
  const r: Resolved = {
    labels: opts.labels ?? 'hard',
    loss: opts.loss ?? 'bce',
    rankMargin: opts.rankMargin ?? 1,
    rankWeight: opts.rankWeight ?? 1,
    valSplit: opts.valSplit ?? 0.1,
    patience: opts.patience ?? Infinity,
    seed: opts.seed ?? 0,
    epochs: opts.epochs ?? 10,
    batchSize: opts.batchSize ?? 16,
    lr: opts.lr ?? 1e-3,
  };
  checkField('labels', r.labels, opt.choice(['hard', 'soft']));
  checkField('loss', r.loss, opt.choice(['bce', 'rank']));
  if (!(r.valSplit >= 0 && r.valSplit < 1)) throw new InvalidOptionError('valSplit', 'expected a fraction in [0, 1)');
  for (const k of ['epochs', 'batchSize'] as const) checkField(k, r[k], opt.int({ min: 1 }));
  if (!(r.patience >= 1)) throw new InvalidOptionError('patience', 'expected a number ≥ 1 (Infinity: no early stop)');
  for (const k of ['lr', 'rankWeight'] as const) checkField(k, r[k], opt.number({ above: 0 }));
  checkField('rankMargin', r.rankMargin, opt.number({ min: 0 }));
  return r;
}

const sumOf = (a: Float32Array): number => a.reduce((s, v) => s + v, 0);
const chunk = <T>(a: readonly T[], n: number): T[][] => Array.from({ length: Math.ceil(a.length / n) }, (_, i) => a.slice(i * n, (i + 1) * n));

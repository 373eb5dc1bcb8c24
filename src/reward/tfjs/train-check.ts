/**
 * Train only a model's local check (features/local-check.ts) on isolated labelled steps. The check reads fixed counts of
 * the step's own tokens (batch.ts checkCounts) and learns from its own loss only (train.ts), so it is a standalone
 * MLP: it can be trained on many more slip examples than labelled trajectories give, in minutes, without touching
 * the encoder or the GRU. In the arith probes (benchmarks/README.md) this is what moved tens-digit slips.
 */
import * as tf from '@tensorflow/tfjs-core';
import seedrandom from 'seedrandom';
import { InvalidOptionError } from '../../core/errors.ts';
import { checkField, opt } from '../../core/options.ts';
import { shuffle } from '../../core/shuffle.ts';
import { checkRows } from './arch.ts';
import { localCheckWeights } from './features/local-check.ts';
import { denseTrain } from './layers.ts';
import type { PRMNet } from './model.ts';
import { ensureGradients, bceWithLogits } from './train.ts';

/** One isolated step and whether it is locally right (its prefix taken as right). */
export interface LocalExample {
  readonly step: string;
  readonly label: 0 | 1;
}

export interface TrainCheckOptions {
  readonly epochs?: number;
  readonly batchSize?: number;
  readonly lr?: number;
  readonly seed?: number | string;
  readonly onProgress?: (p: { epoch: number; epochs: number; batch: number; batches: number; loss: number }) => void;
}

/** Trains net's check.* weights in place on `examples`; returns the mean loss per epoch. Deterministic for a seed. */
export async function trainCheck(net: PRMNet, examples: readonly LocalExample[], opts: TrainCheckOptions = {}): Promise<number[]> {
  const c = net.config;
  if (!c.features.localCheck) throw new InvalidOptionError('check', 'the model has no local check (architecture.features.localCheck)');
  if (!examples.length) throw new InvalidOptionError('examples', 'expected a non-empty array of local examples');
  const epochs = opts.epochs ?? 1,
    batchSize = opts.batchSize ?? 64,
    lr = opts.lr ?? 1e-3,
    seed = opts.seed ?? 0;
  checkField('epochs', epochs, opt.int({ min: 1 }));
  checkField('batchSize', batchSize, opt.int({ min: 1 }));
  checkField('lr', lr, opt.number({ above: 0 }));
  ensureGradients();
  const vars = localCheckWeights.map((n) => net.params[n]!);
  const rows = checkRows(c);
  const optimizer = tf.train.adam(lr);
  const log: number[] = [];
  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const order = shuffle(
        examples.map((_, i) => i),
        seedrandom(`${seed}/check/${epoch}`),
      );
      const batches = Math.ceil(order.length / batchSize);
      let sum = 0;
      for (let b = 0; b < batches; b++) {
        const ex = order.slice(b * batchSize, (b + 1) * batchSize).map((i) => examples[i]!);
        const counts = net.tokenize(
          ex.map((e) => e.step),
          c.maxStepTokens,
        ).check!;
        const lossT = optimizer.minimize(
          () => {
            const x = tf.tensor2d(counts, [ex.length, rows]);
            const h = denseTrain(x, vars[0]!, vars[1]!, 'relu');
            const logit = denseTrain(h, vars[2]!, vars[3]!);
            const z = tf.tensor2d(
              ex.map((e) => e.label),
              [ex.length, 1],
            );
            return tf.mean(bceWithLogits(logit, z)) as tf.Scalar;
          },
          true,
          vars,
        )!;
        const loss = (await lossT.data())[0]!;
        lossT.dispose();
        sum += loss;
        opts.onProgress?.({ epoch, epochs, batch: b + 1, batches, loss });
      }
      log.push(sum / batches);
    }
  } finally {
    optimizer.dispose();
  }
  return log;
}

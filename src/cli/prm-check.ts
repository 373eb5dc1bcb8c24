/** `steptree prm train-check`: retrain a saved model's local check on exact, slip-rich local examples of a task. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidOptionError } from '../core/errors.ts';
import { backendPrefs, loadNet, saveNet, selectBackend } from '../reward/tfjs/index.ts';
import { trainCheck } from '../reward/tfjs/train-check.ts';
import { arithLocalExamples } from '../training/arith-local.ts';
import { choice, inputFile, number, outputFolder, parseFlags } from './args.ts';
import { progressBar } from './progress.ts';

export const TRAIN_CHECK_HELP = `steptree prm train-check --init DIR --task arith --out DIR [--examples n] [--tens-share f]
                   [--epochs n] [--batch-size n] [--lr x] [--seed n] [--backend b]
                   (trains only the model's local check, on exact isolated steps: half right, half slips)`;

export async function trainCheckCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, {
    init: { type: 'string' },
    task: { type: 'string' },
    out: { type: 'string' },
    examples: { type: 'string' },
    'tens-share': { type: 'string' },
    epochs: { type: 'string' },
    'batch-size': { type: 'string' },
    lr: { type: 'string' },
    seed: { type: 'string' },
    backend: { type: 'string' },
  });
  if (typeof values.init !== 'string') throw new InvalidOptionError('--init', 'is required (the model whose check to train)');
  inputFile('init', join(values.init, 'config.json'));
  if (values.task !== 'arith') throw new InvalidOptionError('--task', `only arith has exact local examples, got ${JSON.stringify(values.task)}`);
  if (typeof values.out !== 'string') throw new InvalidOptionError('--out', 'is required');
  const out = outputFolder('out', values.out);
  const seed = number('seed', values.seed, true, { min: 0 }) ?? 0;
  const count = number('examples', values.examples, true, { min: 2 }) ?? 1_024_000;
  const tensShare = number('tens-share', values['tens-share'], false, { min: 0, max: 1 }) ?? 0.5;
  const opts = {
    epochs: number('epochs', values.epochs, true, { min: 1 }) ?? 1,
    batchSize: number('batch-size', values['batch-size'], true, { min: 1 }) ?? 64,
    lr: number('lr', values.lr, false, { above: 0 }) ?? 1e-3,
    seed,
  };
  const backend = await selectBackend(choice('backend', values.backend, backendPrefs, 'wasm'));
  const net = await loadNet(values.init);
  const examples = arithLocalExamples({ count, seed, tensShare });
  const bar = progressBar('train-check');
  const t0 = Date.now();
  const log = await trainCheck(net, examples, {
    ...opts,
    onProgress: (p) => bar.update(p.batch, p.batches, `epoch ${p.epoch}/${p.epochs} loss ${p.loss.toFixed(4)}`),
  });
  bar.end();
  mkdirSync(out, { recursive: true });
  const checkTraining = { task: 'arith', examples: count, tensShare, ...opts, backend, trainMs: Date.now() - t0, loss: log };
  // the model's own training record stays, with this step added
  const meta = (JSON.parse(readFileSync(join(values.init, 'config.json'), 'utf8')) as { meta?: Record<string, unknown> }).meta ?? {};
  await saveNet(net, out, { ...meta, checkTraining });
  writeFileSync(join(out, 'check-loss.json'), JSON.stringify(log) + '\n');
  console.log(JSON.stringify({ out, checkTraining }));
  net.dispose();
  return 0;
}

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import seedrandom from 'seedrandom';
import { FormatError, InvalidOptionError, ModelConfigError } from '../core/errors.ts';
import { dataFormats, loadExamples, writeSteptreeJsonl, type DataFormat, type Example } from '../training/data/index.ts';
import { chooseThreshold, evaluateProcessBench, stepAuc, toScoredSamples } from '../training/eval.ts';
import { monteCarloLabels } from '../training/label.ts';
import { scoreTrajectories } from '../training/score-examples.ts';
import { backendPrefs, createNet, loadNet, saveNet, selectBackend, TfjsPRM, trainPRM, type BackendPref } from '../reward/tfjs/index.ts';
import { archWithFeatures } from '../reward/tfjs/features/knobs.ts';
import type { PRM } from '../reward/types.ts';
import { loadPRM, prmKinds } from '../reward/registry.ts';
import { stepFormats } from '../reward/formats.ts';
import { arithProblem, ArithPolicy, gradeArith } from '../tasks/arith.ts';
import { choice, inputFile, number, outputFile, outputFolder, parseFlags } from './args.ts';
import { progressBar } from './progress.ts';
import { TRAIN_CHECK_HELP, trainCheckCommand } from './prm-check.ts';

/** The shipped default model, trained by `npm run train:arith-prm`. */
export const DEFAULT_MODEL = join(dirname(fileURLToPath(import.meta.url)), '../../models/arith-prm');

const HELP = `steptree prm info  [--model DIR | --prm SPEC] [--backend auto|tensorflow|webgpu|wasm|cpu]
steptree prm score --prm SPEC --problem TEXT --steps FILE (a JSON array of step strings) [--json] [--backend b]
                   (one probability per step, one per line; --json: one JSON array)
steptree prm label --task arith --policy arith-sim [--error-rate p] --rollouts k [--estimate hard|soft]
                   [--problems n] [--samples s] [--branch b (siblings per step)] [--length L] [--seed n] --out FILE
steptree prm train --data FILE... --format ${dataFormats.join('|')} --out DIR
                   [--labels hard|soft] [--loss bce|rank] [--val-split f] [--calibration-split f] [--patience n]
                   [--epochs n] [--batch-size n] [--lr x] [--seed n] [--backend b] [--neutral 0|0.5|1]
                   [--prmbench-originals] [--d-model n] [--layers n] [--heads n] [--hidden n] [--ffn n] [--patch n]
                   [--max-step-tokens n] [--max-problem-tokens n] [--places n] [--numbers n] [--bind-digits] [--head n] [--check n]
                   [--init DIR (continue a model)]
${TRAIN_CHECK_HELP}
steptree prm eval  (--model DIR | --prm SPEC) --data FILE --format processbench [--threshold t | --calibration FILE [--calibration-format F]]
                   [--backend b] [--json]
The threshold for eval is --threshold, or chosen on --calibration, or the one train chose on its held-out split.
SPEC is any --prm kind: ${Object.keys(prmKinds).join(', ')} (e.g. hf:DIR, http:URL with --prm-model, tfjs:DIR);
--prm-format names the step format (${Object.keys(stepFormats).join(', ')}), --prm-model the served model.`;

export async function loadPRMForSolve(dir: string | undefined): Promise<PRM> {
  return TfjsPRM.load(dir ?? DEFAULT_MODEL);
}

export async function prmCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'info') return info(rest);
  if (sub === 'label') return label(rest);
  if (sub === 'train') return train(rest);
  if (sub === 'train-check') return trainCheckCommand(rest);
  if (sub === 'eval') return evaluate(rest);
  if (sub === 'score') return scoreSteps(rest);
  console.log(HELP);
  return sub === undefined || sub === '--help' ? 0 : 2;
}

const args = parseFlags;
const need = (v: unknown, flag: string): string => {
  if (typeof v !== 'string' || !v) throw new InvalidOptionError(`--${flag}`, 'is required');
  return v;
};
const backendOf = (v: unknown): BackendPref => choice('backend', v, backendPrefs, 'auto');
function formatOf(v: unknown, flag = 'format'): DataFormat {
  if (v === undefined) throw new InvalidOptionError(`--${flag}`, `is required (one of ${dataFormats.join(', ')})`);
  return choice(flag, v, dataFormats, dataFormats[0]!);
}
function savedMeta(dir: string): Record<string, unknown> {
  const f = join(dir, 'config.json');
  if (!existsSync(f)) throw new ModelConfigError(f, 'no model here (config.json missing)');
  return (JSON.parse(readFileSync(f, 'utf8')) as { meta?: Record<string, unknown> }).meta ?? {};
}

/** Flags every `--prm SPEC` command shares. */
const PRM_FLAGS = { prm: { type: 'string' }, 'prm-format': { type: 'string' }, 'prm-model': { type: 'string' } } as const;

function prmFrom(values: Record<string, unknown>): Promise<PRM> {
  return loadPRM(need(values.prm, 'prm'), {
    seed: 0,
    format: values['prm-format'] as string | undefined,
    model: values['prm-model'] as string | undefined,
    backend: backendOf(values.backend),
  });
}

async function info(argv: string[]): Promise<number> {
  const { values } = args(argv, { model: { type: 'string' }, backend: { type: 'string' }, ...PRM_FLAGS });
  if (values.prm !== undefined) {
    if (values.model !== undefined) throw new InvalidOptionError('--model', 'give --model DIR or --prm SPEC, not both');
    console.log(JSON.stringify((await prmFrom(values)).info?.() ?? {}, null, 2));
    return 0;
  }
  const dir = (values.model as string | undefined) ?? DEFAULT_MODEL;
  const prm = await TfjsPRM.load(dir, { backend: backendOf(values.backend) });
  console.log(JSON.stringify({ ...prm.info(), meta: savedMeta(dir) }, null, 2));
  return 0;
}

async function label(argv: string[]): Promise<number> {
  const { values } = args(argv, {
    task: { type: 'string' },
    policy: { type: 'string' },
    'error-rate': { type: 'string' },
    rollouts: { type: 'string' },
    estimate: { type: 'string' },
    problems: { type: 'string' },
    samples: { type: 'string' },
    length: { type: 'string' },
    seed: { type: 'string' },
    out: { type: 'string' },
    branch: { type: 'string' },
  });
  if ((values.task ?? 'arith') !== 'arith') throw new InvalidOptionError('--task', `only arith can be labelled offline, got ${JSON.stringify(values.task)}`);
  if ((values.policy ?? 'arith-sim') !== 'arith-sim') throw new InvalidOptionError('--policy', `expected arith-sim, got ${JSON.stringify(values.policy)}`);
  const out = outputFile('out', need(values.out, 'out'), true);
  const n = number('problems', values.problems, true, { min: 1 }) ?? 200;
  const seed = number('seed', values.seed, true, { min: 0 }) ?? 0;
  const estimate = choice('estimate', values.estimate, ['hard', 'soft'], 'hard');
  const policy = new ArithPolicy({ errorRate: number('error-rate', values['error-rate'], false, { min: 0, max: 1 }) ?? 0.15, seed });
  const bar = progressBar('label');
  const examples: Example[] = [];
  for (let i = 0; i < n; i++) {
    // problems are numbered from seed·1e6 so label sets for different seeds never share a problem
    const problem = arithProblem(seed * 1_000_000 + i, { length: number('length', values.length, true, { min: 1 }) ?? 10 });
    const ex = await monteCarloLabels(problem, policy, {
      rollouts: number('rollouts', values.rollouts, true, { min: 1 }) ?? 16,
      samples: number('samples', values.samples, true, { min: 1 }) ?? 1,
      branch: number('branch', values.branch, true, { min: 0 }) ?? 0,
      grade: gradeArith,
      seed: `${seed}/${i}`,
      estimate,
    });
    examples.push(...ex);
    bar.update(i + 1, n);
  }
  bar.end();
  mkdirSync(dirname(out), { recursive: true });
  const written = await writeSteptreeJsonl(out, examples);
  console.log(`wrote ${written} labelled trajectories to ${out}`);
  return 0;
}

/** Splits by problem text, so no problem is in both parts. */
function splitByProblem(ex: readonly Example[], frac: number, seed: string): [Example[], Example[]] {
  const problems = [...new Set(ex.map((e) => e.problem))];
  const rng = seedrandom(`split/${seed}`);
  const held = new Set(problems.filter(() => rng() < frac));
  return [ex.filter((e) => !held.has(e.problem)), ex.filter((e) => held.has(e.problem))];
}

async function train(argv: string[]): Promise<number> {
  const { values, positionals } = args(argv, {
    data: { type: 'string', multiple: true },
    format: { type: 'string' },
    out: { type: 'string' },
    labels: { type: 'string' },
    loss: { type: 'string' },
    'val-split': { type: 'string' },
    'calibration-split': { type: 'string' },
    patience: { type: 'string' },
    epochs: { type: 'string' },
    'batch-size': { type: 'string' },
    lr: { type: 'string' },
    seed: { type: 'string' },
    backend: { type: 'string' },
    neutral: { type: 'string' },
    'prmbench-originals': { type: 'boolean' },
    'd-model': { type: 'string' },
    layers: { type: 'string' },
    heads: { type: 'string' },
    hidden: { type: 'string' },
    'max-step-tokens': { type: 'string' },
    'max-problem-tokens': { type: 'string' },
    patch: { type: 'string' },
    ffn: { type: 'string' },
    places: { type: 'string' },
    numbers: { type: 'string' },
    'bind-digits': { type: 'boolean' },
    head: { type: 'string' },
    check: { type: 'string' },
    init: { type: 'string' },
  });
  const files = [...((values.data as string[] | undefined) ?? []), ...positionals];
  if (!files.length) throw new InvalidOptionError('--data', 'give at least one data file');
  files.forEach((f) => inputFile('data', f));
  const format = formatOf(values.format);
  const out = outputFolder('out', need(values.out, 'out'));
  const seed = number('seed', values.seed, true, { min: 0 }) ?? 0;
  const neutral = number('neutral', values.neutral) as 0 | 0.5 | 1 | undefined;
  if (neutral !== undefined && ![0, 0.5, 1].includes(neutral)) throw new InvalidOptionError('--neutral', `expected 0, 0.5 or 1, got ${neutral}`);
  // every number is checked before any data is read
  const numeric = {
    labels: choice('labels', values.labels, ['hard', 'soft'], 'hard'),
    loss: choice('loss', values.loss, ['bce', 'rank'], 'bce'),
    valSplit: number('val-split', values['val-split'], false, { min: 0, max: 0.9 }) ?? 0.1,
    patience: number('patience', values.patience, true, { min: 1 }),
    epochs: number('epochs', values.epochs, true, { min: 1 }),
    batchSize: number('batch-size', values['batch-size'], true, { min: 1 }),
    lr: number('lr', values.lr, false, { above: 0 }),
  };
  const calibrationSplit = number('calibration-split', values['calibration-split'], false, { min: 0, max: 0.9 }) ?? 0.1;
  const backend = await selectBackend(backendOf(values.backend));
  const { examples, warnings } = await loadExamples(files, format, { neutral, prmbenchOriginals: Boolean(values['prmbench-originals']) });
  const [trainSet, calib] = splitByProblem(examples, calibrationSplit, String(seed));
  const archFlags = (
    [
      ['dModel', 'd-model'],
      ['layers', 'layers'],
      ['heads', 'heads'],
      ['hidden', 'hidden'],
      ['maxStepTokens', 'max-step-tokens'],
      ['maxProblemTokens', 'max-problem-tokens'],
      ['patch', 'patch'],
      ['ffn', 'ffn'],
      ['places', 'places'],
      ['numbers', 'numbers'],
      ['head', 'head'],
      ['check', 'check'],
      ['bindDigits', 'bind-digits'],
    ] as const
  ).filter(([, f]) => values[f] !== undefined);
  // the features' flat knobs (--places … --check) take 0 for off; every other size is ≥ 1
  const knob = new Set(['places', 'numbers', 'head', 'check']);
  const flat = Object.fromEntries(archFlags.map(([k, f]) => [k, f === 'bind-digits' ? true : number(f, values[f], true, { min: knob.has(f) ? 0 : 1 })]));
  const arch = archWithFeatures(flat);
  // --init continues training a saved model (its architecture and tokenizer come with it)
  const init = values.init as string | undefined;
  if (init && archFlags.length)
    throw new InvalidOptionError('--init', `the architecture comes from ${init}; drop --${archFlags.map(([, f]) => f).join(', --')}`);
  const net = init ? await loadNet(init) : createNet({ arch, seed });
  const before = init ? savedMeta(init) : null;
  console.error(`backend ${backend}; ${trainSet.length} training / ${calib.length} calibration trajectories; warnings ${JSON.stringify(warnings)}`);
  const bar = progressBar('train');
  const t0 = Date.now();
  const log = await trainPRM(trainSet, {
    net,
    seed,
    ...numeric,
    onProgress: (p) => bar.update(p.batch, p.batches, `epoch ${p.epoch}/${p.epochs} loss ${p.loss.toFixed(4)}`),
  });
  bar.end();
  // choose the ProcessBench threshold, and measure step AUC, on the held-out calibration split
  const prm = new TfjsPRM(net, { problemCacheSize: 1 << 16 });
  const scores = await scoreTrajectories(prm, calib);
  const calibration = calibrate(calib, scores);
  mkdirSync(out, { recursive: true });
  await saveNet(net, out, {
    trainedOn: files,
    format,
    seed,
    epochs: log.length,
    trainMs: Date.now() - t0,
    backend,
    calibration,
    ...(init ? { init: { from: init, meta: before } } : {}),
  });
  writeFileSync(join(out, 'loss-log.jsonl'), log.map((l) => JSON.stringify(l)).join('\n') + '\n');
  console.log(JSON.stringify({ out, epochs: log.length, last: log[log.length - 1], calibration }));
  return 0;
}

/** Threshold and step AUC on the held-out split; a split too small for either says so instead of failing the run. */
function calibrate(calib: Example[], scores: number[][]) {
  if (!calib.length) return null;
  const out: Record<string, unknown> = { trajectories: calib.length, stepAuc: stepAuc(calib, scores) };
  try {
    Object.assign(out, chooseThreshold(toScoredSamples(calib, scores)));
  } catch (e) {
    out.threshold = null;
    out.note = (e as Error).message;
  }
  return out;
}

/** `prm score`: P(correct) of each step of one solution, each step scored after its prefix (as a search would). */
async function scoreSteps(argv: string[]): Promise<number> {
  const { values } = args(argv, {
    ...PRM_FLAGS,
    problem: { type: 'string' },
    steps: { type: 'string' },
    json: { type: 'boolean' },
    backend: { type: 'string' },
  });
  const problem = need(values.problem, 'problem');
  const file = need(values.steps, 'steps');
  let steps: unknown;
  try {
    steps = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new FormatError(file, `expected a JSON array of step strings: ${(e as Error).message}`);
  }
  if (!Array.isArray(steps) || !steps.length || !steps.every((x) => typeof x === 'string'))
    throw new FormatError(file, 'expected a non-empty JSON array of step strings');
  const prm = await prmFrom(values);
  const [scores] = await scoreTrajectories(prm, [{ id: 'cli', problem, steps: steps as string[] }]);
  console.log(values.json ? JSON.stringify(scores) : scores!.join('\n'));
  return 0;
}

async function evaluate(argv: string[]): Promise<number> {
  const { values } = args(argv, {
    ...PRM_FLAGS,
    model: { type: 'string' },
    data: { type: 'string' },
    format: { type: 'string' },
    threshold: { type: 'string' },
    calibration: { type: 'string' },
    'calibration-format': { type: 'string' },
    backend: { type: 'string' },
    json: { type: 'boolean' },
    seed: { type: 'string' },
  });
  if (values.prm !== undefined && values.model !== undefined) throw new InvalidOptionError('--model', 'give --model DIR or --prm SPEC, not both');
  const spec = values.prm as string | undefined;
  const dir = (values.model as string | undefined) ?? DEFAULT_MODEL;
  const data = inputFile('data', need(values.data, 'data'));
  if (values.calibration !== undefined) inputFile('calibration', values.calibration);
  if (formatOf(values.format ?? 'processbench') !== 'processbench')
    throw new InvalidOptionError('--format', 'eval reports ProcessBench metrics: the test file must be in processbench format');
  if (values.calibration && values.calibration === data) throw new InvalidOptionError('--calibration', 'must not be the test file');
  let prm: PRM;
  if (spec !== undefined) prm = await prmFrom(values);
  else {
    await selectBackend(backendOf(values.backend));
    prm = new TfjsPRM(await loadNet(dir), { modelPath: dir, problemCacheSize: 1 << 16 });
  }
  const { examples: test } = await loadExamples(data, 'processbench');
  const scored = toScoredSamples(test, await scoreTrajectories(prm, test));
  let threshold = number('threshold', values.threshold, false, { min: 0, max: 1 });
  let calibration;
  if (threshold === undefined && values.calibration) {
    const { examples } = await loadExamples(values.calibration as string, formatOf(values['calibration-format'] ?? 'processbench', 'calibration-format'));
    calibration = toScoredSamples(examples, await scoreTrajectories(prm, examples));
  } else if (threshold === undefined) {
    if (spec !== undefined) throw new InvalidOptionError('--threshold', `${spec} carries no calibrated threshold: give --threshold or --calibration`);
    const t = (savedMeta(dir).calibration as { threshold?: number } | null)?.threshold;
    if (typeof t !== 'number') throw new InvalidOptionError('--threshold', `the model has no calibrated threshold: give --threshold or --calibration`);
    threshold = t;
  }
  const report = evaluateProcessBench(scored, { threshold, calibration, seed: (values.seed as string | undefined) ?? '0' });
  if (values.json) console.log(JSON.stringify({ data, model: spec ?? dir, ...report }));
  else {
    const row = (name: string, m: { errorAcc: number; correctAcc: number; f1: number }) =>
      `| ${name} | ${(100 * m.errorAcc).toFixed(1)} | ${(100 * m.correctAcc).toFixed(1)} | ${(100 * m.f1).toFixed(1)} |`;
    console.log(
      `${data}: ${test.length} samples, threshold ${report.threshold.toFixed(4)} (${threshold === undefined ? 'chosen on --calibration' : values.threshold ? 'given' : 'calibrated at training'}), step AUC ${report.stepAuc.toFixed(3)}\n`,
    );
    console.log('| | error acc % | correct acc % | F1 % |\n|---|---:|---:|---:|');
    console.log([row('model', report.metrics), row('all correct', report.baselines.allCorrect), row('random', report.baselines.random)].join('\n'));
  }
  return 0;
}

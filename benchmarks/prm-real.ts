/**
 * A tfjs PRM trained on real data, evaluated on ProcessBench (test only), next to the trivial baselines.
 *
 * Train: PRMBench (all 24 files, plus the error-free `original_process` of the `redundency` rows) + PRM800K
 * phase-1 critic rows. Calibration: a split of PRMBench *problems* (no problem, or PRMBench source item, is shared
 * with training); the ProcessBench threshold τ is chosen there, never on a test file. Test: the four ProcessBench
 * files. Training examples whose problem text appears in any ProcessBench file are dropped (--keep-overlap keeps them).
 *
 * Run:  npx tsx benchmarks/prm-real.ts [--data ../shared/data] [--out out/real-prm] [--epochs 3] [--max-examples 4500]
 *         [--arch '{"dModel":32,…}'] [--seed 1] [--train-minutes 20] [--json]
 * See benchmarks/README.md (PRM trained on real data) for the flags of a longer run and the figures.
 */
import { shuffle } from '../src/core/shuffle.ts';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import seedrandom from 'seedrandom';
import { loadExamples, labelCounts, type Example, type LoadWarnings } from '../src/training/data/index.ts';
import {
  allCorrectBaseline,
  chooseThreshold,
  evaluateProcessBench,
  firstErrorIndex,
  processBenchMetrics,
  stepAuc,
  toScoredSamples,
  type ProcessBenchMetrics,
  type ScoredSample,
} from '../src/training/eval.ts';
import { createNet, loadNet, PRMNet, saveNet, selectBackend, trainPRM, type ArchConfig, type TrainExample } from '../src/reward/tfjs/index.ts';
import { countParams } from '../src/reward/tfjs/arch.ts';
import { dropExcluded, readExcludedProblems } from '../src/experiments/exclude.ts';

// ---------- flags ----------
const argv = process.argv.slice(2);
function flag(name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const v = argv[i + 1];
  if (v === undefined || v.startsWith('--')) throw new Error(`--${name} needs a value`);
  return v;
}
const num = (name: string, def: number): number => {
  const v = flag(name);
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`--${name}: expected a number, got ${v}`);
  return n;
};
if (argv.includes('--help')) {
  console.log(`npx tsx benchmarks/prm-real.ts [--data DIR] [--out DIR] [--epochs N] [--max-examples N] [--arch JSON] [--seed N]
  [--train-minutes M] [--batch-size N] [--lr X] [--max-steps N] [--train-step-tokens N] [--cal-frac F] [--cal-max N]
  [--critic-share F] [--correct-share F] [--loss bce|rank] [--keep-overlap] [--exclude-problems FILE.jsonl]... [--list-rows FILE.jsonl] [--test-max N] [--eval-only MODEL_DIR] [--json]`);
  process.exit(0);
}
const dataDir = path.resolve(flag('data') ?? path.join(import.meta.dirname, '..', '..', 'shared', 'data'));
const outDir = path.resolve(flag('out') ?? 'out/real-prm');
const epochs = num('epochs', 3);
const maxExamples = num('max-examples', 4500);
const seed = num('seed', 1);
const trainMinutes = num('train-minutes', 20);
const batchSize = num('batch-size', 16);
const lr = num('lr', 2e-3);
/** Steps kept per training trajectory (the batch tensor is N × longest-trajectory steps, so long ones dominate the cost). */
const maxSteps = num('max-steps', 16);
/** Byte budget of a step while training (training steps are short: PRMBench p99 ≈ 226 bytes); evaluation uses arch.maxStepTokens. */
const trainStepTokens = num('train-step-tokens', 256);
const calFrac = num('cal-frac', 0.1);
const calMax = num('cal-max', 800);
/** Share of the training sample taken from PRM800K critic rows (the rest: PRMBench, see --correct-share). */
const criticShare = num('critic-share', 0.3);
/** Share of all-correct trajectories in the PRMBench part (each brings ~11 positive steps, an erroneous one ~5 + 1 negative). */
const correctShare = num('correct-share', 0.25);
const loss = (flag('loss') ?? 'bce') as 'bce' | 'rank';
if (loss !== 'bce' && loss !== 'rank') throw new Error('--loss: expected bce or rank');
/** Smoke tests only: score the first N samples of each ProcessBench file (default all). */
const testMax = num('test-max', Infinity);
/** Evaluate a model saved by an earlier run (its directory) instead of training one; nothing is written. */
const evalOnly = flag('eval-only');
const keepOverlap = argv.includes('--keep-overlap');
/** JSONL files (`question` or `problem` per row) whose problems no training or calibration row may share (a downstream test set). */
const excludeFiles = argv.flatMap((a, i) => {
  if (a !== '--exclude-problems') return [];
  const v = argv[i + 1];
  if (v === undefined || v.startsWith('--')) throw new Error('--exclude-problems needs a file');
  return [path.resolve(v)];
});
const json = argv.includes('--json');
const arch: Partial<ArchConfig> = {
  dModel: 32,
  heads: 2,
  layers: 1,
  ffn: 64,
  hidden: 32,
  patch: 8,
  maxStepTokens: 512,
  maxProblemTokens: 512,
  ...(flag('arch') ? JSON.parse(flag('arch')!) : {}),
};
// Training and the saved model share one position table, sized by max(step, problem) tokens at creation.
if (arch.maxStepTokens! > Math.max(trainStepTokens, arch.maxProblemTokens!))
  throw new Error(`arch.maxStepTokens (${arch.maxStepTokens}) needs --train-step-tokens or arch.maxProblemTokens at least as large`);
const log = (s: string) => process.stderr.write(s + '\n');
const t0 = performance.now();
const secs = (from: number) => (performance.now() - from) / 1000;

// ---------- data ----------
const pbFiles = ['gsm8k', 'math', 'olympiadbench', 'omnimath'];
const prmbenchFiles = readdirSync(path.join(dataDir, 'prmbench'))
  .filter((f) => f.endsWith('.jsonl'))
  .sort()
  .map((f) => path.join(dataDir, 'prmbench', f));
const criticFile = path.join(dataDir, 'prm800k_phase1_test_critic', 'phase1_test.stepwise-critic.jsonl');
const prmbench = await loadExamples(prmbenchFiles, 'prmbench', { prmbenchOriginals: true });
const critic = await loadExamples(criticFile, 'prm800k-critic'); // neutral (0) → 1, PRM800K's usual reading
const tests = Object.fromEntries(
  await Promise.all(pbFiles.map(async (f) => [f, (await loadExamples(path.join(dataDir, 'processbench', `${f}.jsonl`), 'processbench')).examples] as const)),
) as Record<string, Example[]>;
const norm = (s: string) => s.trim();
const testProblems = new Set(Object.values(tests).flatMap((xs) => xs.map((e) => norm(e.problem))));

/** PRMBench source item (`idx`), shared by its 8 perturbation classes, multi_solutions and the original. */
function prmbenchItem(e: Example): string {
  const cls = e.source === 'prmbench/original' ? 'redundency' : e.source!.slice('prmbench/'.length);
  return e.id
    .replace(/#\d+$/, '')
    .slice(cls.length + 1)
    .replace(/_original$/, '');
}

// Group by problem text and PRMBench item together (union-find), so no group straddles train and calibration.
const parent = new Map<string, string>();
const find = (k: string): string => {
  let r = k;
  while (parent.has(r) && parent.get(r) !== r) r = parent.get(r)!;
  parent.set(k, r);
  return r;
};
const union = (a: string, b: string) => {
  const ra = find(a),
    rb = find(b);
  if (ra !== rb) parent.set(ra, rb);
};
for (const e of prmbench.examples) union(`p:${norm(e.problem)}`, `i:${prmbenchItem(e)}`);
const groupOf = (e: Example) => find(`p:${norm(e.problem)}`);

// Excluded problems match loosely (whitespace runs and case ignored): a downstream test set's text may be re-wrapped.
const excluded = readExcludedProblems(excludeFiles);
const pbEx = dropExcluded(prmbench.examples, excluded);
const crEx = dropExcluded(critic.examples, excluded);
const excludedRows = { prmbench: pbEx.dropped, critic: crEx.dropped, problems: new Set([...pbEx.hit, ...crEx.hit]).size };
const overlap = { prmbench: 0, critic: 0 };
const notInTest = (e: Example, which: 'prmbench' | 'critic') => {
  if (keepOverlap || !testProblems.has(norm(e.problem))) return true;
  overlap[which]++;
  return false;
};
const pbPool = pbEx.kept.filter((e) => notInTest(e, 'prmbench'));
const crPool = crEx.kept.filter((e) => notInTest(e, 'critic'));
if (excluded.size)
  log(
    `--exclude-problems: ${excluded.size} problems; dropped ${excludedRows.prmbench} PRMBench and ${excludedRows.critic} critic rows on ${excludedRows.problems} of them`,
  );

// Calibration: a random share of the PRMBench groups (all their rows), capped at calMax samples for scoring time.
const groups = [...new Set(pbPool.map(groupOf))].sort();
const rng = seedrandom(`${seed}/split`);
const shuffled = shuffle(groups, rng);
const calGroups = new Set(shuffled.slice(0, Math.round(groups.length * calFrac)));
// Critic rows on a calibration problem are dropped from training (no first-error label: not calibration samples either).
const calAll = pbPool.filter((e) => calGroups.has(groupOf(e)));
const calibration = shuffle(calAll, seedrandom(`${seed}/cal`)).slice(0, calMax);
const pbTrain = pbPool.filter((e) => !calGroups.has(groupOf(e)));
const crTrain = crPool.filter((e) => !calGroups.has(groupOf(e)));
const calLeak =
  pbTrain.some((e) => calGroups.has(groupOf(e))) ||
  new Set(pbTrain.map((e) => norm(e.problem))).size + new Set(calAll.map((e) => norm(e.problem))).size !==
    new Set([...pbTrain, ...calAll].map((e) => norm(e.problem))).size;
if (calLeak) throw new Error('internal: a problem is shared between training and calibration');

/**
 * A training trajectory: steps after the first error carry no label (null) and, the GRU being causal, cannot change
 * an earlier step's logit, so they are cut off (exact). Trajectories still longer than maxSteps: all-correct ones
 * keep their first maxSteps steps (later labels dropped, counted); critic rows (label on the last step) are dropped.
 */
const cut = { postErrorSteps: 0, truncatedTrajectories: 0, droppedLabels: 0, droppedCriticRows: 0 };
function toTrain(e: Example): TrainExample | null {
  const fe = e.labels.findIndex((l) => l !== null && l < 0.5);
  let steps = e.steps,
    labels = e.labels;
  if (fe >= 0 && e.source !== 'prm800k-critic') {
    cut.postErrorSteps += steps.length - fe - 1;
    ((steps = steps.slice(0, fe + 1)), (labels = labels.slice(0, fe + 1)));
  }
  if (steps.length > maxSteps) {
    if (e.source === 'prm800k-critic') return (cut.droppedCriticRows++, null);
    cut.truncatedTrajectories++;
    cut.droppedLabels += labels.slice(maxSteps).filter((l) => l !== null).length;
    ((steps = steps.slice(0, maxSteps)), (labels = labels.slice(0, maxSteps)));
  }
  return { problem: e.problem, steps, labels };
}

// Class balance: PRMBench is 6,035 erroneous vs 939 all-correct trajectories, and its steps are ~90% positive.
// The sample takes correctShare all-correct PRMBench trajectories (repeated when there are too few), the rest of the
// PRMBench part erroneous (cut after the first error), plus criticShare of critic rows (~61% positive after
// neutral → 1). Steps stay mostly positive (~7% negative); τ is calibrated, so the prior mostly moves τ.
const pbErr = shuffle(
  pbTrain.filter((e) => firstErrorIndex(e.labels) !== -1),
  seedrandom(`${seed}/err`),
);
const pbCor = shuffle(
  pbTrain.filter((e) => firstErrorIndex(e.labels) === -1),
  seedrandom(`${seed}/cor`),
);
const crShuf = shuffle(crTrain, seedrandom(`${seed}/critic`));
const nCritic = Math.min(crShuf.length, Math.round(maxExamples * criticShare));
const nPb = maxExamples - nCritic;
const nErr = Math.min(pbErr.length, Math.round(nPb * (1 - correctShare))),
  nCor = nPb - nErr;
const picked: Example[] = [...pbErr.slice(0, nErr), ...Array.from({ length: nCor }, (_, i) => pbCor[i % pbCor.length]!), ...crShuf.slice(0, nCritic)];
const train = picked.map(toTrain).filter((x): x is TrainExample => x !== null);
const trainCounts = labelCounts(train.map((e, i) => ({ id: String(i), ...e, steps: [...e.steps], labels: [...e.labels] })));

// An audit of the split: every training and calibration row's problem, then stop before any training.
const listRows = flag('list-rows');
if (listRows) {
  const lines = [...train.map((e) => ({ set: 'train', problem: e.problem })), ...calibration.map((e) => ({ set: 'calibration', problem: e.problem }))];
  writeFileSync(path.resolve(listRows), lines.map((l) => JSON.stringify(l) + '\n').join(''));
  log(`--list-rows: ${train.length} training and ${calibration.length} calibration rows written to ${listRows}; nothing trained`);
  process.exit(0);
}

// ---------- backend, model ----------
const backend = await selectBackend('auto');
const net = evalOnly
  ? await loadNet(path.resolve(evalOnly))
  : createNet({ arch: { ...arch, maxStepTokens: Math.min(trainStepTokens, arch.maxStepTokens!) }, seed });
const evalConfig: ArchConfig = evalOnly ? net.config : { ...net.config, maxStepTokens: arch.maxStepTokens! };
if (evalOnly) log(`eval-only: model from ${evalOnly}; the data split below is recomputed from --seed ${seed} (use the seed it was trained with)`);
log(
  `backend ${backend}; ${countParams(net.params)} parameters; training on ${train.length} trajectories (${trainCounts.labelled} labelled steps: ${trainCounts.positive} +, ${trainCounts.negative} −)`,
);

// ---------- train ----------
const tTrain = performance.now();
const abort = new AbortController();
const epochLosses: { epoch: number; meanBatchLoss: number; batches: number; seconds: number }[] = [];
let cur = { epoch: 0, sum: 0, n: 0, start: performance.now() };
let stoppedBy: 'epochs' | 'train-minutes' = 'epochs';
const flush = () => {
  if (cur.n) epochLosses.push({ epoch: cur.epoch, meanBatchLoss: cur.sum / cur.n, batches: cur.n, seconds: secs(cur.start) });
};
if (!evalOnly)
  try {
    await trainPRM(train, {
      net,
      epochs,
      batchSize,
      lr,
      seed,
      valSplit: 0,
      labels: 'hard',
      loss,
      signal: abort.signal,
      onProgress: (p) => {
        if (p.epoch !== cur.epoch) {
          flush();
          cur = { epoch: p.epoch, sum: 0, n: 0, start: performance.now() };
        }
        ((cur.sum += p.loss), cur.n++);
        if (p.batch % 25 === 0 || p.batch === p.batches)
          log(`epoch ${p.epoch}/${p.epochs} batch ${p.batch}/${p.batches} mean loss ${(cur.sum / cur.n).toFixed(4)} (${secs(tTrain).toFixed(0)} s)`);
        if (secs(tTrain) > trainMinutes * 60) abort.abort();
      },
    });
  } catch (e) {
    if (!abort.signal.aborted) throw e;
    stoppedBy = 'train-minutes'; // the weights trained so far are kept (trainPRM trains in place)
  }
flush();
const trainSeconds = secs(tTrain);
if (!evalOnly) log(`training: ${trainSeconds.toFixed(0)} s, stopped by ${stoppedBy}`);

// The saved/evaluated model reads steps up to arch.maxStepTokens bytes: same weights (the position table is sized by
// max(maxStepTokens, maxProblemTokens), whose upper rows problem texts train), longer step budget.
const evalNet = new PRMNet(evalConfig, net.params, net.tokenizer, net.stepFormat);

// ---------- score ----------
async function scoreAll(xs: readonly Example[], label: string): Promise<number[][]> {
  const t = performance.now(),
    out: number[][] = [];
  for (const e of xs) out.push(await evalNet.scoreTrajectory(e.problem, e.steps));
  log(`scored ${label}: ${xs.length} solutions in ${secs(t).toFixed(0)} s`);
  return out;
}
const enc = new TextEncoder();
const truncated = (xs: readonly Example[], budget: number) => {
  let n = 0,
    steps = 0;
  for (const e of xs) for (const s of e.steps) (steps++, (n += enc.encode(s.trim()).length + 1 > budget ? 1 : 0)); // +1: BOS
  return { steps, truncated: n, budget };
};

const tEval = performance.now();
const calScores = await scoreAll(calibration, 'calibration');
const calSamples = toScoredSamples(calibration, calScores);
const tau = chooseThreshold(calSamples);
// Random baseline: uniform scores, τ chosen the same way on random calibration scores.
const randomScores = (xs: readonly { scores: readonly number[] }[], tag: string) => {
  const r = seedrandom(`${seed}/random/${tag}`);
  return xs.map((s) => s.scores.map(() => r()));
};
const calRnd = randomScores(calSamples, 'cal');
const calRandom = calSamples.map((s, i) => ({ ...s, scores: calRnd[i]! }));
const tauRandom = chooseThreshold(calRandom);
const calMetrics = processBenchMetrics(calSamples, tau.threshold);
const calAuc = stepAuc(calibration, calScores);

interface Row {
  file: string;
  method: string;
  n: number;
  errorAcc: number;
  correctAcc: number;
  f1: number;
  stepAuc: number;
  threshold: number | null;
  testTunedF1?: number;
  solutionAuc?: number;
}
const rows: Row[] = [];
const truncation: Record<string, ReturnType<typeof truncated> & { at256: number }> = {};
for (const f of pbFiles) {
  const xs = tests[f]!.slice(0, testMax);
  const scores = await scoreAll(xs, `processbench/${f}`);
  const samples = toScoredSamples(xs, scores);
  const rep = evaluateProcessBench(samples, { calibration: calSamples, seed: `${seed}` });
  const rnd = randomScores(samples, f);
  const rndSamples: ScoredSample[] = samples.map((s, i) => ({ ...s, scores: rnd[i]! }));
  const m = (method: string, x: ProcessBenchMetrics, auc: number, threshold: number | null): Row => ({
    file: f,
    method,
    n: samples.length,
    errorAcc: x.errorAcc,
    correctAcc: x.correctAcc,
    f1: x.f1,
    stepAuc: auc,
    threshold,
  });
  // testTunedF1: F1 at the τ chosen on this test file itself — a diagnostic of how much the calibrated τ loses, never a result.
  rows.push({ ...m('tfjs PRM (ours)', rep.metrics, rep.stepAuc, rep.threshold), testTunedF1: chooseThreshold(samples).f1, solutionAuc: rep.solutionAuc });
  rows.push(m('all correct', allCorrectBaseline(samples), 0.5, null));
  rows.push({
    ...m('random scores, τ calibrated', processBenchMetrics(rndSamples, tauRandom.threshold), stepAuc(xs, rnd), tauRandom.threshold),
    testTunedF1: chooseThreshold(rndSamples).f1,
  });
  truncation[f] = { ...truncated(xs, evalConfig.maxStepTokens), at256: truncated(xs, 256).truncated };
}
const evalSeconds = secs(tEval);

// ---------- save ----------
const meta = {
  recipe: 'benchmarks/prm-real.ts',
  argv,
  excludeProblems: { files: excludeFiles, ...excludedRows },
  seed,
  epochs,
  loss,
  correctShare,
  criticShare,
  maxExamples,
  batchSize,
  lr,
  maxSteps,
  trainStepTokens,
  trainSeconds,
  stoppedBy,
  epochLosses,
  trainCounts,
  threshold: tau.threshold,
  backend,
};
const modelDir = evalOnly ? path.resolve(evalOnly) : outDir;
if (!evalOnly) await saveNet(evalNet, outDir, meta);
const weightBytes = statSync(path.join(modelDir, 'weights.bin')).size;

// ---------- report ----------
const cpus = os.cpus();
const report = {
  machine: {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
    loadavg: os.loadavg().map((x) => +x.toFixed(2)),
    node: process.version,
    backend,
  },
  command: `npx tsx benchmarks/prm-real.ts ${argv.join(' ')}`.trim(),
  data: {
    dir: dataDir,
    prmbenchRows: prmbench.examples.length,
    prmbenchWarnings: prmbench.warnings as LoadWarnings,
    criticRows: critic.examples.length,
    criticWarnings: critic.warnings as LoadWarnings,
    droppedForProcessBenchOverlap: overlap,
    excludeProblems: { files: excludeFiles, listed: excluded.size, ...excludedRows },
    calibrationProblemsGroups: calGroups.size,
    calibrationSamples: calSamples.length,
    calibrationCorrect: calSamples.filter((s) => s.label === -1).length,
    trainPool: { prmbenchErroneous: pbErr.length, prmbenchAllCorrect: pbCor.length, critic: crTrain.length },
    trainSample: { prmbenchErroneous: nErr, prmbenchAllCorrect: nCor, critic: nCritic, kept: train.length, ...cut, ...trainCounts },
    trainStepsTruncated: truncated(
      train.map((e) => ({ id: '', problem: e.problem, steps: [...e.steps], labels: [] })),
      trainStepTokens,
    ),
    testStepsTruncated: truncation,
  },
  model: { arch: evalConfig, trainStepTokens, params: countParams(net.params), weightBytes, dir: modelDir },
  training: evalOnly ? null : { epochs, batchSize, lr, loss, seconds: +trainSeconds.toFixed(1), stoppedBy, epochLosses },
  calibration: {
    threshold: tau.threshold,
    f1: calMetrics.f1,
    errorAcc: calMetrics.errorAcc,
    correctAcc: calMetrics.correctAcc,
    stepAuc: calAuc,
    randomThreshold: tauRandom.threshold,
  },
  evalSeconds: +evalSeconds.toFixed(1),
  totalSeconds: +secs(t0).toFixed(1),
  results: rows,
};
if (!evalOnly) writeFileSync(path.join(outDir, 'report.json'), JSON.stringify(report, null, 2) + '\n');
if (json) console.log(JSON.stringify(report, null, 2));
else {
  const p = (x: number) => (Number.isNaN(x) ? 'n/a' : (100 * x).toFixed(1));
  console.log(
    `machine: ${report.machine.cpu}, ${report.machine.cores} cores, ${report.machine.memGiB} GiB, load ${report.machine.loadavg.join(' ')}, node ${report.machine.node}, tfjs ${backend}`,
  );
  console.log(`command: ${report.command}`);
  console.log(
    `model: ${report.model.params} parameters, weights.bin ${(weightBytes / 1024).toFixed(1)} KiB, ${evalOnly ? 'loaded from' : 'saved to'} ${modelDir}; arch ${JSON.stringify({ ...evalConfig, vocabSize: undefined })}`,
  );
  console.log(
    `train: ${train.length} trajectories (${nErr} PRMBench erroneous, ${nCor} PRMBench all-correct, ${nCritic} critic rows; ${cut.droppedCriticRows} critic rows over ${maxSteps} steps dropped), ${trainCounts.labelled} labelled steps (${trainCounts.positive} +, ${trainCounts.negative} −); dropped for sharing a ProcessBench problem: ${overlap.prmbench} PRMBench, ${overlap.critic} critic rows`,
  );
  if (evalOnly) console.log('training: skipped (--eval-only)');
  else
    console.log(
      `training: ${trainSeconds.toFixed(0)} s (${stoppedBy}); mean batch loss per epoch: ${epochLosses.map((e) => `${e.epoch}: ${e.meanBatchLoss.toFixed(4)} (${e.batches} batches, ${e.seconds.toFixed(0)} s)`).join('; ')}`,
    );
  console.log(
    `calibration (PRMBench, ${calSamples.length} samples, ${report.data.calibrationCorrect} all-correct): τ = ${tau.threshold.toFixed(4)}, F1 ${p(calMetrics.f1)}, step AUC ${calAuc.toFixed(3)}; random-score τ = ${tauRandom.threshold.toFixed(4)}`,
  );
  console.log(
    `steps truncated at ${evalConfig.maxStepTokens} tokens (vs at 256): ${pbFiles.map((f) => `${f} ${truncation[f]!.truncated}/${truncation[f]!.steps} (${truncation[f]!.at256})`).join(', ')}`,
  );
  console.log(`eval: ${evalSeconds.toFixed(0)} s; total ${secs(t0).toFixed(0)} s\n`);
  console.log('| ProcessBench file | method | samples | error acc % | correct acc % | F1 % | step AUC | τ |');
  console.log('|---|---|---:|---:|---:|---:|---:|---:|');
  for (const r of rows)
    console.log(
      `| ${r.file} | ${r.method} | ${r.n} | ${p(r.errorAcc)} | ${p(r.correctAcc)} | ${p(r.f1)} | ${r.stepAuc.toFixed(3)} | ${r.threshold === null ? '—' : r.threshold.toFixed(4)} |`,
    );
  const tuned = (method: string) =>
    rows
      .filter((r) => r.method === method)
      .map((r) => `${r.file} ${p(r.testTunedF1!)}`)
      .join(', ');
  console.log(
    `\ndiagnostic only (τ tuned on the test file itself, not a result): F1 ours ${tuned('tfjs PRM (ours)')}; random ${tuned('random scores, τ calibrated')}`,
  );
  console.log(
    `solution AUC (min aggregation), ours: ${rows
      .filter((r) => r.solutionAuc !== undefined)
      .map((r) => `${r.file} ${r.solutionAuc!.toFixed(3)}`)
      .join(', ')}`,
  );
}

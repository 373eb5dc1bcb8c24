import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = new URL('../bin/steptree.js', import.meta.url).pathname;
const fixtures = new URL('./fixtures/', import.meta.url).pathname;
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
const dir = mkdtempSync(join(tmpdir(), 'steptree-prm-'));

test('prm label → train → info → eval, as a user runs them', () => {
  const data = join(dir, 'labels.jsonl');
  let r = run('prm', 'label', '--task', 'arith', '--policy', 'arith-sim', '--rollouts', '4', '--problems', '12', '--length', '4', '--seed', '3', '--out', data);
  assert.is(r.status, 0, r.stderr);
  const rows = readFileSync(data, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.is(rows.length, 12);
  assert.ok(rows.every((x) => x.steps.length === 4 && x.labels.every((l: number) => l === 0 || l === 1)));

  const model = join(dir, 'model');
  r = run(
    'prm',
    'train',
    '--data',
    data,
    '--format',
    'steptree',
    '--out',
    model,
    '--epochs',
    '2',
    '--seed',
    '1',
    '--d-model',
    '16',
    '--hidden',
    '16',
    '--ffn',
    '32',
    '--calibration-split',
    '0.25',
    '--loss',
    'rank',
  );
  assert.is(r.status, 0, r.stderr);
  for (const f of ['model.json', 'weights.bin', 'config.json', 'loss-log.jsonl']) assert.ok(existsSync(join(model, f)), f);
  const log = readFileSync(join(model, 'loss-log.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.is(log.length, 2);
  assert.match(r.stderr, /backend wasm/);

  r = run('prm', 'info', '--model', model, '--backend', 'wasm');
  assert.is(r.status, 0, r.stderr);
  const info = JSON.parse(r.stdout);
  assert.is(info.backend, 'wasm');
  assert.is(info.architecture.dModel, 16);
  assert.equal(info.meta.format, 'steptree');

  r = run('prm', 'eval', '--model', model, '--data', join(fixtures, 'processbench.jsonl'), '--threshold', '0.5', '--json');
  assert.is(r.status, 0, r.stderr);
  const rep = JSON.parse(r.stdout);
  assert.is(rep.threshold, 0.5);
  assert.is(rep.thresholdFrom, 'given');
  for (const k of ['errorAcc', 'correctAcc', 'f1']) assert.type(rep.metrics[k], 'number');
  assert.type(rep.baselines.allCorrect.f1, 'number');
});

test('prm label --branch writes siblings; train --places/--numbers/--bind-digits/--head/--check; train --init continues a model', () => {
  const data = join(dir, 'branch.jsonl');
  let r = run(
    'prm',
    'label',
    '--task',
    'arith',
    '--policy',
    'arith-sim',
    '--error-rate',
    '0.3',
    '--rollouts',
    '2',
    '--problems',
    '8',
    '--length',
    '3',
    '--branch',
    '2',
    '--seed',
    '4',
    '--out',
    data,
  );
  assert.is(r.status, 0, r.stderr);
  const rows = readFileSync(data, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const sibs = rows.filter((x) => x.source.endsWith(':sibling'));
  assert.is(rows.length - sibs.length, 8);
  assert.ok(sibs.length > 0);
  const first = join(dir, 'digits');
  const small = ['--d-model', '16', '--hidden', '16', '--ffn', '32'];
  r = run(
    'prm',
    'train',
    '--data',
    data,
    '--format',
    'steptree',
    '--out',
    first,
    '--epochs',
    '1',
    '--seed',
    '1',
    ...small,
    '--places',
    '2',
    '--numbers',
    '2',
    '--bind-digits',
    '--head',
    '8',
    '--check',
    '8',
    '--patch',
    '1',
  );
  assert.is(r.status, 0, r.stderr);
  const cfg = (m: string) => JSON.parse(readFileSync(join(m, 'config.json'), 'utf8'));
  const a = cfg(first).architecture;
  assert.equal(a.features, { digitSlots: { places: 2, numbers: 2, bind: true }, bagHead: { hidden: 8 }, localCheck: { hidden: 8 } });
  const second = join(dir, 'digits-more');
  r = run('prm', 'train', '--data', data, '--format', 'steptree', '--out', second, '--epochs', '1', '--seed', '1', '--init', first);
  assert.is(r.status, 0, r.stderr);
  assert.equal(cfg(second).architecture, cfg(first).architecture);
  assert.is(cfg(second).meta.init.from, first);
  assert.is(cfg(second).meta.init.meta.epochs, 1);
  r = run('prm', 'train', '--data', data, '--format', 'steptree', '--out', join(dir, 'x'), '--init', first, '--d-model', '8');
  assert.is(r.status, 2);
  assert.match(r.stderr, /--init.*--d-model/);
});

test('prm errors name the flag or the file', () => {
  let r = run('prm', 'train', '--format', 'steptree', '--out', join(dir, 'x'));
  assert.is(r.status, 2);
  assert.match(r.stderr, /--data/);
  r = run('prm', 'train', '--data', join(fixtures, 'processbench.jsonl'), '--format', 'csv', '--out', join(dir, 'x'));
  assert.match(r.stderr, /--format/);
  r = run('prm', 'eval', '--model', join(dir, 'nope'), '--data', join(fixtures, 'processbench.jsonl'), '--threshold', '0.5');
  assert.is(r.status, 2);
  assert.match(r.stderr, /nope/);
  const data = join(fixtures, 'processbench.jsonl');
  r = run('prm', 'eval', '--model', join(dir, 'model'), '--data', data, '--calibration', data);
  assert.match(r.stderr, /--calibration.*must not be the test file/);
});

test('prm number and choice flags: errors name the flag, before any data is read or written', () => {
  const data = join(dir, 'empty.jsonl');
  const out = join(dir, 'never');
  writeFileSync(data, '');
  const cases: [string[], RegExp][] = [
    [['label', '--problems', '-2', '--out', join(dir, 'x.jsonl')], /`--problems`: expected a positive integer, got -2/],
    [['label', '--error-rate', '3', '--out', join(dir, 'x.jsonl')], /`--error-rate`: expected a number in \[0, 1\], got 3/],
    [['label', '--estimate', 'fuzzy', '--out', join(dir, 'x.jsonl')], /`--estimate`: expected one of hard, soft, got "fuzzy"/],
    [['train', '--data', data, '--format', 'steptree', '--out', out, '--epochs', '0'], /`--epochs`: expected a positive integer, got 0/],
    [['train', '--data', data, '--format', 'steptree', '--out', out, '--lr', '0'], /`--lr`: expected a number > 0, got 0/],
    [['train', '--data', data, '--format', 'steptree', '--out', out, '--labels', 'soft-ish'], /`--labels`: expected one of hard, soft/],
    [['train', '--data', data, '--format', 'steptree', '--out', out, '--neutral', '0.3'], /`--neutral`: expected 0, 0.5 or 1, got 0.3/],
    [['train', '--data', data, '--format', 'nope', '--out', out], /`--format`: expected one of processbench/],
    [
      ['train-check', '--init', 'models/arith-prm', '--task', 'arith', '--out', out, '--tens-share', '2'],
      /`--tens-share`: expected a number in \[0, 1\], got 2/,
    ],
    [['eval', '--prm', 'verifier', '--data', data, '--format', 'processbench', '--threshold', '7'], /`--threshold`: expected a number in \[0, 1\], got 7/],
  ];
  for (const [args, want] of cases) {
    const r = run('prm', ...args);
    assert.is(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, want, args.join(' '));
  }
  assert.not.ok(existsSync(out), 'no output folder was made');
});

test.run();

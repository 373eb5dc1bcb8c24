import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inputFile, number, outputFile, outputFolder, parse, parseFlags, strategyFlags, strategyOptions } from '../src/cli/args.ts';

test('negative numbers are values, not flags; a lone dash-word still is a flag', () => {
  const { values } = parseFlags(['--seed', '-5', '--x', '-0.25', '--y', '-.5', '--on'], {
    seed: { type: 'string' },
    x: { type: 'string' },
    y: { type: 'string' },
    on: { type: 'boolean' },
  });
  assert.equal([values.seed, values.x, values.y, values.on], ['-5', '-0.25', '-.5', true]);
  assert.throws(() => parseFlags(['--seed', '--on'], { seed: { type: 'string' }, on: { type: 'boolean' } }), /--seed/);
  assert.throws(
    () => parseFlags(['--nope'], {}),
    (e: Error) => /`--nope`/.test(e.message),
  );
  assert.is(number('seed', '-5', true), -5);
  assert.throws(() => number('n', '-1', true, { min: 1 }), /`--n`: expected a positive integer, got -1/);
  assert.throws(() => number('n', '2.5', true), /`--n`: expected an integer, got 2\.5/);
});

test('strategy flags come from the registry and build nested options for the chosen strategy only', () => {
  const flags = strategyFlags();
  assert.equal([...flags.get('n')!.keys()], ['best-of-n', 'beam', 'dvts', 'rebase']);
  assert.equal([...flags.get('parallel')!.keys()], ['mcts', 'best-first']);
  const { values } = parse(['--strategy', 'mcts', '--widening-c', '2', '--rollout', '--c-puct', '0.5'], { strategy: { type: 'string' } });
  assert.equal(strategyOptions('mcts', values), { widening: { c: 2 }, rollout: true, cPuct: 0.5 });
  assert.throws(() => strategyOptions('greedy', { n: '4' }), /`--n`: is not an option of strategy greedy .*greedy takes --max-depth/);
  assert.throws(() => strategyOptions('mcts', { formula: 'ucb' }), /`--formula`: expected one of puct, uct, got "ucb"/);
});

test('file flags: errors name the flag and the file, before any work', () => {
  const dir = mkdtempSync(join(tmpdir(), 'steptree-args-'));
  const file = join(dir, 'f.jsonl');
  writeFileSync(file, '');
  assert.is(inputFile('data', file), file);
  assert.throws(() => inputFile('data', join(dir, 'nope.jsonl')), /`--data`: no such file: .*nope\.jsonl/);
  assert.throws(() => inputFile('data', dir), /`--data`: .* is a folder, not a file/);
  assert.is(outputFile('out', join(dir, 'tree.json')), join(dir, 'tree.json'));
  assert.throws(() => outputFile('out', dir), /`--out`: .* is a folder; give a file name/);
  assert.throws(() => outputFile('out', join(dir, 'no/such/tree.json')), /`--out`: folder .*no\/such does not exist/);
  assert.is(outputFile('out', join(dir, 'new/labels.jsonl'), true), join(dir, 'new/labels.jsonl'));
  assert.throws(() => outputFile('out', join(file, 'x.json'), true), /is a file, not a folder/);
  assert.throws(() => outputFolder('out', file), /`--out`: .* is a file, not a folder/);
});

test.run();

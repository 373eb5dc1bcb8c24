import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strategyDescriptors } from '../src/index.ts';
import { loadTreeFile } from 'steptree/node';

const bin = new URL('../bin/steptree.js', import.meta.url).pathname;
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
const dir = mkdtempSync(join(tmpdir(), 'steptree-'));

test('solve --json prints one object; --out writes a loadable tree', () => {
  const out = join(dir, 'tree.json');
  const r = run(
    'solve',
    '--task',
    'arith',
    '--length',
    '6',
    '--strategy',
    'mcts',
    '--simulations',
    '30',
    '--parallel',
    '4',
    '--seed',
    '5',
    '--out',
    out,
    '--json',
  );
  assert.is(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.is(j.schemaVersion, 1);
  assert.is(j.problem.id, 'arith-5-L6');
  assert.is(typeof j.correct, 'boolean');
  assert.ok(Array.isArray(j.best.steps) && typeof j.best.nodeId === 'string');
  assert.ok(j.stats.policyCalls > 0 && j.stats.stoppedBy === 'complete');
  const t = loadTreeFile(out);
  assert.is(t.json.bestId, j.best.nodeId);
  assert.is(t.json.strategy.name, 'mcts');
  assert.is(t.tree.size, j.stats.nodes);
});

test('text output shows the trajectory, the tree and the stats; budgets reach the engine', () => {
  const r = run('solve', '--strategy', 'beam', '--n', '8', '--beam-width', '4', '--budget-policy-calls', '3', '--seed', '2');
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /best trajectory:/);
  assert.match(r.stdout, /tree:\n\* 0 /);
  assert.match(r.stdout, /3 policy calls.*stopped by policyCalls/);
});

test('bad options exit 2 with a message naming the flag or option, and the file', () => {
  const folder = join(dir, 'a-folder');
  mkdirSync(folder);
  for (const [args, re] of [
    [['solve', '--strategy', 'beam', '--n', '6'], /beam\.n.*multiple/],
    [['solve', '--strategy', 'mcts', '--lookahead', '2'], /--lookahead`: is not an option of strategy mcts/],
    [['solve', '--strategy', 'beam', '--budget-tokens', 'lots'], /--budget-tokens`: expected a number ≥ 0, got "lots"/],
    [['solve', '--strategy', 'astar'], /strategy.*astar/],
    [['solve', '--bogus'], /--bogus/],
    [['solve', '--n', '-1'], /`--n`: expected a positive integer, got -1/],
    [['solve', '--strategy', 'mcts', '--c-puct', '-0.5'], /`--c-puct`: expected a number ≥ 0, got -0\.5/],
    [['solve', '--out', '/nonexistent-dir/tree.json'], /--out.*nonexistent-dir/],
    [['solve', '--out', folder], new RegExp(`--out\`: ${folder} is a folder`)],
    [['solve', '--resume', join(dir, 'missing.json')], /--resume`: no such file: .*missing\.json/],
    [['prm', 'train', '--data', join(dir, 'missing.jsonl'), '--format', 'steptree', '--out', join(dir, 'm')], /--data`: no such file: .*missing\.jsonl/],
    [['prm', 'label', '--rollouts', '2', '--problems', '1', '--out', folder], /--out`: .*a-folder is a folder/],
  ] as const) {
    const r = run(...args);
    assert.is(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.not.match(r.stderr, /ENOENT|EISDIR|ambiguous/);
  }
});

test('negative numbers parse: --seed -5 is a seed', () => {
  const r = run('solve', '--seed', '-5', '--length', '4', '--json');
  assert.is(r.status, 0, r.stderr);
  assert.is(JSON.parse(r.stdout).problem.id, 'arith--5-L4');
});

test('solve --resume continues a saved search: reuses its work and ends with the tree of an uninterrupted search', () => {
  const part = join(dir, 'part.json'),
    resumed = join(dir, 'resumed.json'),
    full = join(dir, 'full.json');
  const a = run('solve', '--strategy', 'beam', '--n', '8', '--beam-width', '2', '--seed', '3', '--budget-policy-calls', '5', '--out', part, '--json');
  assert.is(a.status, 0, a.stderr);
  assert.is(JSON.parse(a.stdout).stats.stoppedBy, 'policyCalls');
  const b = run('solve', '--resume', part, '--out', resumed, '--json'); // strategy, options and seed come from the tree
  assert.is(b.status, 0, b.stderr);
  const c = run('solve', '--strategy', 'beam', '--n', '8', '--beam-width', '2', '--seed', '3', '--out', full, '--json');
  const [sa, sb, sc] = [a, b, c].map((r) => JSON.parse(r.stdout).stats);
  assert.is(sb.stoppedBy, 'complete');
  // a resumed search's stats count the whole tree (README: "What a resumed search means")
  assert.ok(sa.policyCalls < sc.policyCalls);
  assert.is(sb.policyCalls, sc.policyCalls, 'the resumed search re-did no policy call');
  assert.is(sb.prmCalls, sc.prmCalls, 'the resumed search re-scored no step');
  const [jb, jc] = [resumed, full].map((f) => JSON.parse(readFileSync(f, 'utf8')));
  assert.equal(jb.nodes, jc.nodes);
  assert.is(jb.bestId, jc.bestId);
  assert.equal(jb.strategy, jc.strategy);
});

test('solve --help is made from the strategy registry', () => {
  const r = run('solve', '--help');
  assert.is(r.status, 0, r.stderr);
  for (const d of strategyDescriptors()) assert.ok(r.stdout.includes(`  ${d.name}`) && r.stdout.includes(d.summary), d.name);
  assert.match(r.stdout, /--widening-alpha\s+number in \[0, 1\]/);
  assert.match(r.stdout, /--beam-width\s+positive integer\s+M: expansions per kept beam \(default 4\)/);
  assert.match(r.stdout, /--resume/);
});

test.run();

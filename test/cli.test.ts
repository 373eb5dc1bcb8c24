import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTreeFile } from 'steptree/node';

const bin = new URL('../bin/steptree.js', import.meta.url).pathname;
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

test('solve --json prints one object; --out writes a loadable tree', () => {
  const dir = mkdtempSync(join(tmpdir(), 'steptree-'));
  const out = join(dir, 'tree.json');
  const r = run('solve', '--task', 'arith', '--length', '6', '--strategy', 'mcts', '--simulations', '30', '--parallel', '4', '--seed', '5', '--out', out, '--json');
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

test('bad options exit 2 with a message naming the option', () => {
  for (const [args, re] of [
    [['solve', '--strategy', 'beam', '--n', '6'], /beam\.n/],
    [['solve', '--strategy', 'mcts', '--lookahead', '2'], /mcts\.lookahead/],
    [['solve', '--strategy', 'beam', '--budget-tokens', 'lots'], /--budget-tokens/],
    [['solve', '--strategy', 'astar'], /strategy/],
    [['solve', '--bogus'], /bogus/],
    [['solve', '--out', '/nonexistent-dir/tree.json'], /--out.*nonexistent-dir/],
  ] as const) {
    const r = run(...args);
    assert.is(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
  }
});

test.run();

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FormatError, InvalidOptionError } from '../../src/core/errors.ts';
import { budgetParamOf, loadConfig, parseConfig } from '../../src/experiments/config.ts';

const base = () => ({
  name: 't',
  task: { kind: 'arith', problems: 2, lengths: [4] },
  policy: { kind: 'arith-sim', options: { errorRate: 0.3 } },
  prms: [{ spec: 'verifier', noise: 0.5 }],
  strategies: [{ strategy: 'beam', params: { beamWidth: 2 } }, { strategy: 'rebase' }],
  budgets: { values: [1, 2, 4] },
  pool: { n: 4 },
});

function field(mut: (c: any) => void): string {
  const c: any = base();
  mut(c);
  try {
    parseConfig(c);
  } catch (e) {
    assert.instance(e, InvalidOptionError);
    return (e as InvalidOptionError).option;
  }
  throw new Error('no error');
}

test('a valid config gets its defaults', () => {
  const c = parseConfig(base());
  assert.is(c.seeds[0], 1);
  assert.is(c.budgets.axis, 'n');
  assert.is(budgetParamOf(c.strategies[0]!), 'n');
  assert.is(budgetParamOf({ strategy: 'greedy', params: {} }), null);
  assert.is(budgetParamOf({ strategy: 'mcts', params: {} }), 'simulations');
});

test('validation errors name the field', () => {
  assert.is(
    field((c) => (c.task.problems = 0)),
    'task.problems',
  );
  assert.is(
    field((c) => (c.task.kind = 'chess')),
    'task.kind',
  );
  assert.is(
    field((c) => (c.strategies[1].strategy = 'bem')),
    'strategies[1].strategy',
  );
  assert.is(
    field((c) => (c.strategies[0].colour = 'red')),
    'strategies[0].colour',
  );
  assert.is(
    field((c) => (c.budgets.values = [])),
    'budgets.values',
  );
  assert.is(
    field((c) => (c.budgets.values = [1, 2.5])),
    'budgets.values[1]',
  );
  assert.is(
    field((c) => (c.prms[0].noise = -1)),
    'prms[0].noise',
  );
  assert.is(
    field((c) => (c.prms = [])),
    'prms',
  );
  // the strategy's own validation, named by its entry
  assert.is(
    field((c) => (c.strategies[0].params.beamWidth = 0)),
    'strategies[0].params.beamWidth',
  );
  assert.is(
    field((c) => (c.strategies[1].params = { balanceTemperature: -1 })),
    'strategies[1].params.balanceTemperature',
  );
  assert.is(
    field((c) => (c.strategies[0].params.n = 4)),
    'strategies[0].params.n',
  );
  assert.is(
    field((c) => delete c.policy),
    'policy',
  );
});

test('a config file that is not JSON is a FormatError naming the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
  writeFileSync(join(dir, 'bad.json'), '{ "name": ');
  assert.throws(
    () => loadConfig(join(dir, 'bad.json')),
    (e: unknown) => e instanceof FormatError && e.where.endsWith('bad.json'),
  );
  writeFileSync(join(dir, 'x.json'), JSON.stringify({ ...base(), seeds: ['a'] }));
  assert.throws(
    () => loadConfig(join(dir, 'x.json')),
    (e: unknown) => e instanceof InvalidOptionError && e.option === 'seeds[0]' && /x\.json/.test(e.message),
  );
});

test.run();

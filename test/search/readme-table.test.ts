import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { builtinStrategies } from '../../src/search/strategies/index.ts';
import { strategyTable, TABLE_BEGIN, TABLE_END, withStrategyTable } from '../../src/search/strategies/table.ts';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

test('the README strategy table is the one the registry renders (npm run docs rewrites it)', () => {
  const a = readme.indexOf(TABLE_BEGIN),
    b = readme.indexOf(TABLE_END);
  assert.ok(a >= 0 && b > a, 'README has the generated section');
  assert.fixture(readme.slice(a + TABLE_BEGIN.length, b).trim(), strategyTable(builtinStrategies));
  for (const d of builtinStrategies) assert.ok(readme.includes(`| \`${d.name}\` | \`${d.factory}()\``), d.name);
});

test('the table changes with the registry: a new option shows up', () => {
  const [first, ...rest] = builtinStrategies;
  const changed = { ...first!, options: { ...first!.options, extra: { ...first!.options.maxDepth!, default: 7 } } };
  const table = strategyTable([changed, ...rest]);
  assert.match(table, /`extra` = 7/);
  assert.is.not(withStrategyTable(readme, table), readme);
  assert.is(withStrategyTable(readme, strategyTable(builtinStrategies)), readme);
});

test.run();

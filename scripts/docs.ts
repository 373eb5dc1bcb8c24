// Writes the generated parts of README.md (the strategy table) from the registries. Run: npm run docs
import { readFileSync, writeFileSync } from 'node:fs';
import { builtinStrategies } from '../src/search/strategies/index.ts';
import { strategyTable, withStrategyTable } from '../src/search/strategies/table.ts';

const file = new URL('../README.md', import.meta.url);
const before = readFileSync(file, 'utf8');
const after = withStrategyTable(before, strategyTable(builtinStrategies));
if (after !== before) writeFileSync(file, after);
console.log(after === before ? 'README.md is up to date' : 'README.md: strategy table rewritten');

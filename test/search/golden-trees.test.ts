import { createHash } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { beam, bestFirst, bestOfN, dvts, greedy, mcts, rebase, search, type StrategySpec } from '../../src/index.ts';
import { stringifyTree } from '../../src/search/schema.ts';
import { arithProblem } from '../../src/tasks/arith.ts';
import { arithPolicy, verifier } from './helpers.ts';

// Engine speed work must not change a tree: these hashes (tree JSON, first 16 hex digits of its
// sha256, and the node count) were written by the engine at 272dc4d, before issue 10's third round.
const golden: [string, string][] = [
  ['greedy', '8450f35bc0173216 11'],
  ['best-of-n', '1285ecfd08630284 62'],
  ['beam', 'b38b6e0d717702a0 48'],
  ['beam lookahead', 'b371cfa0cbda6c70 85'],
  ['dvts', '2afcf07b371d0c9f 29'],
  ['mcts', '2730e6c9ab11b030 96'],
  ['mcts uct parallel vl 0.7', '8ed4a284863b8bf7 69'],
  ['mcts widening rollout', '0dbecd1ddbccb552 151'],
  ['best-first', '116c5689049d508b 36'],
  ['rebase', '33faa3a5f92d0ef6 48'],
];

const specs: Record<string, StrategySpec> = {
  greedy: greedy(),
  'best-of-n': bestOfN({ n: 8 }),
  beam: beam({ n: 12, beamWidth: 3 }),
  'beam lookahead': beam({ n: 8, beamWidth: 4, lookahead: 2 }),
  dvts: dvts({ n: 8, beamWidth: 2 }),
  mcts: mcts({ simulations: 60 }),
  'mcts uct parallel vl 0.7': mcts({ simulations: 60, formula: 'uct', parallel: 4, virtualLoss: 0.7 }),
  'mcts widening rollout': mcts({ simulations: 40, widening: { alpha: 0.5, c: 1.5 }, rollout: true }),
  'best-first': bestFirst({ parallel: 2, depthPenalty: 0.05, solutions: 2 }),
  rebase: rebase({ n: 12 }),
};

test('every strategy writes the tree it wrote before, byte for byte', async () => {
  const got: [string, string][] = [];
  for (const [name] of golden) {
    const r = await search({ problem: arithProblem(7, { length: 10 }), policy: arithPolicy(0.3), prm: verifier(0.1), strategy: specs[name]!, seed: 3 });
    got.push([name, `${createHash('sha256').update(stringifyTree(r)).digest('hex').slice(0, 16)} ${r.stats.nodes}`]);
  }
  assert.equal(got, golden);
});

test.run();

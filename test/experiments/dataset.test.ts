import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../src/experiments/config.ts';
import { loadSource } from '../../src/experiments/sources.ts';
import { registryDeps, runSweep } from '../../src/experiments/sweep.ts';

const FILE = '../shared/data/gsm8k/test.jsonl';

test('a GSM8K sweep with the simulated policy and the oracle PRM: graded by the gsm8k grader, steps from the reference', async () => {
  if (!existsSync(FILE)) return console.log(`    skipped: ${FILE} is absent`);
  const c = parseConfig({
    name: 'g', task: { kind: 'dataset', dataset: 'gsm8k', path: FILE, limit: 3 },
    policy: { kind: 'simulated', options: { errorRate: 0 } }, prms: [{ spec: 'oracle', noise: 0 }],
    strategies: [{ strategy: 'greedy' }], budgets: { values: [1] }, pool: { n: 2 }, bootstrap: { resamples: 100 },
  });
  const src = await loadSource(c.task);
  assert.is(src.items.length, 3);
  assert.ok(src.items.every((it) => it.steps! >= 1));
  const { rows } = await runSweep(c, src, mkdtempSync(join(tmpdir(), 'gsm-')), registryDeps(c, src));
  // with no errors the simulator proposes the reference solution: every search is graded right
  for (const r of rows) if (r.kind === 'run') assert.ok(r.correct, r.key);
  // a wrong answer is graded wrong
  assert.not.ok(await src.grade(src.items[0]!, '-12345'));
  assert.not.ok(await src.grade(src.items[0]!, null));
});

test.run();

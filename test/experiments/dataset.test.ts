import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../src/experiments/config.ts';
import { loadSource } from '../../src/experiments/sources.ts';
import { runDatasetSweep } from '../../src/experiments/bench.ts';

const FILE = '../shared/data/gsm8k/test.jsonl';

test('a GSM8K sweep through the runner (one bench run per cell): simulated policy, oracle PRM, gsm8k grader, resumable', async () => {
  if (!existsSync(FILE)) return console.log(`    skipped: ${FILE} is absent`);
  const c = parseConfig({
    name: 'g',
    task: { kind: 'dataset', dataset: 'gsm8k', path: FILE, limit: 3 },
    policy: { kind: 'simulated', options: { errorRate: 0 } },
    prms: [{ spec: 'oracle', noise: 0 }],
    strategies: [{ strategy: 'greedy' }],
    budgets: { values: [1] },
    pool: { n: 2 },
    bootstrap: { resamples: 100 },
  });
  const src = await loadSource(c.task);
  assert.is(src.items.length, 3);
  assert.ok(src.items.every((it) => it.steps! >= 1));
  const dir = mkdtempSync(join(tmpdir(), 'gsm-'));
  const task = c.task as Extract<typeof c.task, { kind: 'dataset' }>;
  const first = await runDatasetSweep(c, task, src, dir);
  // a pool per problem (read back from the runner's saved trees) and a greedy run per problem
  assert.is(first.rows.filter((r) => r.kind === 'pool').length, 3);
  assert.is(first.rows.filter((r) => r.kind === 'run').length, 3);
  assert.is(first.ran, 6);
  // with no errors the simulator proposes the reference solution: every search is graded right
  for (const r of first.rows) if (r.kind === 'run') assert.ok(r.correct, r.key);
  for (const r of first.rows)
    if (r.kind === 'pool')
      assert.equal(
        r.samples.map((s) => s[2]),
        [true, true],
      );
  // the runner resumes: nothing is run twice
  const again = await runDatasetSweep(c, task, src, dir);
  assert.is(again.ran, 0);
  assert.equal(again.rows, first.rows);
  // a wrong answer is graded wrong
  assert.not.ok(await src.grade(src.items[0]!, '-12345'));
  assert.not.ok(await src.grade(src.items[0]!, null));
});

test.run();

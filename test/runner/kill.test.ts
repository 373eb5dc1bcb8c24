import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { benchConfig } from '../../src/cli/bench.ts';
import { runBench } from '../../src/runner/index.ts';
import type { ResultRecord } from '../../src/runner/record.ts';
import { exited, records, resultLines as lines, sleep, spawnBench as bench, tmp, withoutWall } from './helpers.ts';

const stable = (r: ResultRecord) => ({ ...r, stats: { ...r.stats, wallMs: 0 } });

test('kill -9 mid-run, then the same command: every (problem, seed) once, summary equal to an uninterrupted run', async () => {
  const out = tmp('kill');
  const args = [
    '--dataset',
    'arith',
    '--data',
    '300:12',
    '--policy',
    'arith-sim',
    '--error-rate',
    '0.7',
    '--prm',
    'verifier',
    '--prm-noise',
    '8',
    '--strategy',
    'beam',
    '--n',
    '32',
    '--beam-width',
    '4',
    '--seeds',
    '1,2',
    '--concurrency',
    '1',
    '--out',
    out,
  ];
  const child = bench(args);
  const done = exited(child);
  // wait for some results, then kill without warning
  for (let i = 0; i < 1000 && lines(out) < 10; i++) await sleep(5);
  child.kill('SIGKILL');
  const first = await done;
  assert.is(first.signal, 'SIGKILL', `the child should still be running when killed (${first.err})`);
  const partial = lines(out);
  assert.ok(partial >= 10 && partial < 600, `killed after ${partial} lines`);

  const second = await exited(bench(args));
  assert.is(second.code, 0, second.err);
  assert.match(second.err, /resuming/);
  const recs = records(out);
  assert.is(recs.length, 600);
  assert.is(new Set(recs.map((r) => r.key)).size, 600);

  // the uninterrupted run of the same config, in-process
  const ref = tmp('kill-ref');
  const { config } = benchConfig([...args.slice(0, -1), ref]);
  const full = await runBench(config);
  assert.equal(withoutWall(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'))), withoutWall({ ...full.summary, simulated: true }));
  const byKey = new Map(records(ref).map((r) => [r.key, stable(r)]));
  for (const r of recs) assert.equal(stable(r), byKey.get(r.key), r.key);
  assert.ok(full.summary.correct < 600 && full.summary.correct > 0, 'a run with wrong answers too');
});

test.run();

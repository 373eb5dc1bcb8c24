import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { benchConfig } from '../../src/cli/bench.ts';
import { runBench } from '../../src/runner/index.ts';
import type { ResultRecord } from '../../src/runner/record.ts';
import { records, tmp, withoutWall } from './helpers.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = join(ROOT, 'src/cli/main.ts');

/** `steptree bench` as a child process (node --import tsx: one process, so kill -9 hits the runner itself). */
function bench(args: string[]) {
  return spawn(process.execPath, ['--import', 'tsx', MAIN, 'bench', ...args, '--no-progress'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
}
const exited = (c: ReturnType<typeof bench>) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null; err: string }>((res) => {
    let err = '';
    c.stderr!.on('data', (d) => (err += d));
    c.on('exit', (code, signal) => res({ code, signal, err }));
  });
const lines = (dir: string) =>
  existsSync(join(dir, 'results.jsonl')) ? readFileSync(join(dir, 'results.jsonl'), 'utf8').split('\n').filter(Boolean).length : 0;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
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

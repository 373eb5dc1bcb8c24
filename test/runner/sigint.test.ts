import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { exited, records, resultLines as lines, sleep, spawnBench as bench, tmp } from './helpers.ts';

const text = (dir: string) => (existsSync(join(dir, 'results.jsonl')) ? readFileSync(join(dir, 'results.jsonl'), 'utf8') : '');

// an offline run with a simulated policy (arith-sim), slow enough to be interrupted (≈ 2.5 s, one problem at a time)
const args = (out: string) => [
  '--dataset',
  'arith',
  '--data',
  '200:24',
  '--policy',
  'arith-sim',
  '--error-rate',
  '0.5',
  '--prm',
  'verifier',
  '--strategy',
  'beam',
  '--n',
  '128',
  '--beam-width',
  '8',
  '--seeds',
  '1,2',
  '--concurrency',
  '1',
  '--out',
  out,
];

async function interrupt(out: string, times: number) {
  const child = bench(args(out));
  const done = exited(child);
  for (let i = 0; i < 2000 && lines(out) < 10; i++) await sleep(5);
  const t0 = Date.now();
  for (let i = 0; i < times; i++) (child.kill('SIGINT'), await sleep(20));
  const r = await done;
  return { ...r, afterSignalMs: Date.now() - t0 };
}

/** Every line of results.jsonl parses (nothing torn) and no key repeats. */
function validResults(out: string) {
  const t = text(out);
  assert.ok(t.endsWith('\n'), 'results.jsonl ends with a whole line');
  const recs = records(out);
  assert.is(new Set(recs.map((r) => r.key)).size, recs.length, 'no (problem, seed) twice');
  return recs;
}

async function resumes(out: string) {
  const again = await exited(bench(args(out)));
  assert.is(again.code, 0, again.err);
  assert.match(again.err, /resuming/);
  const recs = validResults(out);
  assert.is(recs.length, 400, 'every (problem, seed) of the run');
  assert.is(new Set(recs.map((r) => r.key)).size, 400);
}

test('SIGINT: in-flight work stops, results.jsonl is whole, a resume line, exit 130; the same command then completes every (problem, seed) once', async () => {
  const out = tmp('sigint');
  const r = await interrupt(out, 1);
  assert.is(r.signal, null, `exited by itself, not killed (${r.err})`);
  assert.is(r.code, 130, r.err);
  assert.match(r.err, /interrupted; finishing/);
  console.log(`  (exited ${r.afterSignalMs} ms after SIGINT)`);
  assert.match(r.err, /Resume with: steptree bench --dataset arith/);
  assert.ok(r.err.includes(`--out ${out}`), 'the resume line is the same command');
  const recs = validResults(out);
  assert.ok(recs.length >= 10 && recs.length < 400, `stopped after ${recs.length} records`);
  await resumes(out);
});

test('a second SIGINT exits at once with 130; the run still resumes', async () => {
  const out = tmp('sigint2');
  const r = await interrupt(out, 2);
  assert.is(r.code, 130, r.err);
  assert.match(r.err, /stopped at once/);
  assert.ok(lines(out) < 400);
  await resumes(out);
});

test.run();

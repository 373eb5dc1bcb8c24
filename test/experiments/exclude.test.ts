import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FormatError } from '../../src/core/errors.ts';
import { dropExcluded, looseProblem, readExcludedProblems } from '../../src/experiments/exclude.ts';

const DATA = '../shared/data';
const REPLAY = join(DATA, 'bon', 'qwen25math_math_cot_100.jsonl');

const jsonl = (rows: readonly unknown[]) => rows.map((r) => JSON.stringify(r) + '\n').join('');

test('excluded problems match with whitespace runs and case ignored; a bad row names file and line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'excl-'));
  const f = join(dir, 'test.jsonl');
  writeFileSync(f, jsonl([{ question: 'Find  x\nif 2x = 4.' }, { problem: 'What is 1+1?' }]));
  const ex = readExcludedProblems([f]);
  assert.equal([...ex], ['find x if 2x = 4.', 'what is 1+1?']);
  const rows = [{ problem: ' FIND x if\t2x = 4. ' }, { problem: 'Find x if 2x = 5.' }, { problem: 'what is 1+1?' }, { problem: 'what is 1+1?' }];
  const r = dropExcluded(rows, ex);
  assert.equal(r.kept, [rows[1]]);
  assert.is(r.dropped, 3);
  assert.is(r.hit.size, 2);
  assert.is(looseProblem(' A\n\n b '), 'a b');
  writeFileSync(f, jsonl([{ question: 'ok' }, { q: 'no field' }]));
  assert.throws(
    () => readExcludedProblems([f]),
    (e: unknown) => e instanceof FormatError && /test\.jsonl:2/.test(e.message),
  );
});

/** A tiny data folder in the layout prm-real.ts reads: PRMBench, PRM800K critic rows, the four ProcessBench files. */
function fixtureData(): string {
  const dir = mkdtempSync(join(tmpdir(), 'prm-real-'));
  const q = (i: number) => `Problem ${i}: what is ${i} + ${i}?`;
  const classes = ['circular', 'redundency', 'deception', 'confidence'];
  mkdirSync(join(dir, 'prmbench'));
  const pb = Array.from({ length: 40 }, (_, i) => ({
    original_question: q(i),
    modified_question: q(i),
    original_process: ['a', 'b'],
    modified_process: ['a', 'b', 'x'],
    modified_steps: [3],
    error_steps: [3],
    reason: 'r',
    idx: `p_${i}`,
    question: q(i),
    classification: classes[i % classes.length],
  }));
  writeFileSync(join(dir, 'prmbench', 'all.jsonl'), jsonl(pb));
  mkdirSync(join(dir, 'prm800k_phase1_test_critic'));
  const critic = Array.from({ length: 40 }, (_, i) => ({
    instruction: q(i),
    responses: ['a'],
    next_response: 'b',
    answer: null,
    rating: i % 3 === 0 ? -1 : 1,
  }));
  writeFileSync(join(dir, 'prm800k_phase1_test_critic', 'phase1_test.stepwise-critic.jsonl'), jsonl(critic));
  mkdirSync(join(dir, 'processbench'));
  for (const f of ['gsm8k', 'math', 'olympiadbench', 'omnimath'])
    writeFileSync(
      join(dir, 'processbench', `${f}.jsonl`),
      jsonl([{ id: `${f}-0`, problem: `held out ${f}`, steps: ['s'], final_answer_correct: true, label: -1 }]),
    );
  return dir;
}

/** Runs the recipe up to its split (`--list-rows`: nothing is trained) and returns the listed rows. */
function listRows(data: string, extra: string[]): { set: string; problem: string }[] {
  const out = join(mkdtempSync(join(tmpdir(), 'rows-')), 'rows.jsonl');
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'benchmarks/prm-real.ts', '--data', data, '--list-rows', out, '--cal-frac', '0.25', ...extra], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.is(r.status, 0, r.stderr);
  return readFileSync(out, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
}

test('prm-real --exclude-problems: no training or calibration row is on an excluded problem (re-wrapped and recased)', () => {
  const data = fixtureData();
  // problems 3 (PRMBench and critic rows) and 8, written as a test set might re-wrap them
  const ex = join(data, 'test-set.jsonl');
  writeFileSync(ex, jsonl([{ question: 'PROBLEM 3:  what is 3 +\n3?' }, { problem: ' problem 8: What is 8 + 8?' }]));
  const hit = (rows: { problem: string }[]) => rows.filter((r) => ['problem 3: what is 3 + 3?', 'problem 8: what is 8 + 8?'].includes(looseProblem(r.problem)));
  const all = listRows(data, []);
  // without the flag they are there, in both sets' sources: so the check below can fail
  assert.ok(hit(all).length >= 2, `${hit(all).length} rows on problems 3 and 8 without exclusion`);
  const rows = listRows(data, ['--exclude-problems', ex]);
  assert.equal(hit(rows), []);
  assert.ok(rows.some((r) => r.set === 'train') && rows.some((r) => r.set === 'calibration'));
  // the rest is untouched: every other problem still appears
  assert.is(new Set(rows.map((r) => looseProblem(r.problem))).size, new Set(all.map((r) => looseProblem(r.problem))).size - 2);
});

test('the shipped real-prm recipe on the shared data: none of the 100 replay problems is in its rows', () => {
  if (!existsSync(REPLAY)) return console.log(`    skipped: ${REPLAY} is absent`);
  const ex = readExcludedProblems([REPLAY]);
  const rows = listRows(DATA, ['--exclude-problems', REPLAY]);
  assert.ok(rows.length > 1000, `${rows.length} rows`);
  assert.equal(
    rows.filter((r) => ex.has(looseProblem(r.problem))),
    [],
  );
});

test.run();

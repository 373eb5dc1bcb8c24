import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FormatError } from '../../src/core/errors.ts';
import { bestOfK } from '../../src/experiments/bestofk.ts';
import { passAtK } from '../../src/experiments/passk.ts';
import { loadReplay } from '../../src/experiments/replay.ts';

const FILE = '../shared/data/bon/qwen25math_math_cot_100.jsonl';

test('the Qwen2.5-Math 100×8 set: rm@8 = 0.94 and pass@8 = 0.96 from pred_score and score', () => {
  if (!existsSync(FILE)) return console.log(`    skipped: ${FILE} is absent`);
  const { items, rows } = loadReplay(FILE, 'rm');
  assert.is(items.length, 100);
  const rm8 =
    rows.reduce(
      (a, r) =>
        a +
        bestOfK(
          r.samples.map(([, s, c]) => ({ score: s, correct: c })),
          8,
        ),
      0,
    ) / 100;
  const pass8 = rows.reduce((a, r) => a + passAtK(8, r.samples.filter((s) => s[2]).length, 8), 0) / 100;
  assert.ok(Math.abs(rm8 - 0.94) < 1e-9, `rm@8 ${rm8}`);
  assert.ok(Math.abs(pass8 - 0.96) < 1e-9, `pass@8 ${pass8}`);
  assert.ok(items.every((it) => it.level! >= 1 && it.level! <= 5));
});

test('a malformed replay row is a FormatError naming file and line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'replay-'));
  const f = join(dir, 'bad.jsonl');
  writeFileSync(
    f,
    JSON.stringify({ idx: 0, pred: ['1'], score: [true], pred_score: [[1]], level: 'Level 2' }) +
      '\n' +
      JSON.stringify({ idx: 1, pred: ['1', '2'], score: [true], pred_score: [[1]] }) +
      '\n',
  );
  assert.throws(
    () => loadReplay(f, 'rm'),
    (e: unknown) => e instanceof FormatError && e.where.endsWith('bad.jsonl:2'),
  );
});

test.run();

import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FormatError, InvalidOptionError } from '../../src/core/errors.ts';
import { lastBoxed } from '../../src/grade/extract.ts';
import { parseShard, subjectKey } from '../../src/tasks/filters.ts';
import { datasetKind, datasetKinds } from '../../src/tasks/registry.ts';
import type { BenchItem, DatasetFilters } from '../../src/tasks/types.ts';
import { rejects as fails } from '../helpers/rejects.ts';

const dir = mkdtempSync(join(tmpdir(), 'steptree-tasks-'));
const file = (name: string, rows: unknown[], extra = '') => {
  const p = join(dir, name);
  writeFileSync(p, rows.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n' + extra);
  return p;
};
const load = async (kind: string, path: string, f?: DatasetFilters) => {
  const out: BenchItem[] = [];
  for await (const it of datasetKind(kind).load(path, f)) out.push(it);
  return out;
};

const gsm = file('gsm.jsonl', [
  { question: 'Q0?', answer: 'a = 2\nb = 3\n#### 5' },
  { question: 'Q1?', answer: 'x\n#### 1,200' },
  '',
  { question: 'Q2?', answer: '#### -7' },
]);

test('gsm8k: question, reference after ####, solution, ids by row; blank lines skipped', async () => {
  const items = await load('gsm8k', gsm);
  assert.equal(
    items.map((i) => [i.id, i.problem.text, i.reference]),
    [
      ['gsm8k/gsm/0', 'Q0?', '5'],
      ['gsm8k/gsm/1', 'Q1?', '1,200'],
      ['gsm8k/gsm/2', 'Q2?', '-7'],
    ],
  );
  assert.is(items[0]!.solution, 'a = 2\nb = 3\n#### 5');
  assert.equal(items[2]!.source, { file: gsm, line: 4 });
  // search never sees the reference
  assert.ok(items.every((i) => i.problem.answer === undefined && i.problem.id === i.id));
});

test('math: last brace-matched \\boxed{}, "Level N" and type', async () => {
  const p = file('m.jsonl', [
    { problem: 'P', solution: 'first \\boxed{1} then \\boxed{\\frac{1}{2}}.', level: 'Level 3', type: 'Counting & Probability', idx: 7 },
    { problem: 'P2', solution: '$\\boxed{\\{1,2\\}}$', level: 'Level 5', type: 'Algebra' },
  ]);
  const items = await load('math', p);
  assert.equal(
    items.map((i) => [i.id, i.reference, i.level, i.subject]),
    [
      ['math/7', '\\frac{1}{2}', 3, 'Counting & Probability'],
      ['math/m/1', '\\{1,2\\}', 5, 'Algebra'],
    ],
  );
  assert.is(lastBoxed('\\fbox{a{b}c} x'), 'a{b}c');
  assert.is(lastBoxed('\\boxed{unclosed'), null);
});

test('math500: unique_id, answer, int level, subject', async () => {
  const p = file('m500.jsonl', [
    { problem: 'P', solution: 'S \\boxed{3}', answer: '3', subject: 'Precalculus', level: 2, unique_id: 'test/precalculus/807.json' },
  ]);
  const [it] = await load('math500', p);
  assert.equal([it!.id, it!.reference, it!.level, it!.subject, it!.solution], ['test/precalculus/807.json', '3', 2, 'Precalculus', 'S \\boxed{3}']);
});

test('a malformed line is a FormatError naming file:line', async () => {
  const bad = file('bad.jsonl', [{ question: 'Q', answer: '#### 1' }, '{"question": "Q", "answer": '], '');
  let e = await fails(load('gsm8k', bad));
  assert.instance(e, FormatError);
  assert.match(e.message, `${bad}:2`);
  assert.match(e.message, /invalid JSON/);
  e = await fails(load('gsm8k', file('nohash.jsonl', [{ question: 'Q', answer: 'no final line' }])));
  assert.match(e.message, /nohash\.jsonl:1: field `answer`: expected a last line `#### N`/);
  e = await fails(
    load(
      'math',
      file(
        'nobox.jsonl',
        [
          { problem: 'P', solution: 'S', level: 'Level 1', type: 'A' },
          { problem: 'P', solution: 'S', level: 'Level 1', type: 'A' },
        ].slice(1),
      ),
    ),
  );
  assert.match(e.message, /nobox\.jsonl:1: field `solution`: no \\boxed\{\} answer/);
  e = await fails(load('math500', file('lvl.jsonl', [{ problem: 'P', answer: '1', unique_id: 'u', level: 'hard' }])));
  assert.match(e.message, /lvl\.jsonl:1: field `level`/);
  e = await fails(load('math500', file('arr.jsonl', ['[1]'])));
  assert.match(e.message, /arr\.jsonl:1: expected a JSON object/);
});

const many = file(
  'many.jsonl',
  Array.from({ length: 10 }, (_, i) => ({
    problem: `P${i}`,
    solution: `\\boxed{${i}}`,
    answer: String(i),
    subject: i % 2 ? 'Number Theory' : 'Counting & Probability',
    level: 1 + (i % 5),
    unique_id: `u${i}`,
  })),
);

test('filters: levels, subjects (any spelling), ids, limit', async () => {
  const ids = async (f: DatasetFilters) => (await load('math500', many, f)).map((i) => i.id);
  assert.equal(await ids({ levels: [1, 2] }), ['u0', 'u1', 'u5', 'u6']);
  assert.equal(
    await ids({ subjects: ['counting_and_probability'], levels: [1, 3, 5] }),
    ['u0', 'u2', 'u4', 'u6', 'u8'].filter((id) => [1, 3, 5].includes(1 + (Number(id.slice(1)) % 5))),
  );
  assert.equal(await ids({ ids: ['u9', 'u3', 'nope'] }), ['u3', 'u9']);
  assert.equal(await ids({ limit: 3 }), ['u0', 'u1', 'u2']);
  assert.equal(await ids({ limit: 0 }), []);
  assert.is(subjectKey('Counting & Probability'), subjectKey('counting-and-probability'));
});

test('filters: shards partition the filtered set; limit applies after the shard', async () => {
  const all = (await load('math500', many, { subjects: ['Number Theory'] })).map((i) => i.id);
  const shards = await Promise.all(
    [0, 1, 2].map(async (index) => (await load('math500', many, { subjects: ['Number Theory'], shard: { index, count: 3 } })).map((i) => i.id)),
  );
  assert.equal(shards.flat().sort(), [...all].sort());
  assert.equal(shards[0], ['u1', 'u7']);
  assert.equal(
    (await load('math500', many, { shard: { index: 1, count: 2 }, limit: 2 })).map((i) => i.id),
    ['u1', 'u3'],
  );
  assert.equal(parseShard('2/4'), { index: 2, count: 4 });
  for (const bad of ['4/4', '1', '-1/2', 'a/b'])
    assert.instance(
      (() => {
        try {
          parseShard(bad);
        } catch (e) {
          return e;
        }
      })(),
      InvalidOptionError,
      bad,
    );
  assert.instance(await fails(load('math500', many, { limit: -1 })), InvalidOptionError);
});

test('registry: names every kind, unknown name lists them; arith generates problems', async () => {
  assert.equal(Object.keys(datasetKinds).sort(), ['arith', 'gsm8k', 'math', 'math500']);
  assert.match(
    (() => {
      try {
        datasetKind('mmlu');
      } catch (e) {
        return (e as Error).message;
      }
    })()!,
    /--dataset.*gsm8k, math, math500/,
  );
  const items = await load('arith', '5:4');
  assert.is(items.length, 5);
  assert.ok(items.every((i) => i.problem.answer === undefined && /^\d+$/.test(i.reference) && (i.problem.meta as { ops: unknown[] }).ops.length === 4));
  assert.instance(await fails(load('arith', 'x')), InvalidOptionError);
});

const DATA = fileURLToPath(new URL('../../../shared/data/', import.meta.url));

test('real data in ../shared/data: counts, levels and subjects', async () => {
  if (!existsSync(DATA)) return console.log(`  [skip] real-data test: ${DATA} not found`);
  const gsm8k = await load('gsm8k', join(DATA, 'gsm8k/test.jsonl'));
  assert.is(gsm8k.length, 1319);
  assert.is(gsm8k[0]!.reference, '18');
  assert.ok(
    gsm8k.every((i) => /^-?[\d,]+(\.\d+)?$/.test(i.reference)),
    'every GSM8K reference is a number',
  );
  const full = await load('math', join(DATA, 'math/math_test_full.jsonl'));
  assert.is(full.length, 5000);
  const byLevel = [1, 2, 3, 4, 5].map((l) => full.filter((i) => i.level === l).length);
  assert.equal(byLevel, [437, 894, 1131, 1214, 1324]);
  assert.is(full.filter((i) => i.subject === 'Algebra').length, 1187);
  assert.is(full[0]!.reference, '2');
  const m500 = await load('math500', join(DATA, 'math/math500_test.jsonl'));
  assert.is(m500.length, 500);
  assert.is(m500[0]!.id, 'test/precalculus/807.json');
  assert.is(new Set(m500.map((i) => i.id)).size, 500);
  assert.is((await load('math500', join(DATA, 'math/math500_test.jsonl'), { levels: [5] })).length, 134);
  assert.is((await load('math500', join(DATA, 'math/math500_test.jsonl'), { subjects: ['counting & probability'] })).length, 38);
});

test.run();

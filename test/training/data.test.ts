import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FormatError, InvalidOptionError } from '../../src/core/errors.ts';
import { labelCounts, loadExamples, streamExamples, writeSteptreeJsonl, type DataFormat } from '../../src/training/data/index.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'steptree-data-'));

test.after(() => rmSync(tmp, { recursive: true, force: true }));

test('processbench: 1 before the first error, 0 on it, null after; -1 means all correct', async () => {
  const { examples } = await loadExamples(fixture('processbench.jsonl'), 'processbench');
  assert.equal(
    examples.map((e) => [e.id, e.labels]),
    [
      ['pb-0', [1, 0, null, null]],
      ['pb-1', [1, 1]],
      ['pb-2', [0, null]],
    ],
  );
  assert.is(examples[0]!.problem, 'What is 2+3*4?');
  assert.is(examples[0]!.source, 'processbench/processbench');
});

test('prmbench: 1-based error_steps, past-the-end entries ignored and counted, redundency originals optional', async () => {
  const { examples, warnings } = await loadExamples(fixture('prmbench.jsonl'), 'prmbench');
  assert.equal(
    examples.map((e) => [e.id, e.labels]),
    [
      ['circular_p_0', [1, 1, 0, null]], // error_steps [4, 3] → first error is step 3 (index 2)
      ['redundency_p_0', [1, 1, 0]], // 9 is past the end
      ['deception_p_1', [1, 1]], // only a past-the-end entry → loads as all-correct, counted
      ['multi_solutions_p_2', [1, 1]],
    ],
  );
  assert.equal(warnings, { errorStepsPastEnd: 2, rowsWithPastEndErrors: 2, rowsWithOnlyPastEndErrors: 1, unratedRows: 0, duplicateIds: 0 });
  assert.is(examples[0]!.problem, 'Q1');
  const withOrig = await loadExamples(fixture('prmbench.jsonl'), 'prmbench', { prmbenchOriginals: true });
  assert.is(withOrig.examples.length, 5);
  const orig = withOrig.examples[2]!;
  assert.equal([orig.id, orig.problem, orig.steps, orig.labels], ['redundency_p_0_original', 'Q2 orig', ['a', 'b'], [1, 1]]);
});

test('prm800k-critic: one example per rated row, only the last step labelled, neutral option', async () => {
  const { examples, warnings } = await loadExamples(fixture('critic.jsonl'), 'prm800k-critic');
  assert.is(warnings.unratedRows, 1);
  assert.equal(
    examples.map((e) => [e.steps, e.labels]),
    [
      [['s1'], [1]],
      [
        ['s1', 'bad'],
        [null, 0],
      ],
      [
        ['s1', 'meh'],
        [null, 1],
      ],
      [
        ['s1', 'meh', 'So it is 7.\n\n# Answer\n\n7'],
        [null, null, 1],
      ],
    ],
  );
  assert.is(examples[1]!.id, 'critic:2');
  for (const neutral of [0, 0.5] as const) {
    const r = await loadExamples(fixture('critic.jsonl'), 'prm800k-critic', { neutral });
    assert.is(r.examples[2]!.labels[1], neutral);
  }
  try {
    await loadExamples(fixture('critic.jsonl'), 'prm800k-critic', { neutral: 0.3 as never });
    assert.unreachable('bad neutral accepted');
  } catch (e) {
    assert.instance(e, InvalidOptionError);
  }
});

test('steptree: round trip through writeSteptreeJsonl, ids default to file:line', async () => {
  const { examples } = await loadExamples(fixture('steptree.jsonl'), 'steptree');
  assert.equal(examples[0], { id: 'st-0', problem: 'P', steps: ['a', 'b', 'c'], labels: [1, 0.375, null], source: 'mc' });
  assert.is(examples[1]!.id, 'steptree:2');
  const out = join(tmp, 'round.jsonl');
  assert.is(await writeSteptreeJsonl(out, examples), 2);
  const again = await loadExamples(out, 'steptree');
  assert.equal(again.examples, examples);
  try {
    await writeSteptreeJsonl(join(tmp, 'bad.jsonl'), [{ id: 'x', problem: 'p', steps: ['a'], labels: [1, 1] }]);
    assert.unreachable('mismatched labels written');
  } catch (e) {
    assert.instance(e, FormatError);
    assert.match((e as Error).message, /labels/);
  }
});

async function failure(body: string, format: DataFormat): Promise<FormatError> {
  const file = join(tmp, `bad-${format}.jsonl`);
  writeFileSync(file, body);
  try {
    for await (const _ of streamExamples(file, format));
  } catch (e) {
    assert.instance(e, FormatError);
    return e as FormatError;
  }
  throw new Error(`no error for ${body}`);
}

test('bad rows raise FormatError naming file:line and field', async () => {
  const good = '{"id":"a","problem":"p","steps":["s"],"label":-1}\n';
  let e = await failure(good + '\n{"id":"b","problem":"p","steps":["s","t"],"label":2}\n', 'processbench');
  assert.match(e.message, /bad-processbench\.jsonl:3: field `label`: expected an integer in \[-1, 1\], got 2/);
  e = await failure(good + '{"id":"b","problem":"p","steps":["s",3],"label":0}', 'processbench');
  assert.match(e.message, /:2: field `steps\[1\]`: expected a string, got number 3/);
  e = await failure('{"id": oops}', 'processbench');
  assert.match(e.message, /:1: invalid JSON/);
  e = await failure('{"classification":"c","idx":"i","modified_question":"q","modified_process":["a"],"error_steps":[0]}', 'prmbench');
  assert.match(e.message, /:1: field `error_steps\[0\]`: expected a 1-based step number, got 0/);
  e = await failure('{"instruction":"p","responses":[],"next_response":"s","rating":2}', 'prm800k-critic');
  assert.match(e.message, /field `rating`/);
  e = await failure('{"problem":"p","steps":["a","b"],"labels":[1]}', 'steptree');
  assert.match(e.message, /:1: field `labels`: expected an array of 2 numbers/);
  e = await failure('{"problem":"p","steps":["a"],"labels":[1.5]}', 'steptree');
  assert.match(e.message, /field `labels\[0\]`/);
  e = await failure('[1,2]', 'steptree');
  assert.match(e.message, /expected a JSON object, got an array/);
});

// Real data: resolved from the repo root (../shared/data); skipped with a message when absent.
const DATA = fileURLToPath(new URL('../../../shared/data/', import.meta.url));

test('real data in ../shared/data: row counts and label rules', async () => {
  if (!existsSync(DATA)) {
    console.log(`  [skip] real-data test: ${DATA} not found`);
    return;
  }
  const expected: Record<string, [number, number]> = { gsm8k: [400, 193], math: [1000, 406], olympiadbench: [1000, 339], omnimath: [1000, 241] };
  for (const [name, [rows, allCorrect]] of Object.entries(expected)) {
    const { examples } = await loadExamples(join(DATA, 'processbench', `${name}.jsonl`), 'processbench');
    assert.is(examples.length, rows, name);
    assert.is(examples.filter((e) => e.labels.every((l) => l === 1)).length, allCorrect, name);
    for (const e of examples) {
      const k = e.labels.indexOf(0);
      // every label sequence is 1…1 then (0 then null…) or all 1
      if (k >= 0) assert.ok(e.labels.slice(0, k).every((l) => l === 1) && e.labels.slice(k + 1).every((l) => l === null), e.id);
    }
    console.log(`  processbench/${name}:`, JSON.stringify(labelCounts(examples)));
    if (name === 'gsm8k') assert.equal([examples[0]!.id, examples[0]!.labels], ['gsm8k-0', [1, 0, null, null]]); // label 1, 4 steps
  }
  const pb = readdirSync(join(DATA, 'prmbench'))
    .filter((f) => f.endsWith('.jsonl'))
    .map((f) => join(DATA, 'prmbench', f));
  assert.is(pb.length, 25);
  const prm = await loadExamples(pb, 'prmbench', { prmbenchOriginals: true });
  const perturbed = prm.examples.filter((e) => !e.id.endsWith('_original'));
  assert.is(perturbed.length, 6216);
  assert.is(new Set(perturbed.map((e) => e.id)).size, 6216);
  // first circular test_p1 row: error_steps [3, 4, 5] over 7 steps
  assert.equal(perturbed.find((e) => e.id === 'circular_prm_test_p1_0')!.labels, [1, 1, 0, null, null, null, null]);
  assert.is(prm.warnings.duplicateIds, 5);
  assert.is(prm.warnings.rowsWithPastEndErrors, 100); // matches the data README // multi_solutions repeats 5 idx values with different solutions
  assert.is(perturbed.filter((e) => e.source === 'prmbench/multi_solutions' && e.labels.every((l) => l === 1)).length, 165);
  console.log('  prmbench (perturbed):', JSON.stringify(labelCounts(perturbed)), 'warnings', JSON.stringify(prm.warnings));
  console.log('  prmbench (redundency originals):', JSON.stringify(labelCounts(prm.examples.filter((e) => e.id.endsWith('_original')))));
  const critic = await loadExamples(join(DATA, 'prm800k_phase1_test_critic', 'phase1_test.stepwise-critic.jsonl'), 'prm800k-critic');
  assert.is(critic.warnings.unratedRows, 367);
  assert.is(critic.examples.length, 5449 - 367);
  const last = critic.examples.map((e) => e.labels[e.labels.length - 1]);
  assert.equal([last.filter((l) => l === 1).length, last.filter((l) => l === 0).length], [2245 + 867, 1970]);
  assert.ok(critic.examples.every((e) => e.labels.slice(0, -1).every((l) => l === null)));
  assert.is(critic.examples.filter((e) => e.steps[e.steps.length - 1]!.includes('\n\n# Answer\n\n')).length > 0, true);
  console.log('  prm800k-critic:', JSON.stringify(labelCounts(critic.examples)));
});

test.run();

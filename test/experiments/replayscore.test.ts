import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FormatError, InvalidOptionError } from '../../src/core/errors.ts';
import { rescorePools, scoreSolutions, splitSteps, type StepScoreRow } from '../../src/experiments/replayscore.ts';
import type { SweepItem } from '../../src/experiments/sources.ts';
import { JsonlStore } from '../../src/experiments/store.ts';
import type { PoolRow } from '../../src/experiments/sweep.ts';
import type { PRM, ScoreRequest } from '../../src/reward/types.ts';

/** A PRM whose score is read from the step text (`… [0.3]`), recording every batch and release. */
function recording(): PRM & { batches: ScoreRequest[][]; released: string[] } {
  const batches: ScoreRequest[][] = [];
  const released: string[] = [];
  return {
    name: 'rec',
    batches,
    released,
    score: async (reqs) => (batches.push([...reqs]), reqs.map((r) => Number(/\[([\d.]+)\]/.exec(r.step)?.[1] ?? 0.5))),
    release: (keys) => void released.push(...keys),
  };
}

const item: SweepItem = { id: 'replay-0', problem: { id: 'replay-0', text: 'What is 2+2?' }, reference: '4' };

test('steps are paragraphs: cut at blank lines (with spaces in them), trimmed; a text with none is one step', () => {
  assert.equal(splitSteps('a\n\nb\n  \n c \n\n\n'), ['a', 'b', 'c']);
  assert.equal(splitSteps('one line\nstill one step'), ['one line\nstill one step']);
  assert.equal(splitSteps('  '), ['']);
});

test('scores depth by depth: one batch per depth across solutions, each step under its prefix, keyed to its parent', async () => {
  const prm = recording();
  const sols = ['s1 [0.9]\n\ns2 [0.2]\n\ns3 [0.7]', 't1 [0.4]', 'u1 [0.8]\n\nu2 [0.6]'];
  const scores = await scoreSolutions(prm, item, sols, 'k');
  assert.equal(scores, [[0.9, 0.2, 0.7], [0.4], [0.8, 0.6]]);
  assert.equal(
    prm.batches.map((b) => b.length),
    [3, 2, 1],
  );
  const second = prm.batches[1]!;
  assert.equal(
    second.map((r) => [r.key, r.parentKey, r.prefix]),
    [
      ['k/0/1', 'k/0/0', ['s1 [0.9]']],
      ['k/2/1', 'k/2/0', ['u1 [0.8]']],
    ],
  );
  assert.ok(prm.batches[0]!.every((r) => r.parentKey === undefined && r.prefix.length === 0 && r.problem === item.problem));
  // a parent is always scored in an earlier batch than its child, and every key is released at the end
  const seen = new Set<string>();
  for (const b of prm.batches) {
    for (const r of b) assert.ok(!r.parentKey || seen.has(r.parentKey), `${r.key} before its parent`);
    for (const r of b) seen.add(r.key);
  }
  assert.equal(prm.released.sort(), [...seen].sort());
});

const pools: PoolRow[] = [
  {
    key: 'pool|pool|replay-0|0',
    kind: 'pool',
    prm: 'pool',
    problem: 'replay-0',
    seed: 0,
    samples: [
      ['4', 2.5, true],
      ['5', -1, false],
    ],
    tokens: 0,
    policyCalls: 2,
    prmCalls: 2,
  },
];
const responses = new Map([['replay-0', ['a [0.9]\n\nb [0.3]', 'c [0.6]\n\nd [0.8]']]]);

function opts(store: JsonlStore<StepScoreRow>, prm: () => Promise<PRM>, over: Partial<Parameters<typeof rescorePools>[0]> = {}) {
  return { items: [item], pools, responses, prm, spec: 'tfjs:M', label: 'ours, min', aggregation: 'min' as const, store, file: 'set.jsonl', ...over };
}

test('the pools re-scored: answers and grades kept, scores are the aggregated step scores, PRM calls are the steps', async () => {
  const store = new JsonlStore<StepScoreRow>(join(mkdtempSync(join(tmpdir(), 'rs-')), 'results.jsonl'));
  const prm = recording();
  const [row] = await rescorePools(opts(store, async () => prm));
  assert.equal(row!.samples, [
    ['4', 0.3, true],
    ['5', 0.6, false],
  ]);
  assert.is(row!.key, 'pool|ours, min|replay-0|0');
  assert.is(row!.prm, 'ours, min');
  assert.is(row!.prmCalls, 4);
  // the same PRM spec with another aggregation reuses the stored step scores: nothing is scored again
  let loads = 0;
  const [last] = await rescorePools(opts(store, async () => (loads++, prm), { aggregation: 'last', label: 'ours, last' }));
  assert.equal(
    last!.samples.map((s) => s[1]),
    [0.3, 0.8],
  );
  assert.is(loads, 0);
  assert.is(prm.batches.length, 2);
  // and the rows survive a reopen of the store
  assert.equal(new JsonlStore<StepScoreRow>(store.file).get('steps|tfjs:M|replay-0|0')!.scores, [
    [0.9, 0.3],
    [0.6, 0.8],
  ]);
});

test('report-only never scores: a missing row names the config entry; a pool without solutions names the file', async () => {
  const store = new JsonlStore<StepScoreRow>(join(mkdtempSync(join(tmpdir(), 'rs-')), 'results.jsonl'));
  let loads = 0;
  const load = async () => (loads++, recording());
  const e = await rescorePools(opts(store, load, { readOnly: 'prms[1]' })).catch((x: unknown) => x);
  assert.ok(e instanceof InvalidOptionError && e.option === '--report-only' && /prms\[1\] \(tfjs:M\): problem replay-0/.test(e.message), String(e));
  const f = await rescorePools(opts(store, load, { responses: new Map() })).catch((x: unknown) => x);
  assert.ok(f instanceof FormatError && /set\.jsonl/.test(f.message) && /replay-0 has no `response`/.test(f.message), String(f));
  assert.is(loads, 0);
  assert.is(store.size, 0);
});

test.run();

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { FormatError, InvalidOptionError } from '../../src/core/errors.ts';
import { analyze } from '../../src/experiments/analyze.ts';
import { parseConfig } from '../../src/experiments/config.ts';
import { writeOutputs } from '../../src/experiments/outputs.ts';
import { readSnapshot, SNAPSHOT, storedSweep, writeSnapshot } from '../../src/experiments/snapshot.ts';
import { loadSource } from '../../src/experiments/sources.ts';
import { registryDeps, runSweep, type Row } from '../../src/experiments/sweep.ts';

const raw = {
  name: 'snap',
  task: { kind: 'arith', problems: 2, lengths: [4] },
  policy: { kind: 'arith-sim', options: { errorRate: 0.4 } },
  prms: [{ spec: 'verifier', noise: 1 }],
  strategies: [{ strategy: 'greedy' }, { strategy: 'beam', params: { beamWidth: 2 } }],
  budgets: { values: [2, 4] },
  pool: { n: 4 },
  seeds: [1],
  bootstrap: { resamples: 100 },
  saveTrees: 1,
};
const config = parseConfig(raw);

async function sweep(): Promise<{ dir: string; rows: Row[]; items: Awaited<ReturnType<typeof loadSource>>['items'] }> {
  const dir = mkdtempSync(join(tmpdir(), 'snap-'));
  const src = await loadSource(config.task);
  const { rows } = await runSweep(config, src, dir, { ...registryDeps(config, src), log: undefined });
  return { dir, rows, items: src.items };
}

const thrown = (f: () => unknown): unknown => {
  try {
    f();
  } catch (e) {
    return e;
  }
  return null;
};

test('the snapshot round-trips every row in plan order, and the same rows give the same bytes', async () => {
  const { dir, rows } = await sweep();
  const file = writeSnapshot(dir, rows);
  const bytes = readFileSync(file);
  assert.equal([...readSnapshot(dir)!.values()], rows);
  writeSnapshot(dir, rows);
  assert.ok(readFileSync(file).equals(bytes), 'byte-identical rewrite');
  assert.is(readSnapshot(mkdtempSync(join(tmpdir(), 'snap-'))), null);
});

test('report-only reads the snapshot alone (no results.jsonl) and the analysis is the same', async () => {
  const { dir, rows, items } = await sweep();
  writeSnapshot(dir, rows);
  const clone = mkdtempSync(join(tmpdir(), 'snap-clone-'));
  copyFileSync(join(dir, SNAPSHOT), join(clone, SNAPSHOT));
  const stored = storedSweep(config, items, clone);
  assert.equal(stored.rows, rows);
  assert.is(stored.ran, 0);
  assert.equal(analyze(config, items, stored.rows), analyze(config, items, rows));
});

test('report-only never runs: a planned job missing from the snapshot is an error naming the flag', async () => {
  const { dir, rows, items } = await sweep();
  writeSnapshot(dir, rows.slice(1));
  const e = thrown(() => storedSweep(config, items, dir));
  assert.ok(e instanceof InvalidOptionError && e.option === '--report-only' && /1 of \d+ planned jobs/.test(e.message), String(e));
  // a config that plans more than was run
  writeSnapshot(dir, rows);
  const more = parseConfig({ ...raw, budgets: { values: [2, 4, 8] } });
  const e2 = thrown(() => storedSweep(more, items, dir));
  assert.ok(e2 instanceof InvalidOptionError && /not in .*rows\.jsonl\.gz/.test(e2.message), String(e2));
});

test('without a snapshot: a search sweep falls back to results.jsonl, a dataset sweep is an error', async () => {
  const { dir, rows, items } = await sweep();
  assert.not.ok(existsSync(join(dir, SNAPSHOT)));
  assert.equal(storedSweep(config, items, dir).rows, rows);
  const dataset = parseConfig({ ...raw, task: { kind: 'dataset', dataset: 'gsm8k', path: 'none.jsonl' } });
  const e = thrown(() => storedSweep(dataset, items, dir));
  assert.ok(e instanceof InvalidOptionError && /no rows\.jsonl\.gz in/.test(e.message), String(e));
});

test('a malformed snapshot line is a FormatError naming file and line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'snap-'));
  writeFileSync(join(dir, SNAPSHOT), gzipSync('{"key":"a","kind":"pool"}\nnot json\n'));
  const e = thrown(() => readSnapshot(dir));
  assert.ok(e instanceof FormatError && /rows\.jsonl\.gz:2/.test(e.message), String(e));
  writeFileSync(join(dir, SNAPSHOT), 'plain text');
  assert.ok(thrown(() => readSnapshot(dir)) instanceof FormatError);
});

test('the report links a viewer page only when this run wrote it, else gives the command', async () => {
  const { dir, rows, items } = await sweep();
  const a = analyze(config, items, rows);
  const base = { name: 'snap', config, rows, ...a, skipped: [], notes: [] };
  const tree = rows.find((r) => r.kind === 'run' && r.tree)!;
  const page = (tree as { tree: string }).tree.replace(/\.json$/, '.html');
  await writeOutputs(dir, { ...base, viewerPages: true });
  assert.ok(existsSync(join(dir, page)), 'page written');
  assert.ok(readFileSync(join(dir, 'report.html'), 'utf8').includes(`href="${page}"`));
  // viewerPages false: the page left from the first call stays on disk but is not linked
  await writeOutputs(dir, { ...base, viewerPages: false });
  const html = readFileSync(join(dir, 'report.html'), 'utf8');
  assert.not.ok(/href="[^"]*\.html"/.test(html), 'no link to a viewer page');
  assert.ok(html.includes(`npx steptree view ${(tree as { tree: string }).tree}`));
  assert.ok(html.includes(`href="${(tree as { tree: string }).tree}"`), 'the tree JSON is linked');
  // and with no pages asked, none is written
  for (const f of readdirSync(join(dir, 'trees'))) if (f.endsWith('.html')) rmSync(join(dir, 'trees', f));
  await writeOutputs(dir, { ...base, viewerPages: false });
  const left = readdirSync(join(dir, 'trees'));
  assert.ok(left.length > 0 && left.every((f) => f.endsWith('.json')), left.join(' '));
});

test.run();

import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bench, benchConfig } from '../../src/cli/bench.ts';
import { InvalidOptionError } from '../../src/core/errors.ts';
import { configHash, resolveConfig } from '../../src/runner/config.ts';
import { dropTornTail, readResults, ResultsWriter, rewriteWithout } from '../../src/runner/results.ts';
import { wilson } from '../../src/runner/wilson.ts';
import { tmp } from './helpers.ts';

const min = { dataset: 'gsm8k', data: 'x.jsonl', policy: 'simulated', strategy: 'greedy', out: 'runs/a' };
const message = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    assert.instance(e, InvalidOptionError);
    return (e as Error).message;
  }
  throw new Error('expected an InvalidOptionError');
};

test('config: defaults, and zod messages that name the field', () => {
  const c = resolveConfig(min);
  assert.equal([c.prm, c.seeds, c.concurrency, c.saveTrees], ['none', [1], 8, false]);
  assert.match(
    message(() => resolveConfig({ ...min, seeds: [1, 'a'] })),
    /`config\.seeds\.1`/,
  );
  assert.match(
    message(() => resolveConfig({ ...min, budget: { tokens: -1 } })),
    /`config\.budget\.tokens`/,
  );
  assert.match(
    message(() => resolveConfig({ ...min, bogus: 1 })),
    /`config\.bogus`: Unrecognized key/,
  );
  assert.match(
    message(() => resolveConfig({ ...min, shard: '3/3' })),
    /`config\.shard`: expected 0 ≤ i < n/,
  );
  assert.match(
    message(() => resolveConfig({ ...min, out: undefined })),
    /`config\.out`/,
  );
});

test('config hash: key order and run-only options do not change it; computed options do', () => {
  const h = configHash(resolveConfig(min));
  assert.is(
    configHash(
      resolveConfig({ out: 'runs/b', strategy: 'greedy', policy: 'simulated', data: 'moved.jsonl', dataset: 'gsm8k', concurrency: 64, saveTrees: true }),
    ),
    h,
  );
  assert.is.not(configHash(resolveConfig({ ...min, seeds: [1, 2] })), h);
  assert.is.not(configHash(resolveConfig({ ...min, policyOptions: { errorRate: 0.2 } })), h);
});

test('CLI: flags over a config file, flag errors name the flag, file errors the file field', () => {
  const dir = tmp('cfg');
  const file = join(dir, 'run.json');
  writeFileSync(file, JSON.stringify({ ...min, policyOptions: { errorRate: 0.1, annotations: 'keep' }, strategyOptions: { maxDepth: 9 }, seeds: [1, 2] }));
  const { config } = benchConfig([
    '--config',
    file,
    '--error-rate',
    '0.3',
    '--strategy',
    'beam',
    '--n',
    '8',
    '--beam-width',
    '4',
    '--seeds',
    '3',
    '--levels',
    '1,2',
    '--shard',
    '0/2',
  ]);
  assert.equal(config.policyOptions, { errorRate: 0.3, annotations: 'keep' });
  assert.equal(config.strategyOptions, { maxDepth: 9, n: 8, beamWidth: 4 });
  assert.equal([config.strategy, config.seeds, config.levels, config.shard], ['beam', [3], [1, 2], '0/2']);
  assert.match(
    message(() => benchConfig(['--config', file, '--concurrency', '0'])),
    /`--concurrency`/,
  );
  writeFileSync(file, JSON.stringify({ ...min, concurrency: 0 }));
  assert.match(
    message(() => benchConfig(['--config', file])),
    /run\.json: concurrency`/,
  );
  assert.match(
    message(() => benchConfig(['--bogus'])),
    /--bogus/,
  );
  const kv = benchConfig(['--config', file, '--concurrency', '2', '--policy-option', 'nMode=fanout', '--policy-option', 'timeoutMs=500']).config.policyOptions;
  assert.equal(kv, { nMode: 'fanout', timeoutMs: 500 });
});

test('Wilson interval: known values and edges', () => {
  const [lo, hi] = wilson(80, 100);
  assert.ok(Math.abs(lo - 0.7112) < 1e-3 && Math.abs(hi - 0.8666) < 1e-3, `${lo} ${hi}`);
  assert.equal(wilson(0, 0), [0, 1]);
  const [l0, h0] = wilson(0, 10);
  assert.is(l0, 0);
  assert.ok(Math.abs(h0 - 0.2775) < 1e-3);
  assert.ok(wilson(10, 10)[1] === 1 && wilson(10, 10)[0] < 1);
});

test('results file: a torn tail is dropped; a file of only a torn line empties; rewrite drops selected records', async () => {
  const dir = tmp('res');
  const f = join(dir, 'results.jsonl');
  const rec = (k: string, status: string) => JSON.stringify({ key: k, status });
  writeFileSync(f, `${rec('a', 'ok')}\n${rec('b', 'error')}\n{"key":"c","sta`);
  assert.is(await dropTornTail(f), 15);
  const keys = async () => {
    const out: string[] = [];
    for await (const r of readResults(f)) out.push(r.key);
    return out;
  };
  assert.equal(await keys(), ['a', 'b']);
  assert.is(await dropTornTail(f), 0);
  assert.is(await rewriteWithout(f, (r) => r.status === 'error'), 1);
  assert.equal(await keys(), ['a']);
  writeFileSync(f, '{"key":"x"');
  assert.is(await dropTornTail(f), 10);
  assert.equal(await keys(), []);
});

test('results writer: concurrent appends all land, fsyncs are shared', async () => {
  const f = join(tmp('writer'), 'results.jsonl');
  const w = await ResultsWriter.open(f);
  await Promise.all(Array.from({ length: 50 }, (_, i) => w.append({ key: `k${i}`, status: 'ok' } as never)));
  await w.close();
  const keys: string[] = [];
  for await (const r of readResults(f)) keys.push(r.key);
  assert.equal(
    keys,
    Array.from({ length: 50 }, (_, i) => `k${i}`),
  );
  assert.is(w.stats.lines, 50);
  assert.ok(w.stats.syncs < 50, `${w.stats.syncs} fsyncs`);
});

test('--print-config prints the resolved config and runs nothing', async () => {
  const out = join(tmp('print'), 'run');
  const logs: string[] = [];
  const log = console.log;
  console.log = (s: string) => void logs.push(s);
  try {
    assert.is(
      await bench(['--dataset', 'arith', '--data', '3', '--policy', 'arith-sim', '--prm', 'verifier', '--strategy', 'greedy', '--out', out, '--print-config']),
      0,
    );
  } finally {
    console.log = log;
  }
  const c = JSON.parse(logs.join('\n'));
  assert.equal([c.dataset, c.prm, c.concurrency, c.seeds], ['arith', 'verifier', 8, [1]]);
  assert.not.ok(existsSync(out));
});

test.run();

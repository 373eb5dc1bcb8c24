import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { ResponseCache, stableJson } from '../../src/policy/cache.ts';

test('keys: field order does not matter, every field does (sample index, seed, n)', () => {
  const base = { endpoint: 'http://x/v1/completions', sample: 0, body: { model: 'm', prompt: 'p', n: 1, seed: 7 } };
  assert.is(ResponseCache.key(base), ResponseCache.key({ body: { seed: 7, n: 1, prompt: 'p', model: 'm' }, sample: 0, endpoint: 'http://x/v1/completions' }));
  for (const v of [
    { ...base, sample: 1 },
    { ...base, body: { ...base.body, seed: 8 } },
    { ...base, body: { ...base.body, n: 2 } },
    { ...base, endpoint: 'http://y/v1/completions' },
  ]) {
    assert.is.not(ResponseCache.key(v), ResponseCache.key(base));
  }
  assert.is(stableJson({ b: [1, { d: 2, c: 3 }], a: undefined }), '{"b":[1,{"c":3,"d":2}]}');
});

test('round trip, counters, a torn entry reads as a miss, no temporary files left', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cache-'));
  try {
    const c = new ResponseCache(join(dir, 'nested'));
    const k = ResponseCache.key({ q: 1 });
    assert.is(c.get(k), undefined);
    c.set(k, { choices: [1] }, { q: 1 });
    assert.equal(c.get(k), { choices: [1] }); // served from memory while the write is in flight
    await c.flush();
    assert.equal(new ResponseCache(join(dir, 'nested')).get(k), { choices: [1] });
    writeFileSync(join(dir, 'nested', k.slice(0, 2), `${k}.json`), '{"key": "tor');
    assert.is(c.get(k), undefined);
    assert.equal([c.hits, c.misses, c.writes, c.writeErrors], [1, 2, 1, 0]);
    assert.is(
      readdirSync(join(dir, 'nested'), { recursive: true })
        .map(String)
        .filter((f) => f.endsWith('.tmp')).length,
      0,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('process.exit with writes in flight: they land anyway', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cache-exit-'));
  try {
    const src = `import { ResponseCache } from ${JSON.stringify(new URL('../../src/policy/cache.ts', import.meta.url).pathname)};
      const c = new ResponseCache(${JSON.stringify(dir)});
      for (let i = 0; i < 50; i++) c.set(ResponseCache.key({ i }), { i });
      process.exit(0);`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', src], {
      cwd: new URL('../..', import.meta.url).pathname,
      encoding: 'utf8',
    });
    assert.is(r.status, 0, r.stderr);
    const c = new ResponseCache(dir);
    assert.is(Array.from({ length: 50 }, (_, i) => c.get<{ i: number }>(ResponseCache.key({ i }))?.i).filter((v) => v !== undefined).length, 50);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();

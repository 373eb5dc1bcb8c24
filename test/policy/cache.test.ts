import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ResponseCache, stableJson } from '../../src/policy/cache.ts';

test('keys: field order does not matter, every field does (sample index, seed, n)', () => {
  const base = { endpoint: 'http://x/v1/completions', sample: 0, body: { model: 'm', prompt: 'p', n: 1, seed: 7 } };
  assert.is(ResponseCache.key(base), ResponseCache.key({ body: { seed: 7, n: 1, prompt: 'p', model: 'm' }, sample: 0, endpoint: 'http://x/v1/completions' }));
  for (const v of [{ ...base, sample: 1 }, { ...base, body: { ...base.body, seed: 8 } }, { ...base, body: { ...base.body, n: 2 } }, { ...base, endpoint: 'http://y/v1/completions' }]) {
    assert.is.not(ResponseCache.key(v), ResponseCache.key(base));
  }
  assert.is(stableJson({ b: [1, { d: 2, c: 3 }], a: undefined }), '{"b":[1,{"c":3,"d":2}]}');
});

test('round trip, counters, a torn entry reads as a miss, no temporary files left', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cache-'));
  try {
    const c = new ResponseCache(join(dir, 'nested'));
    const k = ResponseCache.key({ q: 1 });
    assert.is(c.get(k), undefined);
    c.set(k, { choices: [1] }, { q: 1 });
    assert.equal(c.get(k), { choices: [1] });
    assert.equal(new ResponseCache(join(dir, 'nested')).get(k), { choices: [1] });
    writeFileSync(join(dir, 'nested', k.slice(0, 2), `${k}.json`), '{"key": "tor');
    assert.is(c.get(k), undefined);
    assert.equal([c.hits, c.misses, c.writes], [1, 2, 1]);
    assert.is(readdirSync(join(dir, 'nested'), { recursive: true }).map(String).filter((f) => f.endsWith('.tmp')).length, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();

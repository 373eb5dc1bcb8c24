// The engine core runs in any JavaScript runtime: no Node built-ins in src/core and src/search.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : f.endsWith('.ts') ? [join(dir, f)] : []));

test('src/core and src/search use no node: imports, setImmediate or process', () => {
  const bad: string[] = [];
  for (const f of [...files('src/core'), ...files('src/search')]) {
    const text = readFileSync(f, 'utf8');
    for (const [re, what] of [
      [/from ['"]node:/, 'a node: import'],
      [/\bsetImmediate\b/, 'setImmediate'],
      [/\bprocess\./, 'process'],
      [/\bBuffer\b/, 'Buffer'],
    ] as const)
      if (re.test(text)) bad.push(`${f}: ${what}`);
  }
  assert.equal(bad, []);
});

test.run();

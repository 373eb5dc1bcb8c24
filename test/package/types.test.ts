// The package's .d.ts as a TypeScript user sees them: a consumer project (fixtures/consumer) type-checked with
// moduleResolution nodenext, exactOptionalPropertyTypes and skipLibCheck off, against the installed tarball.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { repo, tfjsProject } from './setup.ts';

test('a consumer type-checks against the packed package (nodenext, exactOptionalPropertyTypes, no skipLibCheck)', () => {
  const dir = tfjsProject();
  for (const f of ['consumer.ts', 'tsconfig.json']) copyFileSync(join(repo, 'test/package/fixtures/consumer', f), join(dir, f));
  const r = spawnSync(process.execPath, [join(repo, 'node_modules/typescript/bin/tsc'), '-p', dir], { cwd: dir, encoding: 'utf8', timeout: 300_000 });
  assert.equal(r.stdout + r.stderr, '', 'tsc reported errors');
  assert.equal(r.status, 0);
});

test.run();

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeWhole } from '../../src/core/files.ts';

test('writeWhole: writes and overwrites in place, leaving no temporary file behind', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'steptree-files-'));
  const f = join(dir, 'config.json');
  await writeWhole(f, 'one');
  assert.is(readFileSync(f, 'utf8'), 'one');
  writeFileSync(join(dir, 'other'), 'x');
  await writeWhole(f, new Uint8Array([116, 119, 111]));
  assert.is(readFileSync(f, 'utf8'), 'two');
  assert.equal(readdirSync(dir).sort(), ['config.json', 'other']);
});

test('writeWhole: a failed write leaves the old file as it was', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'steptree-files-'));
  const f = join(dir, 'weights.bin');
  await writeWhole(f, 'old');
  // a non-string, non-buffer payload makes the temporary write throw before anything is renamed
  await writeWhole(f, 42 as unknown as string).then(
    () => assert.unreachable('should throw'),
    () => {},
  );
  assert.is(readFileSync(f, 'utf8'), 'old');
});

test.run();

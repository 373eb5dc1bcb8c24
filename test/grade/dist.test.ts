import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { workerSpec } from '../../src/grade/pool.ts';

// The symbolic worker must start both under tsx (.ts, this process) and from built .js files run by
// plain node, with no loader: the pool picks worker.ts or worker.js by its own file's extension.

test("the worker path keeps the calling file's extension", () => {
  const ts = workerSpec('file:///x/grade/pool.ts');
  assert.ok(ts.eval && typeof ts.script === 'string' && ts.script.includes('file:///x/grade/worker.ts') && ts.script.includes('register()'));
  const js = workerSpec('file:///x/dist/grade/pool.js');
  assert.equal(js, { script: new URL('file:///x/dist/grade/worker.js'), eval: false });
});

test('a built dist (index.js + worker.js) grades symbolically under plain node, and exits without closeGraders()', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'steptree-grade-dist-'));
  try {
    const src = new URL('../../src/grade/', import.meta.url);
    await build({
      entryPoints: { index: new URL('index.ts', src).pathname, worker: new URL('worker.ts', src).pathname },
      outdir: dir,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      logLevel: 'error',
    });
    const main = join(dir, 'main.mjs');
    writeFileSync(
      main,
      `import { gradeAnswer } from ${JSON.stringify(pathToFileURL(join(dir, 'index.js')).href)};
const g = await gradeAnswer('math', 'x^2+2x+1', '(x+1)^2', { timeoutMs: 30000 });
console.log(JSON.stringify(g));`,
    );
    // no closeGraders(): idle workers are unref'd, so the process still ends (a hang fails on the timeout)
    const r = spawnSync(process.execPath, [main], { encoding: 'utf8', timeout: 120_000 });
    assert.is(r.status, 0, r.stderr);
    const g = JSON.parse(r.stdout.trim().split('\n').pop()!);
    assert.equal([g.correct, g.stage, g.status, g.rule], [true, 2, 'ok', 'symbolic'], r.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();

// The package as users get it: `npm pack`, installed into fresh projects, used by package names only with plain
// node (the machine's, 22 and 24), Bun and Deno: no tsx, no TypeScript, no repo files.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dirBytes, engineProject, lastJson, packedFiles, repo, runOn, runtimes, tfjsProject, type Runtime } from './setup.ts';

const fixture = (dir: string, name: string) => copyFileSync(join(repo, 'test/package/fixtures', name), join(dir, name));
const mb = (b: number) => `${(b / 1e6).toFixed(1)} MB`;

test('the tarball ships dist, bin, models, README and LICENSE, and no sources, tests, benchmarks or CI', () => {
  const files = packedFiles();
  for (const f of [
    'LICENSE',
    'README.md',
    'package.json',
    'bin/steptree.js',
    'dist/index.js',
    'dist/index.d.ts',
    'dist/index.js.map',
    'dist/cli/main.js',
    'models/arith-prm/weights.bin',
  ])
    assert.ok(files.includes(f), `missing ${f}`);
  const stray = files.filter((f) => /^(src|test|benchmarks|\.ci|\.cache|out)\//.test(f) || (f.endsWith('.ts') && !f.endsWith('.d.ts')));
  assert.equal(stray, []);
});

test('engine-only install: none of the optional peers (tfjs, webgpu, openai, vega, resvg, compute-engine) is downloaded', () => {
  const nm = join(engineProject(), 'node_modules');
  for (const p of ['@tensorflow', 'webgpu', 'openai', 'vega', 'vega-lite', '@resvg', '@cortex-js', 'tsx', 'typescript'])
    assert.not.ok(existsSync(join(nm, p)), `${p} was installed`);
  console.log(`  engine-only node_modules: ${mb(dirBytes(nm))}`);
});

function engineSmoke(rt: Runtime) {
  const dir = engineProject();
  fixture(dir, 'engine.mjs');
  const r = runOn(rt, dir, 'engine.mjs');
  const out = lastJson(r);
  assert.equal(out.answer, out.expected, `${rt.name}: beam with the exact verifier finds the answer`);
  assert.ok((out.nodes as number) > 1);
  assert.equal(out.roundTrip, true, `${rt.name}: tree JSON round trip`);
  assert.equal(out.http, 'function');
  assert.equal(out.auc, 1);
  assert.match(String(out.invalid), /beam\.n/);
  // steptree/tfjs and steptree/hf without the tfjs peers: one error that says what to install; the rest load
  const subpaths = out.subpaths as Record<string, string>;
  for (const s of ['steptree/tfjs', 'steptree/hf'])
    assert.match(
      subpaths[s]!,
      new RegExp(`^MissingDependencyError: ${s} needs the npm package \`@tensorflow/tfjs-core\`.*npm install @tensorflow/tfjs-core`),
      s,
    );
  for (const s of ['steptree/ai-sdk', 'steptree/runner', 'steptree/grade', 'steptree/viewer']) assert.equal(subpaths[s], 'imported', `${rt.name}: ${s}`);
}

for (const name of ['node 20', 'node 22', 'node 24', 'bun', 'deno'])
  test(`engine, tasks/arith, http, training, node subpaths on ${name} (and the others load or say what to install)`, () => engineSmoke(pick(name)));

function pick(name: string): Runtime {
  const rt = runtimes().find((r) => r.name === name || (name === 'node 20' && r.name.startsWith('node v')));
  if (!rt) throw new Error(`no runtime ${name}`);
  return rt;
}

test('the bin runs with plain node from the installed package (no tsx): solve, solve --out, view; --prm tfjs says what to install', () => {
  const dir = engineProject();
  const bin = join(dir, 'node_modules/.bin/steptree');
  let r = spawnSync(process.execPath, [bin, 'solve', '--task', 'arith', '--strategy', 'beam', '--prm', 'verifier', '--seed', '1', '--json'], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.correct, true);
  r = spawnSync(process.execPath, [bin, 'solve', '--strategy', 'beam', '--seed', '2', '--out', 'cli-tree.json'], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.equal(r.status, 0, r.stderr);
  r = spawnSync(process.execPath, [bin, 'view', 'cli-tree.json'], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(readFileSync(join(dir, 'cli-tree.html'), 'utf8'), /<html/i);
  r = spawnSync(process.execPath, [bin, 'scale'], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  assert.not.equal(r.status, 0);
  assert.match(r.stderr, /steptree scale \(its plots\) needs the npm package `vega`.*npm install vega/);
  r = spawnSync(process.execPath, [bin, 'solve', '--prm', 'tfjs'], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  assert.not.equal(r.status, 0);
  assert.match(r.stderr, /npm install @tensorflow\/tfjs-core/);
  assert.not.match(r.stderr, /ERR_MODULE_NOT_FOUND|    at /);
});

function tfjsSmoke(rt: Runtime) {
  const dir = tfjsProject();
  fixture(dir, 'tfjs.mjs');
  const out = lastJson(runOn(rt, dir, 'tfjs.mjs', ['wasm'], 300_000));
  assert.equal(out.backend, 'wasm', `${rt.name}: ${JSON.stringify(out.logs)}`);
  assert.ok((out.prmCalls as number) > 0);
  const s = out.score as number;
  assert.ok(s > 0 && s < 1, `score ${s}`);
}

test('tfjs peers add what steptree/tfjs needs, and no more than them', () => {
  const nm = join(tfjsProject(), 'node_modules');
  assert.ok(existsSync(join(nm, '@tensorflow/tfjs-backend-wasm')));
  for (const p of ['webgpu', '@tensorflow/tfjs-backend-webgpu', '@tensorflow/tfjs-node']) assert.not.ok(existsSync(join(nm, p)), `${p} was installed`);
  console.log(`  with tfjs peers (core, cpu, wasm): ${mb(dirBytes(nm))}`);
});

for (const name of ['node 20', 'node 22', 'node 24', 'bun', 'deno'])
  test(`steptree/tfjs: the shipped PRM on wasm scores a search on ${name}`, () => tfjsSmoke(pick(name)));

test('the bin with the tfjs peers: `steptree solve --prm tfjs` (the npm start search) with plain node', () => {
  const dir = tfjsProject();
  const r = spawnSync(
    process.execPath,
    [
      join(dir, 'node_modules/.bin/steptree'),
      'solve',
      '--task',
      'arith',
      '--strategy',
      'dvts',
      '--n',
      '8',
      '--prm',
      'tfjs',
      '--aggregation',
      'min',
      '--seed',
      '1',
      '--json',
    ],
    { cwd: dir, encoding: 'utf8', timeout: 300_000 },
  );
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.ok(out.stats.prmCalls > 0);
  assert.ok(readFileSync(join(dir, 'node_modules/steptree/models/arith-prm/config.json'), 'utf8').includes('steptree-tfjs-prm'));
});

test.run();

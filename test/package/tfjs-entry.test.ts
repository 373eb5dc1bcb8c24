// steptree/tfjs and steptree/hf on Node, Bun and Deno are entry.ts (checks the optional peers, then re-exports index.ts); its types
// are index.ts's. The two export lists must stay equal, or a name would type-check and be undefined at run time.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repo } from './setup.ts';

for (const dir of ['tfjs', 'hf'])
  test(`${dir}/entry.ts exports exactly the values ${dir}/index.ts exports, the same objects`, async () => {
    const index = await import(`../../src/reward/${dir}/index.ts`);
    const entry = await import(`../../src/reward/${dir}/entry.ts`);
    assert.equal(Object.keys(entry).sort(), Object.keys(index).sort());
    for (const k of Object.keys(index)) assert.ok(entry[k] === index[k], k);
  });

test('package.json: every subpath has types first, and steptree/tfjs resolves to entry.js on node', () => {
  const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
  for (const [sub, target] of Object.entries(pkg.exports as Record<string, Record<string, string> | string>)) {
    if (typeof target === 'string') continue;
    assert.equal(Object.keys(target)[0], 'types', sub);
    assert.equal(Object.keys(target).at(-1), 'default', sub);
  }
  assert.equal(pkg.exports['./tfjs'].node, './dist/reward/tfjs/entry.js');
  assert.equal(pkg.exports['./hf'].node, './dist/reward/hf/entry.js');
  for (const p of [
    '@tensorflow/tfjs-core',
    '@tensorflow/tfjs-backend-cpu',
    '@tensorflow/tfjs-backend-wasm',
    '@tensorflow/tfjs-backend-webgpu',
    'webgpu',
    '@tensorflow/tfjs-node',
    '@tensorflow/tfjs-node-gpu',
  ]) {
    assert.ok(p in pkg.peerDependencies && pkg.peerDependenciesMeta[p]?.optional === true, `${p}: optional peer`);
    assert.not.ok(p in pkg.dependencies, `${p} still a dependency`);
  }
});

test('tsconfig paths (development) and package exports (users) name the same subpaths', () => {
  const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
  const paths = JSON.parse(readFileSync(join(repo, 'tsconfig.json'), 'utf8')).compilerOptions.paths as Record<string, string[]>;
  const fromExports = Object.keys(pkg.exports)
    .filter((s) => s !== './package.json')
    .map((s) => (s === '.' ? 'steptree' : `steptree/${s.slice(2)}`));
  assert.equal(Object.keys(paths).sort(), fromExports.sort());
  for (const [name, [src]] of Object.entries(paths)) {
    const sub = name === 'steptree' ? '.' : `./${name.slice('steptree/'.length)}`;
    const types = pkg.exports[sub].types as string;
    assert.equal(types, src!.replace('./src/', './dist/').replace(/\.ts$/, '.d.ts'), name);
  }
});

test.run();

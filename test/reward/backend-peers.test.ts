// The tfjs backends are optional peer dependencies: a missing one says which package to install.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { selectBackend } from '../../src/reward/tfjs/backend.ts';
import { BackendError } from '../../src/core/errors.ts';

const absent = (s: string) => Object.assign(new Error(`Cannot find package '${s}' imported from /x.js`), { code: 'ERR_MODULE_NOT_FOUND' });

test('strict wasm without @tensorflow/tfjs-backend-wasm: a BackendError with the npm install line', async () => {
  const lines: string[] = [];
  try {
    await selectBackend('wasm', { strict: true, load: async (s) => Promise.reject(absent(s)), log: (l) => lines.push(l) });
    assert.unreachable();
  } catch (e) {
    assert.instance(e, BackendError);
    assert.match((e as Error).message, /npm install @tensorflow\/tfjs-backend-wasm/);
  }
  assert.equal(lines, ['steptree: tfjs backend wasm unavailable (module not installed)']);
});

test('strict webgpu without its packages names both; a package that is there but fails keeps its own reason', async () => {
  try {
    await selectBackend('webgpu', { strict: true, hasVulkan: () => true, load: async (s) => Promise.reject(absent(s)), log: () => {} });
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /npm install webgpu @tensorflow\/tfjs-backend-webgpu/);
  }
  try {
    await selectBackend('webgpu', { strict: true, hasVulkan: () => true, load: async () => Promise.reject(new Error('dawn crashed')), log: () => {} });
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /dawn crashed/);
    assert.not.match((e as Error).message, /npm install/);
  }
});

test.run();

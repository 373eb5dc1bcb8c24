import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { selectBackend } from '../../src/reward/tfjs/backend.ts';
import { BackendError } from '../../src/core/errors.ts';

const absent = (s: string) => Object.assign(new Error(`Cannot find package '${s}'`), { code: 'ERR_MODULE_NOT_FOUND' });
const realImport = (s: string) => import(s);

/** A loader where the listed modules are missing and everything else is real. */
function loader(missing: string[], fakes: Record<string, () => unknown> = {}) {
  const asked: string[] = [];
  const load = async (s: string) => {
    asked.push(s);
    if (s in fakes) return fakes[s]!();
    if (missing.includes(s)) throw absent(s);
    return realImport(s);
  };
  return { load, asked };
}

const natives = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'];
const noAdapterWebgpu = () => ({ create: () => ({ requestAdapter: async () => null }), globals: {} });

test('auto falls through absent native packages and an adapter-less WebGPU to wasm, one log line each', async () => {
  const handlers = process.listeners('uncaughtException').length;
  const lines: string[] = [];
  const { load, asked } = loader(natives, { webgpu: noAdapterWebgpu });
  const name = await selectBackend('auto', { load, log: (l) => lines.push(l), hasVulkan: () => true });
  assert.is(name, 'wasm');
  assert.is(tf.getBackend(), 'wasm');
  assert.equal(asked.slice(0, 3), [...natives, 'webgpu']);
  assert.is(lines.length, 3);
  assert.match(lines[0]!, /tfjs-node-gpu unavailable \(module not installed\); trying @tensorflow\/tfjs-node/);
  assert.match(lines[2]!, /webgpu.*no GPU adapter found.*trying wasm/);
  assert.ok(lines.every((l) => !l.includes('\n')));
  assert.is(process.listeners('uncaughtException').length, handlers, "the wasm glue's crash handlers are removed");
});

test('a faked-present tfjs-node wins over everything after it', async () => {
  const lines: string[] = [];
  const { load } = loader(['@tensorflow/tfjs-node-gpu'], {
    '@tensorflow/tfjs-node': () => {
      tf.registerBackend('tensorflow', () => new MathBackendCPU()); // what the real package does on import
      return {};
    },
  });
  try {
    assert.is(await selectBackend('auto', { load, log: (l) => lines.push(l) }), 'tensorflow');
    assert.is(tf.getBackend(), 'tensorflow');
    assert.is(lines.length, 1);
  } finally {
    await tf.setBackend('wasm');
    tf.removeBackend('tensorflow');
  }
});

test('a native package that throws on import (bad libtensorflow) falls through, never crashes', async () => {
  const lines: string[] = [];
  const { load } = loader([], {
    '@tensorflow/tfjs-node-gpu': () => {
      throw new Error('libtensorflow.so.2: cannot open shared object file\nstack…');
    },
    '@tensorflow/tfjs-node': () => {
      throw new Error('The specified module could not be found.');
    },
  });
  assert.is(await selectBackend('tensorflow', { load, log: (l) => lines.push(l) }), 'wasm');
  assert.is(lines.length, 2);
  assert.match(lines[0]!, /libtensorflow\.so\.2: cannot open shared object file\)/);
});

test('the real webgpu package on a machine without a GPU falls through to wasm', async () => {
  const lines: string[] = [];
  assert.is(await selectBackend('webgpu', { log: (l) => lines.push(l) }), 'wasm');
  assert.is(lines.length, 1);
  assert.match(lines[0]!, /webgpu/);
});

test('without a Vulkan loader, WebGPU is skipped before Dawn is even loaded', async () => {
  const lines: string[] = [];
  const { load, asked } = loader([], { webgpu: noAdapterWebgpu });
  assert.is(await selectBackend('webgpu', { load, log: (l) => lines.push(l), hasVulkan: () => false }), 'wasm');
  assert.not.ok(asked.includes('webgpu'));
  assert.match(lines[0]!, /no Vulkan loader/);
});

test('a failing wasm falls through to cpu; cpu and wasm can be picked directly', async () => {
  const lines: string[] = [];
  const { load } = loader(['@tensorflow/tfjs-backend-wasm']);
  assert.is(await selectBackend('wasm', { load, log: (l) => lines.push(l) }), 'cpu');
  assert.is(lines.length, 1);
  assert.is(await selectBackend('cpu', { log: () => assert.unreachable('cpu never logs') }), 'cpu');
  assert.is(await selectBackend('wasm', { log: () => assert.unreachable('wasm is installed') }), 'wasm');
});

test('strict refuses to fall back, with a typed error; unknown names are rejected', async () => {
  const { load } = loader(natives);
  const lines: string[] = [];
  try {
    await selectBackend('tensorflow', { load, strict: true, log: (l) => lines.push(l) });
    assert.unreachable();
  } catch (e) {
    assert.instance(e, BackendError);
    assert.is((e as BackendError).backend, '@tensorflow/tfjs-node');
  }
  assert.is(lines.length, 2);
  try {
    await selectBackend('tpu' as never);
    assert.unreachable();
  } catch (e) {
    assert.instance(e, BackendError);
    assert.match(String(e), /unknown backend/);
  }
  await selectBackend('wasm');
});

test.run();

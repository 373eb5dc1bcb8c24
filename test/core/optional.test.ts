import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MissingDependencyError } from '../../src/core/errors.ts';
import { isNotInstalled, loadOptional, nodeBuiltin, requireInstalled } from '../../src/core/optional.ts';

const notFound = (pkg: string) => Object.assign(new Error(`Cannot find package '${pkg}' imported from /x/y.js`), { code: 'ERR_MODULE_NOT_FOUND' });

test('loadOptional returns the module when it loads', async () => {
  const mod = await loadOptional<{ v: number }>('some-pkg', 'a feature', async () => ({ v: 1 }));
  assert.equal(mod.v, 1);
});

test('loadOptional: a missing package is a MissingDependencyError that names the feature and the install command', async () => {
  try {
    await loadOptional('some-pkg', 'the thing', async (s) => Promise.reject(notFound(s)));
    assert.unreachable();
  } catch (e) {
    assert.instance(e, MissingDependencyError);
    assert.equal((e as MissingDependencyError).module, 'some-pkg');
    assert.match((e as Error).message, /^the thing needs the npm package `some-pkg`.*npm install some-pkg/);
  }
});

test('loadOptional: a package that is there but fails keeps its own error (no misleading install hint)', async () => {
  try {
    await loadOptional('some-pkg', 'the thing', async () => Promise.reject(new Error('bad native binding')));
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /bad native binding/);
    assert.not.match((e as Error).message, /npm install/);
  }
});

test('isNotInstalled: only when the missing module is the package itself (a missing dependency of it is not)', () => {
  assert.ok(isNotInstalled(notFound('a'), 'a'));
  assert.not.ok(isNotInstalled(notFound('dep-of-a'), 'a'));
  assert.ok(isNotInstalled(new Error("Could not find package 'a' from referrer 'file:///x'"), 'a')); // Deno
  assert.not.ok(isNotInstalled(new Error('boom'), 'a'));
});

test('requireInstalled: resolves without loading; a missing package throws before anything imports it', () => {
  requireInstalled(['uvu'], 'tests', import.meta);
  assert.throws(
    () => requireInstalled(['uvu', 'surely-not-installed-pkg'], 'the x subpath', import.meta),
    (e: Error) =>
      e instanceof MissingDependencyError &&
      /the x subpath needs the npm package `surely-not-installed-pkg`.*npm install surely-not-installed-pkg/.test(e.message),
  );
  requireInstalled(['surely-not-installed-pkg'], 'a bundle', {} as ImportMeta); // no import.meta.resolve: nothing to check
});

test('nodeBuiltin: Node built-ins without an import; undefined where there is no process.getBuiltinModule', () => {
  assert.equal(typeof nodeBuiltin<{ readFileSync: unknown }>('node:fs')?.readFileSync, 'function');
  const saved = globalThis.process;
  try {
    Object.defineProperty(globalThis, 'process', { value: undefined, configurable: true, writable: true });
    assert.equal(nodeBuiltin('node:fs'), undefined);
  } finally {
    Object.defineProperty(globalThis, 'process', { value: saved, configurable: true, writable: true });
  }
});

test.run();

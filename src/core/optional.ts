import { MissingDependencyError } from './errors.ts';

// Optional peer dependencies (tfjs, webgpu, …) are not installed with steptree: the modules that need one
// load it here, so a missing package is one clear error naming what to install, never a raw ERR_MODULE_NOT_FOUND.

export type ModuleLoader = (specifier: string) => Promise<unknown>;

const importModule: ModuleLoader = (s) => import(s);

/** True when `e` says `pkg` itself is not installed (not: pkg is there but fails, or lacks one of its own deps). */
export function isNotInstalled(e: unknown, pkg: string): boolean {
  const { code, message } = (e ?? {}) as { code?: unknown; message?: unknown };
  if (typeof message !== 'string') return false;
  // Node: Cannot find package 'pkg' imported from …; Bun: Cannot find package "pkg" from …;
  // Deno: Could not find package 'pkg' from referrer … / Import "pkg" not a dependency
  const notFound =
    code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND' || /cannot find (module|package)|could not (find|resolve)|not a dependency/i.test(message);
  if (!notFound) return false;
  return [`'${pkg}'`, `"${pkg}"`, `'${pkg}/`, `"${pkg}/`].some((q) => message.includes(q));
}

function missing(pkg: string, feature: string, e: unknown): MissingDependencyError {
  const why = isNotInstalled(e, pkg) ? new Error(`it is not installed; install it with \`npm install ${pkg}\``, { cause: e }) : e;
  return new MissingDependencyError(pkg, feature, why);
}

/**
 * Import the optional package `pkg` for `feature` ("steptree/tfjs", "the wasm backend", …). A missing or broken
 * package throws MissingDependencyError: "<feature> needs the npm package `pkg` … npm install pkg".
 */
export async function loadOptional<T = unknown>(pkg: string, feature: string, load: ModuleLoader = importModule): Promise<T> {
  try {
    return (await load(pkg)) as T;
  } catch (e) {
    throw missing(pkg, feature, e);
  }
}

/**
 * Check, without loading them, that packages a module imports statically are installed (`meta` is the caller's
 * import.meta, so resolution starts where the importer lives). Runtimes without import.meta.resolve (bundles, where a
 * missing package already fails the build) skip the check.
 */
export function requireInstalled(pkgs: readonly string[], feature: string, meta: ImportMeta): void {
  const resolve = (meta as { resolve?: (s: string) => string }).resolve;
  if (typeof resolve !== 'function') return;
  for (const pkg of pkgs) {
    try {
      resolve.call(meta, pkg);
    } catch (e) {
      throw missing(pkg, feature, e);
    }
  }
}

/**
 * A built-in module of Node (and of Bun and Deno, which provide getBuiltinModule on their global process object), or undefined elsewhere.
 * No import statement, so a browser bundle of a module that uses this contains no `node:` specifier.
 */
export function nodeBuiltin<T>(name: `node:${string}`): T | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return proc?.getBuiltinModule?.(name) as T | undefined;
}

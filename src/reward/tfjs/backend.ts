import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { BackendError, errorText } from '../../core/errors.ts';
import { isNotInstalled, nodeBuiltin } from '../../core/optional.ts';

// No `node:` imports: this module also runs in browsers (Node's fs/module come from nodeBuiltin where they exist).
const proc = (globalThis as { process?: NodeJS.Process }).process;

export type BackendPref = 'auto' | 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';
export type BackendName = 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';
export const backendPrefs: readonly BackendPref[] = ['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu'];

export interface BackendDeps {
  /** Module loader (default: dynamic `import`). Tests fake modules absent, present or throwing. */
  load?: (specifier: string) => Promise<unknown>;
  /** Where fall-through lines go (default: one line to stderr). */
  log?: (line: string) => void;
  /** Throw a BackendError instead of falling back to another backend when the preferred one fails. */
  strict?: boolean;
  /** Whether a Vulkan loader exists (default: looks for libvulkan.so.1 on Linux). Dawn needs it to find an NVIDIA GPU. */
  hasVulkan?: () => boolean;
  /** Where the tfjs-backend-wasm .wasm files are served (a URL prefix ending in '/'); needed in browsers, found on Node. */
  wasmPaths?: string;
}

/** Without libvulkan Dawn can find no adapter and prints its own warning; skip it quietly instead. */
export function hasVulkanLoader(): boolean {
  const fs = nodeBuiltin<typeof import('node:fs')>('node:fs');
  if (!proc || !fs) return true; // a browser: navigator.gpu decides
  if (proc.platform !== 'linux') return true;
  const dirs = [
    ...(proc.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean),
    '/usr/lib/x86_64-linux-gnu',
    '/usr/lib/aarch64-linux-gnu',
    '/lib/x86_64-linux-gnu',
    '/usr/lib64',
    '/usr/lib',
    '/usr/local/lib',
  ];
  return dirs.some((d) => fs.existsSync(`${d}/libvulkan.so.1`));
}

interface Candidate {
  readonly label: string;
  readonly backend: BackendName;
  /** The optional peer dependencies it loads (what to install when it is missing). */
  readonly packages: readonly string[];
  readonly init: (load: (s: string) => Promise<unknown>, deps: BackendDeps) => Promise<void>;
}

/** tfjs-node(-gpu) registers the native 'tensorflow' backend on import (libtensorflow; optional dependency). */
function nativeCandidate(specifier: string): Candidate {
  return {
    label: specifier,
    backend: 'tensorflow',
    packages: [specifier],
    init: async (load) => {
      await load(specifier);
      if (!(await tf.setBackend('tensorflow'))) throw new Error(`${specifier} loaded but the 'tensorflow' backend did not initialise`);
    },
  };
}

const webgpu: Candidate = {
  label: 'webgpu (Dawn)',
  backend: 'webgpu',
  packages: ['webgpu', '@tensorflow/tfjs-backend-webgpu'],
  init: async (load, deps) => {
    // A browser app that imported @tensorflow/tfjs-backend-webgpu itself: use its navigator.gpu, not Dawn.
    if (!proc && tf.findBackendFactory('webgpu') !== null) {
      if (!(await tf.setBackend('webgpu'))) throw new Error("tf.setBackend('webgpu') returned false");
      return;
    }
    if (!(deps.hasVulkan ?? hasVulkanLoader)()) throw new Error('no Vulkan loader (libvulkan.so.1) on this machine');
    const mod = (await load('webgpu')) as { create?: (opts: string[]) => { requestAdapter(): Promise<unknown> }; globals?: object };
    if (typeof mod.create !== 'function') throw new Error('module `webgpu` has no create()');
    const gpu = mod.create([]);
    // Only touch globals once an adapter exists: with none, tfjs-backend-webgpu would just fail later.
    if (!(await gpu.requestAdapter())) throw new Error('no GPU adapter found');
    Object.assign(globalThis, mod.globals ?? {});
    Object.defineProperty(globalThis, 'navigator', { value: { ...(globalThis.navigator ?? {}), gpu }, configurable: true, writable: true });
    await load('@tensorflow/tfjs-backend-webgpu');
    if (!(await tf.setBackend('webgpu'))) throw new Error("tf.setBackend('webgpu') returned false");
  },
};

/** Directory holding the .wasm binaries, as a file path (Node reads them with fs, not fetch). */
export function wasmDir(): string {
  const mod = nodeBuiltin<typeof import('node:module')>('node:module');
  const path = nodeBuiltin<typeof import('node:path')>('node:path');
  if (!mod || !path) throw new Error('no file system here: pass backendDeps.wasmPaths (the URL the .wasm files are served from)');
  return path.dirname(mod.createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json')) + path.sep + 'dist' + path.sep;
}

const wasm: Candidate = {
  label: 'wasm',
  backend: 'wasm',
  packages: ['@tensorflow/tfjs-backend-wasm'],
  init: async (load, deps) => {
    // A browser bundle cannot load a package at run time: the app imports @tensorflow/tfjs-backend-wasm and sets its paths.
    if (proc || tf.findBackendFactory('wasm') === null) {
      const mod = (await load('@tensorflow/tfjs-backend-wasm')) as { setWasmPaths?: (p: string) => void };
      if (tf.findBackend('wasm') === null) mod.setWasmPaths?.(deps.wasmPaths ?? wasmDir()); // paths can only be set before first init
    }
    // The Emscripten glue adds process handlers that rethrow every uncaught error from inside its one-line
    // minified file, so Node prints ~30 kB of source with any crash. Node's defaults do the same job; drop them.
    const events = ['uncaughtException', 'unhandledRejection'] as const;
    const em = proc as NodeJS.EventEmitter | undefined;
    const before = events.map((e) => new Set(em?.listeners(e)));
    try {
      if (!(await tf.setBackend('wasm'))) throw new Error("tf.setBackend('wasm') returned false");
    } finally {
      events.forEach((e, i) => {
        for (const l of em?.listeners(e) ?? []) if (!before[i]!.has(l)) em!.removeListener(e, l as (...a: unknown[]) => void);
      });
    }
  },
};

const cpu: Candidate = {
  label: 'cpu',
  backend: 'cpu',
  packages: ['@tensorflow/tfjs-backend-cpu'],
  init: async () => {
    if (!(await tf.setBackend('cpu'))) throw new Error("tf.setBackend('cpu') returned false");
  },
};

const chains: Record<BackendPref, readonly Candidate[]> = {
  auto: [nativeCandidate('@tensorflow/tfjs-node-gpu'), nativeCandidate('@tensorflow/tfjs-node'), webgpu, wasm, cpu],
  tensorflow: [nativeCandidate('@tensorflow/tfjs-node-gpu'), nativeCandidate('@tensorflow/tfjs-node'), wasm, cpu],
  webgpu: [webgpu, wasm, cpu],
  wasm: [wasm, cpu],
  cpu: [cpu],
};

/**
 * Make a tfjs backend current and return its name. Each candidate that is missing or fails costs exactly one
 * log line and the next is tried; `cpu` is always last and always there, so this never crashes unless `strict`.
 */
export async function selectBackend(pref: BackendPref = 'auto', deps: BackendDeps = {}): Promise<BackendName> {
  if (!backendPrefs.includes(pref)) throw new BackendError(String(pref), `unknown backend (known: ${backendPrefs.join(', ')})`);
  const load = deps.load ?? ((s: string) => import(s));
  const log = deps.log ?? ((line: string) => (proc ? proc.stderr.write(line + '\n') : console.warn(line)));
  // strict: only the preferred backend's own candidates (both native packages for 'tensorflow').
  const chain = deps.strict && pref !== 'auto' ? chains[pref].filter((c) => c.backend === pref) : chains[pref];
  for (let i = 0; i < chain.length; i++) {
    const c = chain[i]!;
    try {
      await c.init(load, deps);
      return c.backend;
    } catch (e) {
      const next = chain[i + 1];
      log(`steptree: tfjs backend ${c.label} unavailable (${shortReason(e, c)})${next ? `; trying ${next.label}` : ''}`);
      if (!next) throw new BackendError(c.label, shortReason(e, c) === 'module not installed' ? `${installHint(c)}` : errorText(e), e);
    }
  }
  throw new BackendError(pref, 'empty backend chain');
}

function shortReason(e: unknown, c: Candidate): string {
  if (c.packages.some((p) => isNotInstalled(e, p))) return 'module not installed';
  return errorText(e).split('\n')[0]!.slice(0, 200);
}

/** The optional peer packages a backend needs, as one install line. */
function installHint(c: Candidate): string {
  return `not installed; install it with \`npm install ${c.packages.join(' ')}\``;
}

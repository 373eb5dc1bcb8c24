import { nodeBuiltin } from './optional.ts';

// File access for modules that must also run in browsers (model loading): Node's fs where the runtime has it
// (Node, Bun, Deno), fetch for reads elsewhere, where a "path" is a URL relative to the page. No `node:` imports.

export interface Files {
  readFile(path: string): Promise<Uint8Array>;
  readFile(path: string, encoding: 'utf8'): Promise<string>;
  writeFile(path: string, data: string | Uint8Array): Promise<void>;
  mkdir(path: string, options?: { recursive?: boolean }): Promise<unknown>;
  copyFile(from: string, to: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
}

export interface Paths {
  join(...parts: string[]): string;
  resolve(...parts: string[]): string;
  dirname(path: string): string;
  readonly sep: string;
}

const nodeFs = nodeBuiltin<Files>('node:fs/promises');
const nodePath = nodeBuiltin<Paths>('node:path');

/** fetch-backed reads; a 404 throws an error with code ENOENT, as fs does. */
async function fetchFile(path: string, encoding?: 'utf8'): Promise<Uint8Array | string> {
  const res = await fetch(path);
  if (!res.ok) throw Object.assign(new Error(`${res.status} ${res.statusText} for ${path}`), { code: res.status === 404 ? 'ENOENT' : 'EIO' });
  return encoding === 'utf8' ? res.text() : new Uint8Array(await res.arrayBuffer());
}

function noWrites(): never {
  throw new Error('writing files needs a runtime with a file system (Node, Bun or Deno)');
}

/** Reads over fetch (paths are URLs); writes throw. What `files` is where there is no node:fs. */
export const fetchFiles: Files = {
  readFile: fetchFile as Files['readFile'],
  writeFile: async () => noWrites(),
  mkdir: async () => noWrites(),
  copyFile: async () => noWrites(),
  rename: async () => noWrites(),
};

export const files: Files = nodeFs ?? fetchFiles;

/** POSIX-style joins for URLs. */
export const urlPaths: Paths = {
  join: (...parts) =>
    parts
      .filter((p) => p !== '')
      .join('/')
      .replace(/(?<!:)\/{2,}/g, '/'),
  resolve: (...parts) => urlPaths.join(...parts),
  dirname: (p) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) || '/' : '.'),
  sep: '/',
};

export const paths: Paths = nodePath ?? urlPaths;

/** Writes `path` whole or not at all: into a sibling temporary file, then renamed over it (so overwriting a model in place never leaves a torn file). */
export async function writeWhole(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.${Date.now().toString(36)}.tmp`;
  await files.writeFile(tmp, data);
  await files.rename(tmp, path);
}

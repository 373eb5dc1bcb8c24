// Shared set-up of the package tests: the packed tarball and fresh consumer projects that install it the way a user
// does (npm install <tarball>), memoised so the test files of one run pack and install once.
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = join(dirname(fileURLToPath(import.meta.url)), '../..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** The tfjs peers a user of steptree/tfjs installs (versions as in our devDependencies). */
export const TFJS_PEERS = ['@tensorflow/tfjs-core@^4.22.0', '@tensorflow/tfjs-backend-cpu@^4.22.0', '@tensorflow/tfjs-backend-wasm@^4.22.0'];

/** Runs f once; a failure is remembered too, so one broken pack fails each test at once instead of packing again. */
function memo<T>(f: () => T): () => T {
  let v: { value: T } | { error: unknown } | undefined;
  return () => {
    if (!v) {
      try {
        v = { value: f() };
      } catch (error) {
        v = { error };
      }
    }
    if ('error' in v) throw v.error;
    return v.value;
  };
}

/** One scratch folder per run; STEPTREE_KEEP=1 keeps it (tarball, consumer projects) for a look afterwards. */
const work = memo(() => {
  const dir = mkdtempSync(join(tmpdir(), 'steptree-pkg-'));
  if (!process.env.STEPTREE_KEEP) process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
});

function npmRun(args: string[], cwd: string): string {
  const r = spawnSync(npm, [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) throw new Error(`npm ${args.join(' ')} failed (status ${r.status}, signal ${r.signal}):\n${(r.stdout + r.stderr).slice(-3000)}`);
  return r.stdout;
}

/** `npm pack` of the repo (prepack builds dist/ first); the tarball's path. */
export const tarball = memo(() => {
  const dest = join(work(), 'pack');
  mkdirSync(dest);
  const name = npmRun(['pack', '--pack-destination', dest, '--silent'], repo).trim().split('\n').pop()!;
  return join(dest, name);
});

/** Files the tarball ships (`npm pack --dry-run --json` reads the same `files` list). */
export const packedFiles = memo((): string[] => {
  const out = execFileSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repo, encoding: 'utf8' });
  return (JSON.parse(out) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
});

function consumer(name: string, extra: string[]): string {
  const dir = join(work(), name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `consumer-${name}`, private: true, type: 'module' }, null, 2));
  npmRun(['install', tarball(), ...extra], dir);
  return dir;
}

/** A fresh project with only steptree installed: the engine user. */
export const engineProject = memo(() => consumer('engine', []));
/** A fresh project with steptree and the tfjs peers (core, cpu, wasm) installed. */
export const tfjsProject = memo(() => consumer('tfjs', TFJS_PEERS));

/** Bytes under a directory (files only, links not followed), as `du` counts a fresh node_modules. */
export function dirBytes(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) total += dirBytes(p);
    else if (e.isFile()) total += statSync(p).size;
  }
  return total;
}

export interface Runtime {
  readonly name: string;
  /** argv prefix that runs a module file: ['node'], ['bun'], ['deno', 'run', '-A']. */
  readonly argv: readonly string[];
}

/** The machine's node plus Node 22, Node 24, Bun and Deno from npm registry tarballs (test/package/runtimes.sh). */
export const runtimes = memo((): Runtime[] => {
  const r = spawnSync(join(repo, 'test/package/runtimes.sh'), { encoding: 'utf8', timeout: 900_000 });
  const found = new Map(
    r.stdout
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split(' ') as [string, string]),
  );
  const want = ['node22', 'node24', 'bun', 'deno'];
  const missing = want.filter((n) => !found.has(n));
  if (missing.length) throw new Error(`runtimes not available: ${missing.join(', ')}\n${r.stderr}`);
  return [
    { name: `node ${process.version}`, argv: [process.execPath] },
    { name: 'node 22', argv: [found.get('node22')!] },
    { name: 'node 24', argv: [found.get('node24')!] },
    { name: 'bun', argv: [found.get('bun')!] },
    { name: 'deno', argv: [found.get('deno')!, 'run', '-A'] },
  ];
});

/** Run `script` (a file name inside `dir`) on a runtime; stdout/stderr/status, never throws. */
export function runOn(rt: Runtime, dir: string, script: string, args: string[] = [], timeout = 120_000): SpawnSyncReturns<string> {
  const [cmd, ...pre] = rt.argv;
  return spawnSync(cmd!, [...pre, script, ...args], { cwd: dir, encoding: 'utf8', timeout, env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' } });
}

/** The last line of stdout as JSON (the smoke scripts print one result line). */
export function lastJson(r: SpawnSyncReturns<string>): Record<string, unknown> {
  const line = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line);
  } catch {
    throw new Error(`no JSON result (status ${r.status}, signal ${r.signal})\nstdout: ${r.stdout.slice(-2000)}\nstderr: ${r.stderr.slice(-2000)}`);
  }
}

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ResultRecord } from '../../src/runner/record.ts';
import type { BenchSummary } from '../../src/runner/summary.ts';

export const tmp = (name: string) => mkdtempSync(join(tmpdir(), `steptree-${name}-`));

export const records = (dir: string): ResultRecord[] =>
  readFileSync(join(dir, 'results.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as ResultRecord);

/** A summary without its wall-time fields, which differ between any two runs. */
export function withoutWall(s: BenchSummary | Record<string, unknown>): Record<string, unknown> {
  const { wallMs: _w, ...rest } = s as Record<string, unknown>;
  return rest;
}

export { rejects as fails } from '../helpers/rejects.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = join(ROOT, 'src/cli/main.ts');

/** `steptree bench` as one child process (node --import tsx), so a signal or kill -9 reaches the runner itself. */
export function spawnBench(args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', MAIN, 'bench', ...args, '--no-progress'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** The child's exit, its stderr, and how long it ran from this call. */
export const exited = (c: ChildProcess) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null; err: string; ms: number }>((res) => {
    const t0 = Date.now();
    let err = '';
    c.stderr!.on('data', (d) => (err += d));
    c.on('exit', (code, signal) => res({ code, signal, err, ms: Date.now() - t0 }));
  });

/** Lines in DIR/results.jsonl so far (0 before the file exists). */
export const resultLines = (dir: string) =>
  existsSync(join(dir, 'results.jsonl')) ? readFileSync(join(dir, 'results.jsonl'), 'utf8').split('\n').filter(Boolean).length : 0;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RefModel {
  name: string;
  format: string;
  head: string;
  labels: number[] | null;
  dtype: string;
  skipped: string[];
  /** Per layer: the sliding window span, or null (the reference's reading of config.json). */
  windows: (number | null)[];
  cases: { id: string; problem: string; steps: string[]; ids: number[]; positions: number[]; scores: number[]; scoresFullAttention?: number[] }[];
}

const PY = '/usr/bin/python3';
const SCRIPT = new URL('./hf_ref.py', import.meta.url).pathname;

/** Writes the tiny checkpoints and their numpy float64 reference into a fresh temp dir; null (with why) without numpy. */
export function makeCheckpoints(): { dir: string; models: RefModel[] } | { skip: string } {
  const probe = spawnSync(PY, ['-c', 'import numpy'], { encoding: 'utf8' });
  if (probe.status !== 0) return { skip: `${PY} with numpy is not available (apt-get install -y python3-numpy)` };
  const dir = mkdtempSync(join(tmpdir(), 'steptree-hf-'));
  const run = spawnSync(PY, [SCRIPT, dir], { encoding: 'utf8', timeout: 120_000 });
  if (run.status !== 0) throw new Error(`hf_ref.py failed: ${run.stderr}`);
  return { dir, models: (JSON.parse(readFileSync(join(dir, 'reference.json'), 'utf8')) as { models: RefModel[] }).models };
}

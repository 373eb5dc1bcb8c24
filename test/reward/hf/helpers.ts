import { existsSync } from 'node:fs';
import type { ScoreRequest } from '../../../src/reward/types.ts';
import type { PRM } from '../../../src/reward/types.ts';

export const TINY_QWEN = new URL('../../../../shared/data/tiny-prm/qwen2-prm/', import.meta.url).pathname;
export const hasTinyQwen = existsSync(TINY_QWEN + 'reference.json');

export interface Path {
  readonly id: string;
  readonly problem: string;
  readonly steps: readonly string[];
}

const req = (p: Path, k: number, cached: boolean, tag: string): ScoreRequest => ({
  problem: { id: p.id, text: p.problem } as ScoreRequest['problem'],
  prefix: p.steps.slice(0, k),
  step: p.steps[k]!,
  key: `${tag}${p.id}/${k}`,
  parentKey: cached && k > 0 ? `${tag}${p.id}/${k - 1}` : undefined,
});

/** Scores every step of every path: depth by depth, all paths' step k in one frontier batch, each from its parent. */
export async function scoreByDepth(prm: PRM, paths: readonly Path[], cached = true, tag = ''): Promise<number[][]> {
  const out = paths.map(() => [] as number[]);
  const depth = Math.max(...paths.map((p) => p.steps.length));
  for (let k = 0; k < depth; k++) {
    const live = paths.map((p, i) => [p, i] as const).filter(([p]) => k < p.steps.length);
    const s = await prm.score(live.map(([p]) => req(p, k, cached, tag)));
    live.forEach(([, i], j) => out[i]!.push(s[j]!));
  }
  return out;
}

/** One request at a time, each re-encoded from the problem (no parent key): the reference path. */
export async function scoreOneByOne(prm: PRM, paths: readonly Path[], tag = 'solo:'): Promise<number[][]> {
  const out: number[][] = [];
  for (const p of paths) {
    const row: number[] = [];
    for (let k = 0; k < p.steps.length; k++) row.push((await prm.score([req(p, k, false, tag)]))[0]!);
    out.push(row);
  }
  return out;
}

export const maxAbsDiff = (a: readonly (readonly number[])[], b: readonly (readonly number[])[]) =>
  Math.max(...a.flatMap((row, i) => row.map((x, j) => Math.abs(x - b[i]![j]!))));

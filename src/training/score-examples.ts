import type { PRM, ScoreRequest } from '../reward/types.ts';

/** A trajectory to score step by step. */
export interface Trajectory {
  readonly id: string;
  readonly problem: string;
  readonly steps: readonly string[];
}

/**
 * Scores whole trajectories through the PRM interface, the way a search would: depth by depth, every
 * trajectory's step t in one batch with step t−1 as its parent, so an incremental PRM encodes each step once.
 * Returns per-step scores in the input order. Keys are released at the end.
 */
export async function scoreTrajectories(
  prm: PRM,
  items: readonly Trajectory[],
  opts: { batch?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<number[][]> {
  const batch = opts.batch ?? 512;
  const out = items.map((t) => new Array<number>(t.steps.length));
  const tag = `eval${++serial}:`;
  const depth = Math.max(0, ...items.map((t) => t.steps.length));
  const total = items.reduce((a, t) => a + t.steps.length, 0);
  let done = 0;
  const keys: string[] = [];
  // trajectories of the same problem share its id, so the PRM encodes each problem once
  const problemIds = new Map<string, string>();
  const problems = items.map((t) => {
    let id = problemIds.get(t.problem);
    if (id === undefined) problemIds.set(t.problem, (id = `${tag}p${problemIds.size}`));
    return { id, text: t.problem };
  });
  try {
    for (let d = 0; d < depth; d++) {
      const reqs: (ScoreRequest & { at: number })[] = [];
      items.forEach((t, i) => {
        if (d >= t.steps.length) return;
        const key = `${tag}${i}.${d}`;
        keys.push(key);
        reqs.push({ at: i, problem: problems[i]!, prefix: t.steps.slice(0, d), step: t.steps[d]!, key, parentKey: d ? `${tag}${i}.${d - 1}` : undefined });
      });
      for (let b = 0; b < reqs.length; b += batch) {
        const chunk = reqs.slice(b, b + batch);
        const s = await prm.score(chunk);
        chunk.forEach((r, j) => (out[r.at]![d] = s[j]!));
        done += chunk.length;
        opts.onProgress?.(done, total);
      }
    }
  } finally {
    prm.release?.(keys);
  }
  return out;
}
let serial = 0;

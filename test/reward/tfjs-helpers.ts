import seedrandom from 'seedrandom';
import type { ArchConfig, TrainExample } from '../../src/reward/tfjs/index.ts';

/** A tiny architecture so every tfjs test runs in well under a second per thousand steps. */
export const tinyArch: Partial<ArchConfig> = { dModel: 16, heads: 2, layers: 1, ffn: 32, hidden: 16, maxStepTokens: 32, maxProblemTokens: 32 };

/** Additions where a step is correct iff its sum is right; labels turn 0 from the first wrong step (PRM800K style). */
export function syntheticExamples(n: number, seed = 'data'): TrainExample[] {
  const rng = seedrandom(seed);
  return Array.from({ length: n }, () => {
    const a = Math.floor(rng() * 10),
      b = Math.floor(rng() * 10);
    const steps: string[] = [],
      labels: number[] = [];
    let ok = true;
    for (let t = 0; t < 4; t++) {
      const good = rng() < 0.7;
      steps.push(good ? `${a}+${b}=${a + b} ok` : `${a}+${b}=${a + b + 1} bad`);
      ok = ok && good;
      labels.push(ok ? 1 : 0);
    }
    return { problem: `add ${a} and ${b}`, steps, labels };
  });
}

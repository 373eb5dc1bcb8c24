/**
 * Which simulated steps deviate from the reference: written by the simulated policy, read only by the oracle PRM
 * (src/reward/oracle.ts). Kept out of the step text and out of the problem, so neither the search, the tree JSON
 * nor any other PRM sees it. Keyed by (problem id, depth, text): a step's deviation is a property of its text at
 * that depth, so marks never conflict.
 */
const marks = new Map<string, Map<string, boolean>>();

const key = (depth: number, text: string) => `${depth}\u0000${text}`;

export function markStep(problemId: string, depth: number, text: string, deviates: boolean): void {
  let m = marks.get(problemId);
  if (!m) marks.set(problemId, (m = new Map()));
  m.set(key(depth, text), deviates);
}

/** True if the step deviates from the reference, false if it is the reference step, undefined if never proposed by the simulator. */
export function stepDeviates(problemId: string, depth: number, text: string): boolean | undefined {
  return marks.get(problemId)?.get(key(depth, text));
}

/** Drop a problem's marks (a long run can call it when a problem is finished). */
export function forgetMarks(problemId: string): void {
  marks.delete(problemId);
}

import type { Problem } from '../core/problem.ts';
import { InvalidOptionError } from '../core/errors.ts';
import type { Policy, StepProposal } from '../policy/types.ts';

/** One labelled trajectory in the `steptree` JSONL format. */
export interface LabelledExample {
  readonly id: string;
  readonly problem: string;
  readonly steps: string[];
  /** Per step: fraction of rollouts from the prefix ending at this step that reach the right answer (or 1/0, hard). */
  readonly labels: number[];
  readonly source: string;
}

export interface MonteCarloOptions {
  /** Completions sampled from each prefix (Math-Shepherd's N). */
  readonly rollouts: number;
  /** Trajectories sampled per problem to be labelled. */
  readonly samples?: number;
  readonly maxDepth?: number;
  readonly seed?: string | number;
  /** Grades a final answer against the problem. */
  readonly grade: (p: Problem, answer: string | null) => boolean;
  /** hard (Math-Shepherd HE): 1 if any rollout reaches the answer; soft (SE): the fraction. Default soft. */
  readonly estimate?: 'hard' | 'soft';
}

/**
 * Math-Shepherd-style Monte-Carlo step labels: sample a trajectory, then from every prefix sample
 * `rollouts` completions; a step's soft label is the fraction that reach the right answer, its hard
 * label whether any does.
 * All completions of a depth advance together, one policy call per completion per step.
 */
export async function monteCarloLabels(problem: Problem, policy: Policy, o: MonteCarloOptions): Promise<LabelledExample[]> {
  if (!Number.isInteger(o.rollouts) || o.rollouts < 1) throw new InvalidOptionError('rollouts', `expected an integer ≥ 1, got ${o.rollouts}`);
  const samples = o.samples ?? 1;
  const maxDepth = o.maxDepth ?? 64;
  const seed = String(o.seed ?? 0);
  const signal = new AbortController().signal;
  const next = async (steps: string[], tag: string): Promise<StepProposal | undefined> =>
    (await policy.propose({ problem, steps, k: 1, seed: `${seed}/${tag}`, nodeId: tag, signal }))[0];

  /** Completes each prefix to the end; returns the final answers. */
  async function complete(prefixes: { steps: string[]; tag: string; answer: string | null; done: boolean }[]) {
    for (let d = 0; d < maxDepth && prefixes.some((p) => !p.done); d++) {
      const live = prefixes.filter((p) => !p.done);
      const props = await Promise.all(live.map((p) => next(p.steps, `${p.tag}/${p.steps.length}`)));
      live.forEach((p, i) => {
        const s = props[i];
        if (!s) return void (p.done = true);
        p.steps = [...p.steps, s.text];
        if (s.terminal) (p.done = true), (p.answer = s.answer ?? null);
      });
    }
    return prefixes;
  }

  const trajectories = await complete(Array.from({ length: samples }, (_, i) => ({ steps: [], tag: `t${i}`, answer: null, done: false })));
  const out: LabelledExample[] = [];
  for (const [ti, t] of trajectories.entries()) {
    if (!t.steps.length) continue;
    const last = t.steps.length - 1;
    // every non-final prefix gets `rollouts` completions; the final step is graded directly
    const jobs = t.steps.slice(0, last).flatMap((_, i) => Array.from({ length: o.rollouts }, (_, r) => ({ steps: t.steps.slice(0, i + 1), tag: `t${ti}/p${i}/r${r}`, answer: null as string | null, done: false })));
    const done = await complete(jobs);
    const labels = t.steps.map((_, i) => {
      if (i === last) return o.grade(problem, t.answer) ? 1 : 0;
      const mine = done.slice(i * o.rollouts, (i + 1) * o.rollouts);
      const hits = mine.filter((j) => o.grade(problem, j.answer)).length;
      return o.estimate === 'hard' ? (hits > 0 ? 1 : 0) : hits / o.rollouts;
    });
    out.push({ id: `${problem.id}/t${ti}`, problem: problem.text, steps: t.steps, labels, source: `mc:${policy.name}:k=${o.rollouts}` });
  }
  return out;
}

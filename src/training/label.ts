import type { Problem } from '../core/problem.ts';
import { checkField, opt } from '../core/options.ts';
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
  /**
   * Siblings per step (default 0): at every prefix of a sampled trajectory, `branch` more next steps are sampled;
   * each one that differs from the trajectory's own step is labelled by its own rollouts and written as an example
   * of its own (prefix + sibling). Tree-shaped labels in the spirit of OmegaPRM: siblings share a prefix and a
   * depth, so only the step itself can tell their labels apart.
   */
  readonly branch?: number;
}

/**
 * Math-Shepherd-style Monte-Carlo step labels: sample a trajectory, then from every prefix sample
 * `rollouts` completions; a step's soft label is the fraction that reach the right answer, its hard
 * label whether any does.
 * All completions of a depth advance together, one policy call per completion per step.
 */
export async function monteCarloLabels(problem: Problem, policy: Policy, o: MonteCarloOptions): Promise<LabelledExample[]> {
  checkField('rollouts', o.rollouts, opt.int({ min: 1 }));
  const branch = o.branch ?? 0;
  checkField('branch', branch, opt.int({ min: 0 }));
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
        if (s.terminal) ((p.done = true), (p.answer = s.answer ?? null));
      });
    }
    return prefixes;
  }

  const trajectories = await complete(Array.from({ length: samples }, (_, i) => ({ steps: [], tag: `t${i}`, answer: null, done: false })));
  const out: LabelledExample[] = [];
  /** Label of the last step of each prefix: graded if terminal, else estimated from `rollouts` completions. */
  async function labelPrefixes(prefixes: { steps: string[]; terminal: boolean; answer: string | null; tag: string }[]): Promise<number[]> {
    const open = prefixes.filter((p) => !p.terminal);
    const jobs = open.flatMap((p) =>
      Array.from({ length: o.rollouts }, (_, r) => ({ steps: p.steps, tag: `${p.tag}/r${r}`, answer: null as string | null, done: false })),
    );
    const done = await complete(jobs);
    let j = 0;
    return prefixes.map((p) => {
      if (p.terminal) return o.grade(problem, p.answer) ? 1 : 0;
      const hits = done.slice(j * o.rollouts, ++j * o.rollouts).filter((c) => o.grade(problem, c.answer)).length;
      return o.estimate === 'hard' ? (hits > 0 ? 1 : 0) : hits / o.rollouts;
    });
  }

  const source = `mc:${policy.name}:k=${o.rollouts}`;
  for (const [ti, t] of trajectories.entries()) {
    if (!t.steps.length) continue;
    const last = t.steps.length - 1;
    // every non-final prefix gets `rollouts` completions; the final step is graded directly
    const labels = await labelPrefixes(
      t.steps.map((_, i) => ({ steps: t.steps.slice(0, i + 1), terminal: i === last, answer: t.answer, tag: `t${ti}/p${i}` })),
    );
    out.push({ id: `${problem.id}/t${ti}`, problem: problem.text, steps: t.steps, labels, source });
    if (!branch) continue;
    const sibs: { steps: string[]; terminal: boolean; answer: string | null; tag: string; at: number }[] = [];
    for (let i = 0; i <= last; i++) {
      const prefix = t.steps.slice(0, i);
      const props = await policy.propose({ problem, steps: prefix, k: branch, seed: `${seed}/t${ti}/b${i}`, nodeId: `t${ti}/b${i}`, signal });
      const seen = new Set([t.steps[i]]);
      for (const s of props) {
        if (seen.has(s.text)) continue;
        seen.add(s.text);
        sibs.push({ steps: [...prefix, s.text], terminal: Boolean(s.terminal), answer: s.answer ?? null, tag: `t${ti}/b${i}/${sibs.length}`, at: i });
      }
    }
    const sibLabels = await labelPrefixes(sibs);
    sibs.forEach((s, j) =>
      out.push({
        id: `${problem.id}/t${ti}/b${s.at}.${j}`,
        problem: problem.text,
        steps: s.steps,
        labels: [...labels.slice(0, s.at), sibLabels[j]!],
        source: `${source}:sibling`,
      }),
    );
  }
  return out;
}
